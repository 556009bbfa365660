import { describe, expect, it } from 'vitest';
import { auc, selectionMetrics } from './metrics.ts';

describe('selectionMetrics', () => {
  it('matches a hand-computed example', () => {
    // 100 rows; scores descend with the index. Frauds at 0, 1, 3, 7 and 50; revenue on them 40,30,20,5,5.
    const scores = Array.from({ length: 100 }, (_, i) => 100 - i);
    const labels = new Array(100).fill(0);
    const revenue = new Array(100).fill(0);
    for (const [i, r] of [
      [0, 40],
      [1, 30],
      [3, 20],
      [7, 5],
      [50, 5],
    ] as const) {
      labels[i] = 1;
      revenue[i] = r;
    }
    const m = selectionMetrics(scores, labels, revenue);
    expect(m.rows).toBe(100);
    // top 1 = {0}: 1 hit; top 2 = {0,1}: 2 hits; top 5 = {0..4}: 3 hits; top 10 = {0..9}: 4 hits.
    expect(m.precisionAt).toEqual({ '1': 1, '2': 1, '5': 0.6, '10': 0.4 });
    expect(m.recallAt).toEqual({ '1': 0.2, '2': 0.4, '5': 0.6, '10': 0.8 });
    expect(m.revenueAt).toEqual({ '1': 0.4, '2': 0.7, '5': 0.9, '10': 0.95 });
    // AUC: pairs (pos, neg) ordered correctly / 5*95. Negatives ranked above each positive:
    // 0 -> 0, 1 -> 0, 3 -> 1 (row 2), 7 -> 4 (rows 2,4,5,6), 50 -> 46. Wrong pairs = 51.
    expect(m.auc).toBeCloseTo(1 - 51 / 475, 12);
  });

  it('rounds n% of rows and handles ties in AUC', () => {
    expect(auc([1, 1, 1, 1], [1, 0, 1, 0])).toBe(0.5);
    expect(auc([0.9, 0.1], [1, 0])).toBe(1);
    const m = selectionMetrics(
      Array.from({ length: 30 }, (_, i) => -i),
      Array.from({ length: 30 }, () => 1),
      Array.from({ length: 30 }, () => 0),
    );
    // round(30 * 1 / 100) = 0 rows: no selection, precision 0 by definition; revenue 0 when none exists.
    expect(m.precisionAt['1']).toBe(0);
    expect(m.precisionAt['5']).toBe(1); // round(1.5) = 2 rows
    expect(m.recallAt['10']).toBeCloseTo(3 / 30, 12);
    expect(m.revenueAt['10']).toBe(0);
  });
});

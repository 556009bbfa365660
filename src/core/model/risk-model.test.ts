import { describe, expect, it } from 'vitest';
import { dutyAtStake, targetLabel } from './customs-record.ts';
import { selectionMetrics } from './metrics.ts';
import { createScorer, trainRiskModel } from './risk-model.ts';
import { syntheticRecords } from './test-records.ts';

describe('trainRiskModel', () => {
  const train = syntheticRecords(1500, 11);
  const test = syntheticRecords(600, 12);
  const model = trainRiskModel(train, {
    target: 'fraud',
    valid: syntheticRecords(400, 13),
    params: { maxTrees: 150 },
  });
  const scorer = createScorer(model);

  it('ranks the frauds of later declarations first', () => {
    const scores = test.records.map((r) => scorer.score(r).score);
    const labels = test.outcomes.map((o) => targetLabel(o, 'fraud'));
    const m = selectionMetrics(scores, labels, test.records.map(dutyAtStake));
    // About 10% of rows are frauds, a third of them unforeseeable noise.
    expect(m.auc).toBeGreaterThan(0.85);
    expect(m.precisionAt['10']).toBeGreaterThan(0.6);
  });

  it('scores a batch exactly as one by one', () => {
    const batch = scorer.scoreBatch(test.records);
    test.records.forEach((r, i) => {
      expect(batch[i]).toBe(scorer.score(r).score);
    });
  });

  it('explains a score with contributions that add up to it, in words', () => {
    const r = test.records.find((x) => x.importer === 'IMP1')!;
    const full = scorer.explain(r, 1000);
    const sum = full.contributions.reduce((s, c) => s + c.contribution, full.bias);
    expect(sum).toBeCloseTo(full.raw, 9);
    expect(full.score).toBeCloseTo(scorer.score(r).score, 12);
    const top = scorer.explain(r, 3).contributions;
    expect(top).toHaveLength(3);
    expect(Math.abs(top[0]!.contribution)).toBeGreaterThanOrEqual(Math.abs(top[2]!.contribution));
    expect(full.contributions.map((c) => c.reason).join('\n')).toMatch(
      /importer IMP1: fraud found in \d+ of \d+ past/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { exploreOne, selectForInspection } from './exploration.ts';
import { seededRandom } from './random.ts';

describe('selectForInspection', () => {
  it('takes the top of the queue and explores the rest with a logged probability', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const picked = selectForInspection(keys, 0.1, 0.1, seededRandom(1));
    expect(picked).toHaveLength(100);
    const exploit = picked.filter((s) => s.mode === 'exploit');
    const explore = picked.filter((s) => s.mode === 'explore');
    expect(exploit.map((s) => s.index)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    expect(explore).toHaveLength(10);
    expect(new Set(picked.map((s) => s.index)).size).toBe(100);
    for (const s of explore) {
      expect(s.index).toBeGreaterThanOrEqual(90);
      expect(s.probability).toBeCloseTo(10 / 910, 12);
    }
  });

  it('explores uniformly: every unpicked row is drawn about equally often', () => {
    const keys = Array.from({ length: 20 }, (_, i) => 20 - i);
    const counts = new Array(20).fill(0);
    const random = seededRandom(2);
    for (let t = 0; t < 4000; t++)
      for (const s of selectForInspection(keys, 0.5, 0.2, random)) counts[s.index]++;
    // capacity 10: 8 exploited (always), 2 explored among 12 others: expected 4000 * 2 / 12 = 667.
    expect(counts.slice(0, 8)).toEqual(new Array(8).fill(4000));
    for (const c of counts.slice(8)) expect(Math.abs(c - 667)).toBeLessThan(100);
  });

  it('exploreOne selects at the given rate', () => {
    const random = seededRandom(3);
    let n = 0;
    for (let i = 0; i < 10000; i++) if (exploreOne(random, 0.1).selected) n++;
    expect(Math.abs(n - 1000)).toBeLessThan(100);
  });
});

import { describe, expect, it } from 'vitest';
import { rankingScore } from './ranking.ts';

describe('rankingScore', () => {
  it('orders by probability, expected revenue, or near-certainty then revenue', () => {
    const sure = { p: 0.99, duty: 10 };
    const rich = { p: 0.6, duty: 100_000 };
    const key = (policy: 'probability' | 'revenue' | 'blend', x: { p: number; duty: number }) =>
      rankingScore(policy, x.p, x.duty);
    expect(key('probability', sure)).toBeGreaterThan(key('probability', rich));
    expect(key('revenue', rich)).toBeGreaterThan(key('revenue', sure));
    // 0.6^10 ~ 0.006: a 60% case needs far more duty at stake to pass a near-certain one.
    expect(key('blend', sure)).toBeGreaterThan(key('blend', { p: 0.6, duty: 1000 }));
    expect(key('blend', rich)).toBeGreaterThan(key('blend', sure));
    expect(Number.isFinite(key('blend', { p: 1e-300, duty: 0 }))).toBe(true);
  });
});

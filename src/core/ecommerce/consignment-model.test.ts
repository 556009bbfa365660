import { describe, expect, it } from 'vitest';
import { auc } from '../model/metrics.ts';
import { consignmentFacts } from './consignment-checks.ts';
import {
  CONSIGNMENT_FEATURES,
  consignmentFeatures,
  modelProbability,
  trainConsignmentModel,
} from './consignment-model.ts';
import { DEFAULT_LANE_CONFIG } from './lane-config.ts';
import { SplitWindow } from './split-window.ts';
import { generateConsignments } from './synthetic-consignments.ts';

describe('the lane model', () => {
  it('ranks injected risks above clean parcels it was not trained on', () => {
    const a = trainConsignmentModel(DEFAULT_LANE_CONFIG, { rows: 1500, seed: 1401, validSeed: 1402 });
    const window = new SplitWindow(72 * 3600_000);
    const scores: number[] = [];
    const labels: number[] = [];
    const row = new Float64Array(CONSIGNMENT_FEATURES.length);
    for (const { consignment: c, risks } of generateConsignments({ count: 2000, seed: 77 })) {
      const facts = consignmentFacts(c, DEFAULT_LANE_CONFIG);
      const key = SplitWindow.key(c);
      const split = key ? window.observe(key, c.id, Date.parse(c.lodgedAt), facts.valueEur ?? 0) : undefined;
      scores.push(modelProbability(a, consignmentFeatures(c, facts, split, row)));
      labels.push(risks.length > 0 ? 1 : 0);
    }
    expect(auc(scores, labels)).toBeGreaterThan(0.85);
  });

  it('generates the same consignments from the same seed', () => {
    expect(generateConsignments({ count: 50, seed: 3 })).toEqual(
      generateConsignments({ count: 50, seed: 3 }),
    );
  });
});

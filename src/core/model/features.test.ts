import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, FEATURE_NAMES } from './feature-set.ts';
import { encodeRecords, fitAndEncodeTraining, fitFeatures } from './features.ts';
import { trainRiskModel } from './risk-model.ts';
import { syntheticRecords } from './test-records.ts';

const column = (values: Float64Array, n: number, name: string) => {
  const f = FEATURE_NAMES.indexOf(name);
  return Array.from(values.subarray(f * n, (f + 1) * n));
};

describe('features', () => {
  it('encoders never see validation or test labels', () => {
    const train = syntheticRecords(400, 1);
    const valid = syntheticRecords(200, 2);
    const flipped = valid.outcomes.map((o) => (o === 0 ? 1 : 0) as 0 | 1);
    const a = trainRiskModel(train, { target: 'fraud', valid, params: { maxTrees: 5 } });
    const b = trainRiskModel(train, {
      target: 'fraud',
      valid: { records: valid.records, outcomes: flipped },
      params: { maxTrees: 5 },
    });
    // The fitted state is the same whatever the validation labels are...
    expect(a.features.categories.map((m) => [...m])).toEqual(b.features.categories.map((m) => [...m]));
    expect(a.features.prior).toEqual(b.features.prior);
    // ...and equal to a state fitted on the training rows alone.
    const alone = fitFeatures(train.records, train.outcomes);
    expect(a.features.categories.map((m) => [...m])).toEqual(alone.categories.map((m) => [...m]));
    expect(Array.from(encodeRecords(a.features, valid.records))).toEqual(
      Array.from(encodeRecords(b.features, valid.records)),
    );
  });

  it('a training row never sees its own label (out-of-fold encoding)', () => {
    const { records, outcomes } = syntheticRecords(300, 3);
    const base = fitAndEncodeTraining(records, outcomes, { seed: 7 });
    for (const i of [0, 17, 123]) {
      const changed = [...outcomes];
      changed[i] = outcomes[i] === 0 ? 2 : 0;
      const other = fitAndEncodeTraining(records, changed, { seed: 7 });
      const n = records.length;
      const rowOf = (v: Float64Array) => Array.from({ length: FEATURE_COUNT }, (_, f) => v[f * n + i]);
      expect(rowOf(other.values)).toEqual(rowOf(base.values));
      // The label did reach the full-window state used to score new declarations.
      expect(other.state.prior).not.toEqual(base.state.prior);
    }
  });

  it('encodes risky groups, unit-price bands and first-seen flags', () => {
    const { records, outcomes } = syntheticRecords(1000, 4);
    const state = fitFeatures(records, outcomes);
    const probe = [
      {
        ...records[0]!,
        importer: 'IMP1',
        hs6: '640399',
        origin: 'CN',
        departure: 'CN',
        netMass: 100,
        itemPrice: 200,
      },
      {
        ...records[0]!,
        importer: 'NEWCOMER',
        hs6: '640399',
        origin: 'CN',
        departure: 'CN',
        netMass: 100,
        itemPrice: 2000,
      },
    ];
    const v = encodeRecords(state, probe);
    const rate = column(v, 2, 'importer fraud rate');
    expect(rate[0]).toBeGreaterThan(0.5);
    expect(rate[1]).toBeCloseTo(state.prior.fraud, 10);
    expect(column(v, 2, 'importer first seen')).toEqual([0, 1]);
    const band = column(v, 2, 'unit price vs hs6 x origin band');
    expect(band[0]).toBeLessThan(band[1]!);
  });
});

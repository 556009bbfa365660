import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT } from '../../core/model/feature-set.ts';
import { encodeRecord } from '../../core/model/features.ts';
import { predictRaw, sigmoid } from '../../core/model/gbdt.ts';
import { createScorer, trainRiskModel } from '../../core/model/risk-model.ts';
import { syntheticRecords } from '../../core/model/test-records.ts';
import { type ModelFileError, modelFromJson, modelToJson } from './model-file.ts';

describe('model file', () => {
  const train = syntheticRecords(600, 31);
  const model = trainRiskModel(train, { target: 'fraud', params: { maxTrees: 30 } });
  const text = modelToJson(model, { createdAt: '2026-01-01T00:00:00Z', seed: 1 });

  it('round-trips: the loaded model scores and explains identically', () => {
    const { model: loaded, meta } = modelFromJson(text);
    expect(meta.seed).toBe(1);
    expect(loaded.target).toBe('fraud');
    const a = createScorer(model);
    const b = createScorer(loaded);
    for (const r of syntheticRecords(50, 32).records) expect(b.explain(r)).toEqual(a.explain(r));
  });

  it('scores a loaded model on the fast path exactly as the straightforward path', () => {
    const { model: loaded } = modelFromJson(text);
    const records = syntheticRecords(200, 33).records.map((r, i) => (i % 7 ? r : { ...r, importer: 'NEW' }));
    const fast = createScorer(loaded).scoreBatch(records);
    const row = new Float64Array(FEATURE_COUNT);
    records.forEach((r, i) => {
      encodeRecord(loaded.features, r, row);
      expect(Object.is(fast[i], sigmoid(predictRaw(loaded.gbdt, row)))).toBe(true);
    });
  });

  it('refuses files that are not models or would make scoring loop', () => {
    const code = (t: string) => {
      try {
        modelFromJson(t);
        return 'ok';
      } catch (err) {
        return (err as ModelFileError).code;
      }
    };
    expect(code('{"format":"other"}')).toBe('NOT_A_MODEL');
    expect(code('not json')).toBe('NOT_A_MODEL');
    const doc = JSON.parse(text);
    expect(code(JSON.stringify({ ...doc, version: 99 }))).toBe('UNSUPPORTED_VERSION');
    expect(code(JSON.stringify({ ...doc, featureNames: ['x'] }))).toBe('INCOMPATIBLE_FEATURES');
    const looping = JSON.parse(text);
    const t = looping.gbdt.trees.find((x: { feature: number[] }) => x.feature[0]! >= 0);
    t.left[0] = 0;
    expect(code(JSON.stringify(looping))).toBe('MALFORMED');
  });
});

import { describe, expect, it } from 'vitest';
import { compileFeatures, encodeCompiled } from './compiled-features.ts';
import type { CustomsRecord } from './customs-record.ts';
import { BANDS, FEATURE_COUNT, FEATURE_NAMES } from './feature-set.ts';
import { encodeRecord } from './features.ts';
import { compileForest, predictForest, predictForestBatch } from './forest.ts';
import { forestFunction } from './forest-code.ts';
import { type GbdtModel, predictRaw, sigmoid, type Tree } from './gbdt.ts';
import { createScorer, trainRiskModel } from './risk-model.ts';
import { syntheticRecords } from './test-records.ts';

/**
 * The scoring fast path (compiled feature tables, pre-order typed-array forest) must give exactly
 * the scores of the straightforward path (`encodeRecord` + `predictRaw` over the tree objects):
 * compared with `Object.is`, so even the last bit and the sign of zero count.
 */
describe('compiled scoring', () => {
  const train = syntheticRecords(1500, 21);
  const model = trainRiskModel(train, {
    target: 'fraud',
    valid: syntheticRecords(400, 22),
    params: { maxTrees: 120 },
  });
  const base = syntheticRecords(500, 23).records;
  // Rows the fast path must treat like the reference: values never seen in training, missing
  // numbers, a known HS4 under an unknown HS6, a non-positive mass, shipped via another country.
  const edits: Array<Partial<CustomsRecord>> = [
    { importer: 'NEW-IMPORTER' },
    { hs6: '640311' },
    { hs6: '999999' },
    { origin: 'ZZ', departure: 'ZZ' },
    { departure: 'CN', origin: 'VN' },
    { taxRate: Number.NaN },
    { taxRate: 13 },
    { netMass: Number.NaN },
    { netMass: 0 },
    { itemPrice: Number.NaN },
    { itemPrice: -5 },
    { seller: '', declarant: '', courier: 'C1' },
    { hs6: '' },
  ];
  const rows: CustomsRecord[] = [
    ...base,
    ...base.slice(0, 40).flatMap((r) => edits.map((e) => ({ ...r, ...e }))),
  ];

  it('encodes every feature of every row exactly as encodeRecord', () => {
    const compiled = compileFeatures(model.features);
    const fast = new Float64Array(FEATURE_COUNT);
    const reference = new Float64Array(FEATURE_COUNT);
    const mismatches: string[] = [];
    rows.forEach((r, i) => {
      encodeCompiled(compiled, r, fast);
      encodeRecord(model.features, r, reference);
      for (let f = 0; f < FEATURE_COUNT; f++) {
        if (!Object.is(fast[f], reference[f])) mismatches.push(`row ${i} ${FEATURE_NAMES[f]}`);
      }
    });
    expect(mismatches).toEqual([]);
  });

  it('indexes every fitted price band by field ids, whatever the order of BANDS', () => {
    // A band key the compiled tables cannot resolve would still score right (through the string
    // lookup of `encodeRecord`) but slowly: every fitted band must land in its id-indexed table.
    const compiled = compileFeatures(model.features);
    expect(BANDS.length).toBe(model.features.bands.length);
    BANDS.forEach((band, b) => {
      const table = compiled.bandTables[b]!;
      let present = 0;
      for (let i = 0; i < table.length; i += 2) if (!Number.isNaN(table[i]!)) present++;
      expect(model.features.bands[b]!.size).toBeGreaterThan(0);
      expect({ band: band.name, present }).toEqual({
        band: band.name,
        present: model.features.bands[b]!.size,
      });
      expect(compiled.bandEntries[b] === null).toBe(band.fields.length === 1);
    });
  });

  it('walks the compiled forest to the raw score of predictRaw, one row and in batches', () => {
    const forest = compileForest(model.gbdt);
    const matrix = new Float64Array(rows.length * FEATURE_COUNT);
    rows.forEach((r, i) => {
      encodeRecord(model.features, r, matrix, i * FEATURE_COUNT);
    });
    const batch = new Float64Array(rows.length);
    predictForestBatch(forest, matrix, FEATURE_COUNT, batch);
    rows.forEach((_, i) => {
      const row = matrix.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
      const raw = predictRaw(model.gbdt, row);
      expect(Object.is(predictForest(forest, row), raw)).toBe(true);
      expect(Object.is(batch[i], raw)).toBe(true);
    });
  });

  it('compiles the forest to a function with the raw score of predictRaw', () => {
    const predict = forestFunction(compileForest(model.gbdt));
    expect(predict).not.toBeNull();
    const row = new Float64Array(FEATURE_COUNT);
    for (const r of rows) {
      encodeRecord(model.features, r, row);
      expect(Object.is(predict!(row, 0), predictRaw(model.gbdt, row))).toBe(true);
    }
  });

  it('keeps awkward thresholds and leaf values exact in the generated code', () => {
    const tree = (threshold: number[], value: number[]): Tree => ({
      feature: Int32Array.of(0, 1, -1, -1, -1),
      threshold: Float64Array.from(threshold),
      left: Int32Array.of(1, 3, -1, -1, -1),
      right: Int32Array.of(2, 4, -1, -1, -1),
      value: Float64Array.from(value),
      cover: new Float64Array(5),
    });
    const gbdt: GbdtModel = {
      baseScore: 0.1 + 0.2,
      trees: [
        tree([-Number.MAX_VALUE, 0.30000000000000004, 0, 0, 0], [0, 0, -0, 1 / 3, 5e-324]),
        tree([-0, Number.NEGATIVE_INFINITY, 0, 0, 0], [0, 0, 1e-300, -Number.MAX_VALUE / 1e300, -0]),
        tree([Number.MIN_VALUE, -1e-310, 0, 0, 0], [0, 0, 2 / 3, -1 / 7, 123456789.12345679]),
      ],
      featureCount: 2,
      params: model.gbdt.params,
      validationLoss: [],
    };
    const predict = forestFunction(compileForest(gbdt))!;
    const values = [Number.NaN, Number.NEGATIVE_INFINITY, -Number.MAX_VALUE, -1e-310, -0, 0, 0.3];
    for (const x of [...values, 0.30000000000000004, 5e-324, Number.POSITIVE_INFINITY]) {
      for (const y of values) {
        const row = Float64Array.of(x, y);
        expect(Object.is(predict(row, 0), predictRaw(gbdt, row))).toBe(true);
      }
    }
  });

  it.each([true, false])(
    'scores exactly as the straightforward path (generated code: %s)',
    (generateCode) => {
      const scorer = createScorer(model, { generateCode });
      const batch = scorer.scoreBatch(rows);
      const row = new Float64Array(FEATURE_COUNT);
      rows.forEach((r, i) => {
        encodeRecord(model.features, r, row);
        const raw = predictRaw(model.gbdt, row);
        expect(Object.is(scorer.score(r).raw, raw)).toBe(true);
        expect(Object.is(batch[i], sigmoid(raw))).toBe(true);
      });
    },
  );
});

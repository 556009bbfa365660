import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from './binning.ts';
import { predictRaw, sigmoid } from './gbdt.ts';
import { trainGbdt } from './gbdt-training.ts';
import { auc } from './metrics.ts';
import { pathContributions } from './path-contributions.ts';
import { seededRandom } from './random.ts';

/** Rows with 4 uniform features; the label is the rule `x0 > 0.6 && x2 < 0.3` (x1, x3 are noise). */
function ruleData(n: number, seed: number) {
  const random = seededRandom(seed);
  const nf = 4;
  const values = new Float64Array(n * nf);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < nf; f++) values[f * n + i] = random();
    labels[i] = values[i]! > 0.6 && values[2 * n + i]! < 0.3 ? 1 : 0;
  }
  const matrix: FeatureMatrix = { rows: n, features: nf, values };
  return { matrix, labels };
}

function rowOf(m: FeatureMatrix, i: number): Float64Array {
  const row = new Float64Array(m.features);
  for (let f = 0; f < m.features; f++) row[f] = m.values[f * m.rows + i]!;
  return row;
}

const SMALL = { maxTrees: 80, learningRate: 0.2, maxLeaves: 8, minDataInLeaf: 5 };

describe('trainGbdt', () => {
  it('learns a conjunctive rule it was not told', () => {
    const train = ruleData(2000, 1);
    const test = ruleData(1000, 2);
    const model = trainGbdt(train, { params: SMALL });
    let correct = 0;
    const scores: number[] = [];
    for (let i = 0; i < test.matrix.rows; i++) {
      const p = sigmoid(predictRaw(model, rowOf(test.matrix, i)));
      scores.push(p);
      if (p > 0.5 === test.labels[i]! > 0) correct++;
    }
    expect(correct / test.matrix.rows).toBeGreaterThan(0.97);
    expect(auc(scores, test.labels)).toBeGreaterThan(0.99);
    // The noise features are never the most used.
    const used = new Map<number, number>();
    for (const t of model.trees) for (const f of t.feature) if (f >= 0) used.set(f, (used.get(f) ?? 0) + 1);
    expect((used.get(0) ?? 0) + (used.get(2) ?? 0)).toBeGreaterThan((used.get(1) ?? 0) + (used.get(3) ?? 0));
  });

  it('is deterministic with a seed and changes with another seed', () => {
    const train = ruleData(800, 3);
    const params = { ...SMALL, rowSubsample: 0.7, colSubsample: 0.5, seed: 42 };
    const a = trainGbdt(train, { params });
    const b = trainGbdt(train, { params });
    const c = trainGbdt(train, { params: { ...params, seed: 43 } });
    const dump = (m: typeof a) =>
      JSON.stringify(m.trees.map((t) => [Array.from(t.feature), Array.from(t.value)]));
    expect(dump(a)).toBe(dump(b));
    expect(dump(a)).not.toBe(dump(c));
  });

  it('path contributions add up to the raw score', () => {
    const train = ruleData(1000, 4);
    const model = trainGbdt(train, { params: SMALL });
    for (let i = 0; i < 50; i++) {
      const row = rowOf(train.matrix, i);
      const { bias, contributions } = pathContributions(model, row);
      const sum = contributions.reduce((s, v) => s + v, bias);
      expect(sum).toBeCloseTo(predictRaw(model, row), 10);
    }
  });

  it('stops early on a validation set and keeps the best round', () => {
    const train = ruleData(600, 5);
    const valid = ruleData(400, 6);
    const model = trainGbdt(train, {
      valid,
      params: { ...SMALL, maxTrees: 400, learningRate: 0.5, earlyStoppingRounds: 10 },
    });
    expect(model.trees.length).toBeLessThan(400);
    const best = Math.min(...model.validationLoss);
    expect(model.validationLoss[model.validationLoss.length - 1]).toBe(best);
  });

  it('class weights raise the scores of the rare class', () => {
    const train = ruleData(1000, 7);
    const plain = trainGbdt(train, { params: { ...SMALL, maxTrees: 5 } });
    const weighted = trainGbdt(train, { params: { ...SMALL, maxTrees: 5, positiveWeight: 'balanced' } });
    expect(weighted.baseScore).toBeCloseTo(0, 6);
    expect(plain.baseScore).toBeLessThan(-1);
  });

  it('sends missing values left and still scores them', () => {
    const train = ruleData(500, 8);
    const model = trainGbdt(train, { params: SMALL });
    const raw = predictRaw(model, [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    expect(Number.isFinite(raw)).toBe(true);
  });
});

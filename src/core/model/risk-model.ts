import { compileFeatures, encodeCompiled } from './compiled-features.ts';
import { type CustomsRecord, type ModelTarget, type OutcomeLabel, targetLabel } from './customs-record.ts';
import { FEATURE_COUNT, FEATURE_NAMES, type FeatureOptions, type FeatureState } from './feature-set.ts';
import { describeFeature, encodeRecords, fitAndEncodeTraining } from './features.ts';
import { compileForest, predictForest, predictForestBatch } from './forest.ts';
import { type ForestFunction, forestFunction } from './forest-code.ts';
import { type GbdtModel, type GbdtParams, type RoundInfo, sigmoid } from './gbdt.ts';
import { trainGbdt } from './gbdt-training.ts';
import { pathContributions } from './path-contributions.ts';

/**
 * A trained risk model: the fitted features and the boosted trees, for one target (fraud or
 * critical fraud), with the training window it was learnt from.
 */
export interface RiskModel {
  target: ModelTarget;
  /** First and last declaration date of the training window, and its size. */
  window: { from: string; to: string; rows: number };
  features: FeatureState;
  gbdt: GbdtModel;
  featureNames: readonly string[];
}

/** Rows and outcomes for training; `weights` are optional sample weights (e.g. inverse selection probability). */
export interface LabelledRecords {
  records: readonly CustomsRecord[];
  outcomes: ArrayLike<OutcomeLabel>;
  weights?: Float64Array;
}

export interface TrainRiskModelOptions {
  target: ModelTarget;
  params?: Partial<GbdtParams>;
  features?: Partial<FeatureOptions>;
  /** Validation rows (later than the training window) for early stopping. */
  valid?: LabelledRecords;
  onRound?: (info: RoundInfo) => void;
}

/** Recommended parameters on the synthetic customs data, chosen on the validation split. */
export const RISK_MODEL_PARAMS: Partial<GbdtParams> = {
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 8,
  minDataInLeaf: 20,
  lambda: 1,
  rowSubsample: 0.8,
  colSubsample: 0.8,
  maxTrees: 600,
  earlyStoppingRounds: 50,
};

function labels(outcomes: ArrayLike<OutcomeLabel>, target: ModelTarget): Float64Array {
  return Float64Array.from({ length: outcomes.length }, (_, i) => targetLabel(outcomes[i]!, target));
}

function windowOf(records: readonly CustomsRecord[]): RiskModel['window'] {
  let from = '';
  let to = '';
  for (const r of records) {
    if (!from || r.date < from) from = r.date;
    if (!to || r.date > to) to = r.date;
  }
  return { from, to, rows: records.length };
}

/** Fits the features on the training rows (out of fold) and boosts the trees. */
export function trainRiskModel(train: LabelledRecords, options: TrainRiskModelOptions): RiskModel {
  const seed = options.params?.seed ?? 1;
  const { state, values } = fitAndEncodeTraining(train.records, train.outcomes, {
    seed,
    ...options.features,
  });
  const n = train.records.length;
  const trainSet = {
    matrix: { rows: n, features: FEATURE_COUNT, values },
    labels: labels(train.outcomes, options.target),
    ...(train.weights ? { weights: train.weights } : {}),
  };
  const valid = options.valid
    ? {
        matrix: {
          rows: options.valid.records.length,
          features: FEATURE_COUNT,
          values: encodeRecords(state, options.valid.records),
        },
        labels: labels(options.valid.outcomes, options.target),
      }
    : undefined;
  const gbdt = trainGbdt(trainSet, {
    params: { ...RISK_MODEL_PARAMS, ...options.params },
    ...(valid ? { valid } : {}),
    ...(options.onRound ? { onRound: options.onRound } : {}),
  });
  return {
    target: options.target,
    window: windowOf(train.records),
    features: state,
    gbdt,
    featureNames: FEATURE_NAMES,
  };
}

/** One feature's signed share of a score, with its value and the reason in words. */
export interface Contribution {
  feature: string;
  value: number | null;
  /** Signed log-odds points; with the bias they add up to the raw score. */
  contribution: number;
  reason: string;
}

export interface ScoredRecord {
  /** Probability of the target (fraud / critical fraud). */
  score: number;
  /** Log-odds; `bias + sum(all contributions)`. */
  raw: number;
}

/**
 * A reusable scorer: one feature buffer, no allocation per record, so a single core scores well
 * over 100,000 declarations per second.
 */
export function createScorer(
  model: RiskModel,
  options: {
    /** False to walk the typed-array forest instead of generated code (same scores, slower). */
    generateCode?: boolean;
  } = {},
): {
  score(r: CustomsRecord): ScoredRecord;
  /** Probabilities of many records at once (the fast path for files and queues). */
  scoreBatch(records: readonly CustomsRecord[]): Float64Array;
  explain(
    r: CustomsRecord,
    top?: number,
  ): { score: number; raw: number; bias: number; contributions: Contribution[] };
} {
  const row = new Float64Array(FEATURE_COUNT);
  const features = compileFeatures(model.features);
  const forest = compileForest(model.gbdt);
  const generated = options.generateCode === false ? null : forestFunction(forest);
  const predict: ForestFunction = generated ?? ((x, offset) => predictForest(forest, x, offset));
  return {
    score(r) {
      encodeCompiled(features, r, row);
      const raw = predict(row, 0);
      return { score: sigmoid(raw), raw };
    },
    scoreBatch(records) {
      const out = new Float64Array(records.length);
      if (generated) {
        // The generated trees are code, not data: one row at a time, no block buffer needed.
        for (let i = 0; i < records.length; i++) {
          encodeCompiled(features, records[i]!, row);
          out[i] = sigmoid(generated(row, 0));
        }
        return out;
      }
      // Typed-array walk: tree by tree over blocks of rows, so each tree stays in cache.
      const BLOCK = 4096;
      const rows = new Float64Array(Math.min(BLOCK, records.length) * FEATURE_COUNT);
      for (let b = 0; b < records.length; b += BLOCK) {
        const n = Math.min(BLOCK, records.length - b);
        for (let i = 0; i < n; i++) encodeCompiled(features, records[b + i]!, rows, i * FEATURE_COUNT);
        const block = out.subarray(b, b + n);
        predictForestBatch(forest, rows, FEATURE_COUNT, block);
        for (let i = 0; i < n; i++) block[i] = sigmoid(block[i]!);
      }
      return out;
    },
    explain(r, top = 5) {
      encodeCompiled(features, r, row);
      const raw = predict(row, 0);
      const { bias, contributions } = pathContributions(model.gbdt, row);
      const order = Array.from(contributions.keys())
        .filter((f) => contributions[f] !== 0)
        .sort((a, b) => Math.abs(contributions[b]!) - Math.abs(contributions[a]!) || a - b);
      return {
        score: sigmoid(raw),
        raw,
        bias,
        contributions: order.slice(0, top).map((f) => ({
          feature: model.featureNames[f]!,
          value: Number.isFinite(row[f]!) ? row[f]! : null,
          contribution: contributions[f]!,
          reason: describeFeature(model.features, f, r),
        })),
      };
    },
  };
}

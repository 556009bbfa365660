import { readFileSync, writeFileSync } from 'node:fs';
import { GreenlaneError } from '../../core/error.ts';
import { MODEL_TARGETS } from '../../core/model/customs-record.ts';
import {
  FEATURE_NAMES,
  type FeatureState,
  type GroupStats,
  type PriceBand,
} from '../../core/model/feature-set.ts';
import type { GbdtModel, Tree } from '../../core/model/gbdt.ts';
import type { SelectionMetrics } from '../../core/model/metrics.ts';
import type { RiskModel } from '../../core/model/risk-model.ts';

/**
 * The model file: one JSON document holding the fitted features and the trees, so a model is a
 * versionable artefact (registry, ledger hash) that scores identically wherever it is loaded.
 */
export const MODEL_FORMAT = 'greenlane-risk-model';
export const MODEL_FORMAT_VERSION = 2;

export type ModelFileErrorCode =
  | 'NOT_A_MODEL'
  | 'UNSUPPORTED_VERSION'
  | 'INCOMPATIBLE_FEATURES'
  | 'MALFORMED';

export class ModelFileError extends GreenlaneError<ModelFileErrorCode> {
  override name = 'ModelFileError';
}

/** What travels with the model: evaluation figures and provenance. */
export interface ModelFileMeta {
  createdAt: string;
  /** Metrics on the validation rows, when training had them. */
  validation?: SelectionMetrics;
  seed?: number;
}

interface TreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
}

/** Serialises a model (and its metadata) to the JSON text of a model file. */
export function modelToJson(model: RiskModel, meta: ModelFileMeta): string {
  const f = model.features;
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    meta,
    target: model.target,
    window: model.window,
    featureNames: model.featureNames,
    features: {
      rows: f.rows,
      prior: f.prior,
      options: f.options,
      // Values in id order: the position is the id the numeric group keys are built from.
      vocab: f.vocab.map((m) => [...m.keys()]),
      categories: f.categories.map((m) => [...m].map(([k, s]) => [k, ...s])),
      bands: f.bands.map((m) => [...m].map(([k, b]) => [k, ...b])),
      taxNorm: [...f.taxNorm],
    },
    gbdt: {
      baseScore: model.gbdt.baseScore,
      featureCount: model.gbdt.featureCount,
      params: model.gbdt.params,
      validationLoss: model.gbdt.validationLoss,
      trees: model.gbdt.trees.map(
        (t): TreeJson => ({
          feature: Array.from(t.feature),
          threshold: Array.from(t.threshold),
          left: Array.from(t.left),
          right: Array.from(t.right),
          value: Array.from(t.value),
          cover: Array.from(t.cover),
        }),
      ),
    },
  };
  return JSON.stringify(doc);
}

function fail(message: string): never {
  throw new ModelFileError('MALFORMED', message);
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))
    fail(`${what} must be an array of numbers`);
  return v as number[];
}

function tree(t: TreeJson, featureCount: number, k: number): Tree {
  const feature = numbers(t.feature, `tree ${k} feature`);
  const n = feature.length;
  const arrays = [t.threshold, t.left, t.right, t.value, t.cover].map((a) => numbers(a, `tree ${k}`));
  if (n === 0 || arrays.some((a) => a.length !== n)) fail(`tree ${k}: node arrays differ in length`);
  const [threshold, left, right, value, cover] = arrays as [number[], number[], number[], number[], number[]];
  // Children must point forward inside the tree: a hostile file cannot make scoring loop forever.
  for (let i = 0; i < n; i++) {
    const f = feature[i]!;
    if (f < 0) continue;
    if (f >= featureCount || !Number.isInteger(f)) fail(`tree ${k} node ${i}: bad feature ${f}`);
    if (!(left[i]! > i && left[i]! < n && right[i]! > i && right[i]! < n))
      fail(`tree ${k} node ${i}: bad children`);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    cover: Float64Array.from(cover),
  };
}

/** Parses and checks a model file's JSON text. */
export function modelFromJson(text: string): { model: RiskModel; meta: ModelFileMeta } {
  // biome-ignore lint/suspicious/noExplicitAny: untrusted JSON, checked field by field below.
  let doc: Record<string, any>;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError('NOT_A_MODEL', `model file is not JSON: ${(err as Error).message}`);
  }
  if (doc?.format !== MODEL_FORMAT) throw new ModelFileError('NOT_A_MODEL', `not a ${MODEL_FORMAT} file`);
  if (doc.version !== MODEL_FORMAT_VERSION) {
    throw new ModelFileError('UNSUPPORTED_VERSION', `model file version ${doc.version} is not supported`);
  }
  const names = doc.featureNames;
  if (
    !Array.isArray(names) ||
    names.length !== FEATURE_NAMES.length ||
    names.some((n: unknown, i: number) => n !== FEATURE_NAMES[i])
  ) {
    throw new ModelFileError(
      'INCOMPATIBLE_FEATURES',
      'the model was trained with another feature set: retrain it',
    );
  }
  if (!MODEL_TARGETS.includes(doc.target)) fail(`unknown target ${doc.target}`);
  const f = doc.features ?? fail('missing features');
  const features: FeatureState = {
    rows: f.rows,
    prior: f.prior,
    options: f.options,
    vocab: (f.vocab as (string | number)[][]).map((values) => new Map(values.map((v, id) => [v, id]))),
    categories: (f.categories as unknown[][]).map(
      (m) => new Map(m.map((e) => [Number((e as unknown[])[0]), (e as unknown[]).slice(1) as GroupStats])),
    ),
    bands: (f.bands as unknown[][]).map(
      (m) => new Map(m.map((e) => [String((e as unknown[])[0]), (e as unknown[]).slice(1) as PriceBand])),
    ),
    taxNorm: new Map(f.taxNorm as [string, number][]),
  };
  const g = doc.gbdt ?? fail('missing gbdt');
  if (g.featureCount !== FEATURE_NAMES.length) fail('gbdt featureCount does not match the feature set');
  const gbdt: GbdtModel = {
    baseScore: Number(g.baseScore),
    featureCount: g.featureCount,
    params: g.params,
    validationLoss: numbers(g.validationLoss ?? [], 'validationLoss'),
    trees: (g.trees as TreeJson[]).map((t, k) => tree(t, g.featureCount, k)),
  };
  const model: RiskModel = {
    target: doc.target,
    window: doc.window,
    features,
    gbdt,
    featureNames: FEATURE_NAMES,
  };
  return { model, meta: doc.meta ?? { createdAt: '' } };
}

export function writeModelFile(file: string, model: RiskModel, meta: ModelFileMeta): void {
  writeFileSync(file, modelToJson(model, meta));
}

export function readModelFile(file: string): { model: RiskModel; meta: ModelFileMeta } {
  return modelFromJson(readFileSync(file, 'utf8'));
}

import type { CustomsRecord, OutcomeLabel } from './customs-record.ts';
import {
  BANDS,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_COUNT,
  type FeatureOptions,
  type FeatureState,
  FIELDS,
  FIRST_SEEN,
  type Field,
  type GroupStats,
  groupKey,
  KEYS,
  logUnitPrice,
  NUMERIC,
  PER_KEY,
  type PriceBand,
} from './feature-set.ts';
import { seededRandom } from './random.ts';

/**
 * Feature engineering for the risk model, fitted on the training window only (the layout of the
 * features is `feature-set.ts`; the compiled form used to score new declarations is
 * `compiled-features.ts`).
 *
 * - Smoothed target encodings (fraud and critical-fraud rates, Micci-Barreca 2001) and counts of
 *   parties, HS6/HS4/HS2, countries, office and their useful pairs. On training rows they are
 *   computed out of fold (K folds), so a row's own label never enters its features and the trees
 *   see the same kind of values they will see on new declarations.
 * - Unit-price bands: robust median and MAD of log unit price per HS6, HS4 and HS6 x origin — the
 *   price-band method customs use against under-invoicing (WCO Guide to Customs Valuation and
 *   Transfer Pricing; WCO Revenue Package). Label-free, fitted on the same window.
 * - Duty rate against the HS6 norm, first-seen flags, value, mass, duty at stake.
 */

/** Scratch buffer of group counts for `encodeRecord` (single-threaded, never escapes the call). */
const COUNTS = new Float64Array(KEYS.length);
/** Scratch buffer of field ids for `encodeRecord`. */
const IDS = new Int32Array(FIELDS.length);

/** Fits the feature state on training records and their outcomes (all of them, no fold held out). */
export function fitFeatures(
  records: readonly CustomsRecord[],
  outcomes: ArrayLike<OutcomeLabel>,
  options: Partial<FeatureOptions> = {},
): FeatureState {
  const opts = { ...DEFAULT_FEATURE_OPTIONS, ...options };
  let fraud = 0;
  let critical = 0;
  for (let i = 0; i < records.length; i++) {
    fraud += outcomes[i]! >= 1 ? 1 : 0;
    critical += outcomes[i]! === 2 ? 1 : 0;
  }
  const n = Math.max(records.length, 1);
  const vocab = FIELDS.map((field) => {
    const m = new Map<string | number, number>();
    for (const r of records) {
      const v = field(r);
      if (!m.has(v)) m.set(v, m.size);
    }
    return m;
  });
  const ids = fieldIds(vocab, records);
  return {
    rows: records.length,
    prior: { fraud: fraud / n, critical: critical / n },
    options: opts,
    vocab,
    categories: KEYS.map((_, k) => groupStats(vocab, ids, outcomes, k)),
    bands: BANDS.map((b) => priceBands(records, b.key, opts.minBand)),
    taxNorm: medians(
      records,
      (r) => r.hs6,
      (r) => r.taxRate,
    ),
  };
}

/** Field ids of every record, row-major (`ids[i * FIELDS.length + f]`, -1 when unseen). */
function fieldIds(vocab: FeatureState['vocab'], records: readonly CustomsRecord[]): Int32Array {
  const nf = FIELDS.length;
  const ids = new Int32Array(records.length * nf);
  records.forEach((r, i) => {
    for (let f = 0; f < nf; f++) ids[i * nf + f] = vocab[f]!.get(FIELDS[f]!(r)) ?? -1;
  });
  return ids;
}

function groupStats(
  vocab: FeatureState['vocab'],
  ids: Int32Array,
  outcomes: ArrayLike<OutcomeLabel>,
  k: number,
  only?: (i: number) => boolean,
): Map<number, GroupStats> {
  const m = new Map<number, GroupStats>();
  const nf = FIELDS.length;
  for (let i = 0; i < outcomes.length; i++) {
    if (only && !only(i)) continue;
    const key = groupKey(vocab, k, ids, i * nf);
    let s = m.get(key);
    if (!s) {
      s = [0, 0, 0];
      m.set(key, s);
    }
    s[0]++;
    s[1] += outcomes[i]! >= 1 ? 1 : 0;
    s[2] += outcomes[i]! === 2 ? 1 : 0;
  }
  return m;
}

function medianOf(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function grouped(records: readonly CustomsRecord[], key: Field, value: (r: CustomsRecord) => number) {
  const m = new Map<string, number[]>();
  for (const r of records) {
    const v = value(r);
    if (Number.isNaN(v)) continue;
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }
  return m;
}

function medians(records: readonly CustomsRecord[], key: Field, value: (r: CustomsRecord) => number) {
  const out = new Map<string, number>();
  for (const [k, list] of grouped(records, key, value)) out.set(k, medianOf(list.sort((a, b) => a - b)));
  return out;
}

function priceBands(records: readonly CustomsRecord[], key: Field, minBand: number): Map<string, PriceBand> {
  const out = new Map<string, PriceBand>();
  for (const [k, list] of grouped(records, key, logUnitPrice)) {
    if (list.length < minBand) continue;
    const med = medianOf(list.sort((a, b) => a - b));
    const dev = list.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
    out.set(k, [med, medianOf(dev), list.length]);
  }
  return out;
}

/** What an out-of-fold encoding removes: the fold's own group stats and its share of the prior. */
export interface OutOfFold {
  exclude: Map<number, GroupStats>[];
  prior: { fraud: number; critical: number };
  /** Rescales counts of the other folds to the size of the full window. */
  scale: number;
}

/** Writes the features of one record into `out[offset + f * stride]` (out of `fold` when given). */
export function encodeRecord(
  state: FeatureState,
  r: CustomsRecord,
  out: Float64Array,
  offset = 0,
  stride = 1,
  fold?: OutOfFold,
): void {
  const m = state.options.smoothing;
  const prior = fold ? fold.prior : state.prior;
  const pf = prior.fraud * m;
  const pc = prior.critical * m;
  const exclude = fold?.exclude;
  const scale = fold ? fold.scale : 1;
  let f = 0;
  const counts = COUNTS;
  const ids = IDS;
  for (let j = 0; j < FIELDS.length; j++) ids[j] = state.vocab[j]!.get(FIELDS[j]!(r)) ?? -1;
  for (let k = 0; k < KEYS.length; k++) {
    const key = groupKey(state.vocab, k, ids, 0);
    const s = key < 0 ? undefined : state.categories[k]!.get(key);
    let c = s ? s[0] : 0;
    let fr = s ? s[1] : 0;
    let cr = s ? s[2] : 0;
    const x = exclude ? exclude[k]!.get(key) : undefined;
    if (x) {
      c -= x[0];
      fr -= x[1];
      cr -= x[2];
    }
    counts[k] = c;
    out[offset + f++ * stride] = (fr + pf) / (c + m);
    out[offset + f++ * stride] = (cr + pc) / (c + m);
    out[offset + f++ * stride] = Math.log1p(c * scale);
  }
  for (const k of FIRST_SEEN) out[offset + f++ * stride] = counts[k] === 0 ? 1 : 0;
  for (const feature of NUMERIC) out[offset + f++ * stride] = feature.value(r, state);
}

/** Column-major feature matrix of records scored with a fitted state (validation, test, new data). */
export function encodeRecords(state: FeatureState, records: readonly CustomsRecord[]): Float64Array {
  const n = records.length;
  const values = new Float64Array(n * FEATURE_COUNT);
  for (let i = 0; i < n; i++) encodeRecord(state, records[i]!, values, i, n);
  return values;
}

/**
 * The training matrix: every row encoded with the stats of the other folds only, so a row's own
 * label never reaches its features. Returns the full-window state used afterwards for scoring.
 */
export function fitAndEncodeTraining(
  records: readonly CustomsRecord[],
  outcomes: ArrayLike<OutcomeLabel>,
  options: Partial<FeatureOptions> = {},
): { state: FeatureState; values: Float64Array } {
  const state = fitFeatures(records, outcomes, options);
  const { folds, seed } = state.options;
  const n = records.length;
  const random = seededRandom(seed ^ 0x5eed);
  const fold = new Uint8Array(n);
  for (let i = 0; i < n; i++) fold[i] = Math.floor(random() * folds);
  const values = new Float64Array(n * FEATURE_COUNT);
  const scale = folds > 1 ? folds / (folds - 1) : 1;
  const ids = fieldIds(state.vocab, records);
  for (let j = 0; j < folds; j++) {
    const inFold = (i: number) => fold[i] === j;
    const exclude = KEYS.map((_, k) => groupStats(state.vocab, ids, outcomes, k, inFold));
    let rows = 0;
    let frauds = 0;
    let critical = 0;
    for (let i = 0; i < n; i++) {
      if (!inFold(i)) continue;
      rows++;
      frauds += outcomes[i]! >= 1 ? 1 : 0;
      critical += outcomes[i]! === 2 ? 1 : 0;
    }
    const others = Math.max(n - rows, 1);
    const prior = {
      fraud: (state.prior.fraud * n - frauds) / others,
      critical: (state.prior.critical * n - critical) / others,
    };
    const oof: OutOfFold = { exclude, prior, scale };
    for (let i = 0; i < n; i++) if (inFold(i)) encodeRecord(state, records[i]!, values, i, n, oof);
  }
  return { state, values };
}

/** The training-window stats of record `r`'s group under key `k` (undefined when never seen). */
function statsOf(state: FeatureState, k: number, r: CustomsRecord): GroupStats | undefined {
  const ids = Int32Array.from(FIELDS, (field, f) => state.vocab[f]!.get(field(r)) ?? -1);
  const key = groupKey(state.vocab, k, ids, 0);
  return key < 0 ? undefined : state.categories[k]!.get(key);
}

/** A feature of one record in officer words: the group and what the training window says of it. */
export function describeFeature(state: FeatureState, feature: number, r: CustomsRecord): string {
  const keyed = KEYS.length * PER_KEY;
  if (feature < keyed) {
    const k = Math.floor(feature / PER_KEY);
    const what = feature % PER_KEY;
    const s = statsOf(state, k, r);
    const group = KEYS[k]!.describe(r);
    if (!s) return `${group}: never seen in the training window`;
    if (what === 0) return `${group}: fraud found in ${s[1]} of ${s[0]} past inspections`;
    if (what === 1) return `${group}: critical fraud found in ${s[2]} of ${s[0]} past inspections`;
    return `${group}: ${s[0]} past declarations`;
  }
  const flag = feature - keyed;
  if (flag < FIRST_SEEN.length) {
    const k = FIRST_SEEN[flag]!;
    const seen = statsOf(state, k, r);
    return seen
      ? `${KEYS[k]!.describe(r)}: seen ${seen[0]} times before`
      : `${KEYS[k]!.describe(r)}: first seen`;
  }
  return NUMERIC[flag - FIRST_SEEN.length]!.describe(r, state);
}

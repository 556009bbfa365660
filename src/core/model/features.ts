import { type CustomsRecord, dutyAtStake, type OutcomeLabel } from './customs-record.ts';
import { seededRandom } from './random.ts';

/**
 * Feature engineering for the risk model, fitted on the training window only.
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
export interface FeatureOptions {
  /** Folds of the out-of-fold target encoding on training rows. */
  folds: number;
  /** Pseudo-count pulling a group's rate towards the overall rate (m-estimate). */
  smoothing: number;
  /** Minimum rows for a unit-price band to be used. */
  minBand: number;
  seed: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { folds: 5, smoothing: 10, minBand: 5, seed: 1 };

type Field = (r: CustomsRecord) => string;

interface CategoryKey {
  name: string;
  /** Indices into `FIELDS` of the fields that make up the group. */
  fields: number[];
  /** The group in officer words for this record, e.g. "importer Q3X1 x HS 6403.99". */
  describe: (r: CustomsRecord) => string;
}

const hsDotted = (hs: string) => (hs.length > 4 ? `${hs.slice(0, 4)}.${hs.slice(4)}` : hs);
const or = (v: string) => v || '(none)';

const SINGLES: Array<[string, Field, (r: CustomsRecord) => string]> = [
  ['office', (r) => r.office, (r) => `office ${or(r.office)}`],
  ['processType', (r) => r.processType, (r) => `process type ${or(r.processType)}`],
  ['importType', (r) => r.importType, (r) => `import type ${or(r.importType)}`],
  ['importUse', (r) => r.importUse, (r) => `import use ${or(r.importUse)}`],
  ['paymentType', (r) => r.paymentType, (r) => `payment type ${or(r.paymentType)}`],
  ['transportMode', (r) => r.transportMode, (r) => `transport ${or(r.transportMode)}`],
  ['declarant', (r) => r.declarant, (r) => `declarant ${or(r.declarant)}`],
  ['importer', (r) => r.importer, (r) => `importer ${or(r.importer)}`],
  ['seller', (r) => r.seller, (r) => `seller ${or(r.seller)}`],
  ['courier', (r) => r.courier, (r) => `courier ${or(r.courier)}`],
  ['hs6', (r) => r.hs6, (r) => `HS ${hsDotted(r.hs6)}`],
  ['hs4', (r) => r.hs6.slice(0, 4), (r) => `HS ${r.hs6.slice(0, 2)}.${r.hs6.slice(2, 4)}`],
  ['hs2', (r) => r.hs6.slice(0, 2), (r) => `HS chapter ${r.hs6.slice(0, 2)}`],
  ['departure', (r) => r.departure, (r) => `departure ${or(r.departure)}`],
  ['origin', (r) => r.origin, (r) => `origin ${or(r.origin)}`],
  ['taxType', (r) => r.taxType, (r) => `duty type ${or(r.taxType)}`],
  ['originIndicator', (r) => r.originIndicator, (r) => `origin marking ${or(r.originIndicator)}`],
];

/**
 * Every field a group is made of: the single keys, plus the duty rate (only part of the tariff
 * line). Field values are mapped to integer ids once per record, so a group lookup is a numeric
 * key (mixed radix of the ids) instead of a concatenated string: scoring speed depends on it.
 */
const FIELDS: Array<(r: CustomsRecord) => string | number> = [
  ...SINGLES.map(([, key]) => key),
  // NaN would not survive the JSON model file: an undeclared rate is its own value.
  (r) => (Number.isNaN(r.taxRate) ? '' : r.taxRate),
];
const fieldIndex = (name: string) =>
  name === 'taxRate' ? SINGLES.length : SINGLES.findIndex(([n]) => n === name);
const describeOf = (name: string) => SINGLES.find(([n]) => n === name)![2];

/** Groups of fields encoded together; `line` is the tariff line as declared (HS, route, rate, type). */
const GROUPS: Array<[string, string[]]> = [
  ['origin x hs6', ['origin', 'hs6']],
  ['departure x hs6', ['departure', 'hs6']],
  ['importer x hs6', ['importer', 'hs6']],
  ['importer x origin', ['importer', 'origin']],
  ['departure x origin', ['departure', 'origin']],
  ['hs6 x taxType', ['hs6', 'taxType']],
  ['office x hs6', ['office', 'hs6']],
  ['declarant x importer', ['declarant', 'importer']],
  ['seller x importer', ['seller', 'importer']],
  ['courier x origin', ['courier', 'origin']],
  ['departure x origin x hs6', ['departure', 'origin', 'hs6']],
];

function categoryKeys(): CategoryKey[] {
  const keys: CategoryKey[] = SINGLES.map(([name, , describe], i) => ({ name, fields: [i], describe }));
  for (const [name, parts] of GROUPS) {
    const describers = parts.map(describeOf);
    keys.push({
      name,
      fields: parts.map(fieldIndex),
      describe: (r) => describers.map((d) => d(r)).join(' x '),
    });
  }
  keys.push({
    name: 'tariff line',
    fields: ['hs6', 'departure', 'origin', 'taxRate', 'taxType'].map(fieldIndex),
    describe: (r) =>
      `HS ${hsDotted(r.hs6)} from ${or(r.origin)} via ${or(r.departure)} at ${r.taxRate}% (${or(r.taxType)})`,
  });
  return keys;
}

const KEYS = categoryKeys();

/** Joins the two values of a price-band pair key. */
const PAIR_SEPARATOR = '\u0001';

/** Price-band groups: robust statistics of log unit price. */
const BANDS: Array<{ name: string; key: Field; describe: (r: CustomsRecord) => string }> = [
  { name: 'hs6', key: (r) => r.hs6, describe: (r) => `HS ${hsDotted(r.hs6)}` },
  {
    name: 'hs4',
    key: (r) => r.hs6.slice(0, 4),
    describe: (r) => `HS ${r.hs6.slice(0, 2)}.${r.hs6.slice(2, 4)}`,
  },
  {
    name: 'hs6 x origin',
    key: (r) => `${r.hs6}${PAIR_SEPARATOR}${r.origin}`,
    describe: (r) => `HS ${hsDotted(r.hs6)} x ${or(r.origin)}`,
  },
];

/** Counts and label sums of one group: [rows, frauds, critical frauds]. */
export type GroupStats = [number, number, number];

/** Median and MAD of log unit price and the rows they rest on. */
export type PriceBand = [median: number, mad: number, n: number];

/** Everything learnt from the training window; plain data, serialisable with the model. */
export interface FeatureState {
  rows: number;
  prior: { fraud: number; critical: number };
  options: FeatureOptions;
  /** Per field of `FIELDS`: value -> id, in order of first appearance in the training window. */
  vocab: Map<string | number, number>[];
  /** Per category key (same order as `KEYS`): numeric group key (see `groupKey`) -> stats. */
  categories: Map<number, GroupStats>[];
  /** Per price band (same order as `BANDS`): group value -> band. */
  bands: Map<string, PriceBand>[];
  /** Median duty rate per HS6. */
  taxNorm: Map<string, number>;
}

type NumericFeature = {
  name: string;
  value: (r: CustomsRecord, s: FeatureState) => number;
  describe: (r: CustomsRecord, s: FeatureState) => string;
};

const fmt = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'not declared');
const pct = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`;

const logUnitPrice = (r: CustomsRecord) =>
  r.netMass > 0 && r.itemPrice > 0 ? Math.log(r.itemPrice / r.netMass) : Number.NaN;

function bandFeature(b: number): NumericFeature {
  const band = BANDS[b]!;
  return {
    name: `unit price vs ${band.name} band`,
    value: (r, s) => {
      const lup = logUnitPrice(r);
      const stats = s.bands[b]!.get(band.key(r));
      if (!stats || Number.isNaN(lup)) return Number.NaN;
      // 1.4826 x MAD estimates the standard deviation under normality; floor it for flat bands.
      return (lup - stats[0]) / Math.max(1.4826 * stats[1], 0.05);
    },
    describe: (r, s) => {
      const stats = s.bands[b]!.get(band.key(r));
      const lup = logUnitPrice(r);
      if (!stats || Number.isNaN(lup)) return `no unit-price band for ${band.describe(r)}`;
      const ratio = Math.exp(lup - stats[0]) * 100;
      return `unit price ${ratio < 10 ? ratio.toFixed(1) : Math.round(ratio)}% of the ${band.describe(r)} median, n=${stats[2]}`;
    },
  };
}

const NUMERIC: NumericFeature[] = [
  {
    name: 'declared value',
    value: (r) => r.itemPrice,
    describe: (r) => `declared value ${fmt(r.itemPrice)}`,
  },
  { name: 'net mass', value: (r) => r.netMass, describe: (r) => `net mass ${fmt(r.netMass)} kg` },
  {
    name: 'unit price',
    value: (r) => (r.netMass > 0 ? r.itemPrice / r.netMass : Number.NaN),
    describe: (r) =>
      `unit price ${r.netMass > 0 ? (r.itemPrice / r.netMass).toPrecision(4) : 'unknown'} per kg`,
  },
  {
    name: 'duty at stake',
    value: (r) => dutyAtStake(r),
    describe: (r) => `duty at stake ${fmt(dutyAtStake(r))}`,
  },
  { name: 'duty rate', value: (r) => r.taxRate, describe: (r) => `duty rate ${pct(r.taxRate)}` },
  {
    name: 'duty rate vs HS norm',
    value: (r, s) => {
      const norm = s.taxNorm.get(r.hs6);
      return norm === undefined ? Number.NaN : r.taxRate - norm;
    },
    describe: (r, s) => {
      const norm = s.taxNorm.get(r.hs6);
      return norm === undefined
        ? `duty rate ${pct(r.taxRate)}, HS ${hsDotted(r.hs6)} not seen before`
        : `duty rate ${pct(r.taxRate)} against ${pct(norm)} usual for HS ${hsDotted(r.hs6)}`;
    },
  },
  {
    name: 'shipped from another country than origin',
    value: (r) => (r.departure !== r.origin ? 1 : 0),
    describe: (r) =>
      r.departure !== r.origin
        ? `shipped from ${or(r.departure)}, origin ${or(r.origin)}`
        : 'shipped from origin',
  },
  ...BANDS.map((_, b) => bandFeature(b)),
];

/** Keys whose first appearance is flagged explicitly (new trader, new trade). */
const FIRST_SEEN = ['importer', 'seller', 'declarant', 'importer x hs6', 'tariff line'].map((n) =>
  KEYS.findIndex((k) => k.name === n),
);

const PER_KEY = 3;

/** Scratch buffer of group counts for `encodeRecord` (single-threaded, never escapes the call). */
const COUNTS = new Float64Array(KEYS.length);
/** Scratch buffer of field ids for `encodeRecord`. */
const IDS = new Int32Array(FIELDS.length);

/** Names of the features, in matrix column order. */
export const FEATURE_NAMES: readonly string[] = [
  ...KEYS.flatMap((k) => [`${k.name} fraud rate`, `${k.name} critical rate`, `${k.name} count`]),
  ...FIRST_SEEN.map((k) => `${KEYS[k]!.name} first seen`),
  ...NUMERIC.map((f) => f.name),
];

export const FEATURE_COUNT = FEATURE_NAMES.length;

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

/**
 * The numeric key of group `k` from field ids at `ids[offset..]`: the ids read as digits of a
 * mixed-radix number (radix = vocabulary size), exact below 2^53. -1 when a field is unseen.
 */
function groupKey(vocab: FeatureState['vocab'], k: number, ids: Int32Array, offset: number): number {
  let key = 0;
  for (const f of KEYS[k]!.fields) {
    const id = ids[offset + f]!;
    if (id < 0) return -1;
    key = key * vocab[f]!.size + id;
  }
  return key;
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

/**
 * The feature state compiled for scoring new declarations: every field value maps to its integer
 * id with one `Map` lookup; single-field groups are then read from arrays indexed by id, and
 * multi-field groups through one numeric-key `Map` to a slot. Each slot holds the finished
 * features (rates, log count, first-seen flag), computed once here with the same arithmetic as
 * `encodeRecord`, so a scored row is bit-for-bit the row `encodeRecord` writes. Unit-price bands
 * and the duty norm are indexed by HS id too. Derived from the state, never serialised.
 */
export interface CompiledFeatures {
  state: FeatureState;
  /** Per category key: group key -> slot (slot 0 = never seen); absent for single-field keys (slot = id + 1). */
  slots: Array<Map<number, number> | null>;
  /** Per category key: slot -> [fraud rate, critical rate, log count, first seen] at `slot * 4`. */
  values: Float64Array[];
  /** HS4 and HS2 ids of each HS6 id (-1 when not in the vocabulary). */
  hs4OfHs6: Int32Array;
  hs2OfHs6: Int32Array;
  /** Unit-price band by HS6 id, HS4 id and (HS6 id, origin id) key: [median, MAD floor] at `i * 2`. */
  bandByHs6: Float64Array;
  bandByHs4: Float64Array;
  bandByPair: Map<number, number>;
  bandPairValues: Float64Array;
  /** False when a value contains the band key separator: the pair band then falls back to string keys. */
  pairIds: boolean;
  /** Median duty rate by HS6 id (NaN when the HS6 has no norm). */
  taxNormByHs6: Float64Array;
}

const HS6 = fieldIndex('hs6');
const HS4 = fieldIndex('hs4');
const HS2 = fieldIndex('hs2');
const ORIGIN = fieldIndex('origin');
/** Position in `NUMERIC` of the band features and of the duty norm feature. */
const BAND_FEATURE = NUMERIC.map((f) => BANDS.findIndex((b) => f.name === `unit price vs ${b.name} band`));
const TAX_NORM_FEATURE = NUMERIC.findIndex((f) => f.name === 'duty rate vs HS norm');
/** Position in `FIRST_SEEN` of each category key, -1 when its first appearance is not flagged. */
const FLAG_OF_KEY = KEYS.map((_, k) => FIRST_SEEN.indexOf(k));

/** The finished features of a group with these stats (the arithmetic of `encodeRecord`, unfolded). */
function slotValues(state: FeatureState, out: Float64Array, slot: number, s: GroupStats | undefined): void {
  const m = state.options.smoothing;
  const pf = state.prior.fraud * m;
  const pc = state.prior.critical * m;
  const c = s ? s[0] : 0;
  const fr = s ? s[1] : 0;
  const cr = s ? s[2] : 0;
  out[slot * 4] = (fr + pf) / (c + m);
  out[slot * 4 + 1] = (cr + pc) / (c + m);
  // Scoring uses the full window: the count scale of `encodeRecord` is 1.
  out[slot * 4 + 2] = Math.log1p(c);
  out[slot * 4 + 3] = c === 0 ? 1 : 0;
}

/** A band's median and the MAD-based scale `bandFeature` divides by, or NaN when absent. */
function bandTable(size: number, entries: Iterable<[number, PriceBand]>): Float64Array {
  const out = new Float64Array(size * 2).fill(Number.NaN);
  for (const [i, b] of entries) {
    if (i < 0 || i >= size) continue;
    out[i * 2] = b[0];
    out[i * 2 + 1] = Math.max(1.4826 * b[1], 0.05);
  }
  return out;
}

/** Compiles a fitted feature state for fast scoring (see `CompiledFeatures`). */
export function compileFeatures(state: FeatureState): CompiledFeatures {
  const slots: CompiledFeatures['slots'] = [];
  const values: Float64Array[] = [];
  KEYS.forEach((key, k) => {
    const stats = state.categories[k]!;
    if (key.fields.length === 1) {
      // A single-field group key is the field id itself (see `groupKey`).
      const size = state.vocab[key.fields[0]!]!.size;
      const v = new Float64Array((size + 1) * 4);
      for (let id = -1; id < size; id++) slotValues(state, v, id + 1, id < 0 ? undefined : stats.get(id));
      slots.push(null);
      values.push(v);
      return;
    }
    const index = new Map<number, number>();
    const v = new Float64Array((stats.size + 1) * 4);
    slotValues(state, v, 0, undefined);
    for (const [groupKey, s] of stats) {
      index.set(groupKey, index.size + 1);
      slotValues(state, v, index.size, s);
    }
    slots.push(index);
    values.push(v);
  });
  const hs6 = [...state.vocab[HS6]!.keys()].map(String);
  const hs4OfHs6 = Int32Array.from(hs6, (v) => state.vocab[HS4]!.get(v.slice(0, 4)) ?? -1);
  const hs2OfHs6 = Int32Array.from(hs6, (v) => state.vocab[HS2]!.get(v.slice(0, 2)) ?? -1);
  const idsOf = (field: number, band: Map<string, PriceBand>) =>
    [...band].map(([v, b]): [number, PriceBand] => [state.vocab[field]!.get(v) ?? -1, b]);
  const origins = state.vocab[ORIGIN]!;
  const pairIds = [...hs6, ...origins.keys()].every((v) => !String(v).includes(PAIR_SEPARATOR));
  const bandByPair = new Map<number, number>();
  const pairs: Array<[number, PriceBand]> = [];
  if (pairIds) {
    for (const [key, b] of state.bands[2]!) {
      const at = key.indexOf(PAIR_SEPARATOR);
      const h = state.vocab[HS6]!.get(key.slice(0, at));
      const o = origins.get(key.slice(at + 1));
      if (h === undefined || o === undefined) continue;
      bandByPair.set(h * origins.size + o, pairs.length);
      pairs.push([pairs.length, b]);
    }
  }
  const taxNormByHs6 = new Float64Array(hs6.length).fill(Number.NaN);
  hs6.forEach((v, id) => {
    const norm = state.taxNorm.get(v);
    if (norm !== undefined) taxNormByHs6[id] = norm;
  });
  return {
    state,
    slots,
    values,
    hs4OfHs6,
    hs2OfHs6,
    bandByHs6: bandTable(hs6.length, idsOf(HS6, state.bands[0]!)),
    bandByHs4: bandTable(state.vocab[HS4]!.size, idsOf(HS4, state.bands[1]!)),
    bandByPair,
    bandPairValues: bandTable(pairs.length, pairs),
    pairIds,
    taxNormByHs6,
  };
}

/** Scratch buffer of field ids for `encodeCompiled`. */
const COMPILED_IDS = new Int32Array(FIELDS.length);

/** A band's feature from its table entry `i` (NaN when absent), as `bandFeature` computes it. */
function bandValue(table: Float64Array, i: number, lup: number): number {
  if (i < 0) return Number.NaN;
  const median = table[i * 2]!;
  if (Number.isNaN(median) || Number.isNaN(lup)) return Number.NaN;
  return (lup - median) / table[i * 2 + 1]!;
}

/**
 * Writes the features of one record into `out[offset..offset + FEATURE_COUNT)`: the same values
 * as `encodeRecord(state, r, out, offset)`, from the compiled tables.
 */
export function encodeCompiled(c: CompiledFeatures, r: CustomsRecord, out: Float64Array, offset = 0): void {
  const state = c.state;
  const vocab = state.vocab;
  const ids = COMPILED_IDS;
  for (let j = 0; j < FIELDS.length; j++) {
    if ((j === HS4 || j === HS2) && ids[HS6]! >= 0) {
      ids[j] = j === HS4 ? c.hs4OfHs6[ids[HS6]!]! : c.hs2OfHs6[ids[HS6]!]!;
    } else {
      ids[j] = vocab[j]!.get(FIELDS[j]!(r)) ?? -1;
    }
  }
  let f = offset;
  const flags = offset + KEYS.length * PER_KEY;
  for (let k = 0; k < KEYS.length; k++) {
    const index = c.slots[k]!;
    let slot: number;
    if (index === null) {
      slot = ids[KEYS[k]!.fields[0]!]! + 1;
    } else {
      const key = groupKey(vocab, k, ids, 0);
      slot = key < 0 ? 0 : (index.get(key) ?? 0);
    }
    const v = c.values[k]!;
    out[f++] = v[slot * 4]!;
    out[f++] = v[slot * 4 + 1]!;
    out[f++] = v[slot * 4 + 2]!;
    const flag = FLAG_OF_KEY[k]!;
    if (flag >= 0) out[flags + flag] = v[slot * 4 + 3]!;
  }
  f = flags + FIRST_SEEN.length;
  const lup = logUnitPrice(r);
  const hs6 = ids[HS6]!;
  for (let i = 0; i < NUMERIC.length; i++, f++) {
    const band = BAND_FEATURE[i]!;
    if (band < 0) {
      const norm = i === TAX_NORM_FEATURE && hs6 >= 0 ? c.taxNormByHs6[hs6]! : undefined;
      if (norm === undefined) out[f] = NUMERIC[i]!.value(r, state);
      else out[f] = Number.isNaN(norm) ? Number.NaN : r.taxRate - norm;
    } else if (band === 0 && hs6 >= 0) {
      out[f] = bandValue(c.bandByHs6, hs6, lup);
    } else if (band === 1 && ids[HS4]! >= 0) {
      out[f] = bandValue(c.bandByHs4, ids[HS4]!, lup);
    } else if (band === 2 && c.pairIds && hs6 >= 0 && ids[ORIGIN]! >= 0) {
      const pair = c.bandByPair.get(hs6 * vocab[ORIGIN]!.size + ids[ORIGIN]!);
      out[f] = bandValue(c.bandPairValues, pair ?? -1, lup);
    } else {
      // A value never seen in the training window: the string-keyed lookup of `encodeRecord`.
      out[f] = NUMERIC[i]!.value(r, state);
    }
  }
}

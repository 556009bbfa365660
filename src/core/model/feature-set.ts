import { type CustomsRecord, dutyAtStake } from './customs-record.ts';

/**
 * The risk model's feature set: which fields of a record are encoded, which groups of them get
 * rates and counts, which price bands and numeric features follow, and the column order of the
 * feature matrix. Fitting (`features.ts`) and the compiled scorer (`compiled-features.ts`) both
 * read it, so they cannot disagree on what a column means. The names (`FEATURE_NAMES`) travel with
 * a model file: any change to this layout makes old model files refuse to load.
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
  /** Per price band (same order as `BANDS`): band key (see `PriceBandKey.key`) -> band. */
  bands: Map<string, PriceBand>[];
  /** Median duty rate per HS6. */
  taxNorm: Map<string, number>;
}

export type Field = (r: CustomsRecord) => string;

export interface CategoryKey {
  name: string;
  /** Indices into `FIELDS` of the fields that make up the group. */
  fields: number[];
  /** The group in officer words for this record, e.g. "importer Q3X1 x HS 6403.99". */
  describe: (r: CustomsRecord) => string;
}

export const hsDotted = (hs: string) => (hs.length > 4 ? `${hs.slice(0, 4)}.${hs.slice(4)}` : hs);
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
export const FIELDS: Array<(r: CustomsRecord) => string | number> = [
  ...SINGLES.map(([, key]) => key),
  // NaN would not survive the JSON model file: an undeclared rate is its own value.
  (r) => (Number.isNaN(r.taxRate) ? '' : r.taxRate),
];

/** Position in `FIELDS` of a field by name; throws on a name that is not a field. */
export function fieldIndex(name: string): number {
  const i = name === 'taxRate' ? SINGLES.length : SINGLES.findIndex(([n]) => n === name);
  if (i < 0) throw new Error(`feature set: no field named ${name}`);
  return i;
}
const describeOf = (name: string) => SINGLES[fieldIndex(name)]![2];

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

/** Category keys (single fields, then groups), in matrix column order. */
export const KEYS = categoryKeys();

/** Joins the field values of a price band of several fields. */
export const BAND_SEPARATOR = '\u0001';

/**
 * A price-band group. Its key is the values of `fields` joined by `BAND_SEPARATOR`: the same
 * field list gives the fitted string keys and the compiled scorer's id lookups, so the scorer
 * depends on no band's position or name.
 */
export interface PriceBandKey {
  name: string;
  /** Indices into `FIELDS` (string-valued fields only). */
  fields: number[];
  key: Field;
  describe: (r: CustomsRecord) => string;
}

function priceBandKey(name: string, parts: string[], describe: (r: CustomsRecord) => string): PriceBandKey {
  const fields = parts.map(fieldIndex);
  const read = fields.map((f) => FIELDS[f]!);
  const key: Field =
    read.length === 1
      ? (r) => String(read[0]!(r))
      : (r) => read.map((field) => field(r)).join(BAND_SEPARATOR);
  return { name, fields, key, describe };
}

/** Price-band groups: robust statistics of log unit price. */
export const BANDS: readonly PriceBandKey[] = [
  priceBandKey('hs6', ['hs6'], (r) => `HS ${hsDotted(r.hs6)}`),
  priceBandKey('hs4', ['hs4'], (r) => `HS ${r.hs6.slice(0, 2)}.${r.hs6.slice(2, 4)}`),
  priceBandKey('hs6 x origin', ['hs6', 'origin'], (r) => `HS ${hsDotted(r.hs6)} x ${or(r.origin)}`),
];

export interface NumericFeature {
  name: string;
  /** Index into `BANDS` of a unit-price band feature. */
  band?: number;
  value: (r: CustomsRecord, s: FeatureState) => number;
  describe: (r: CustomsRecord, s: FeatureState) => string;
}

const fmt = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'not declared');
const pct = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)}%`;

export const logUnitPrice = (r: CustomsRecord) =>
  r.netMass > 0 && r.itemPrice > 0 ? Math.log(r.itemPrice / r.netMass) : Number.NaN;

/** The spread a band's feature divides by: 1.4826 x MAD estimates the standard deviation under normality, floored for flat bands. */
export const bandScale = (mad: number) => Math.max(1.4826 * mad, 0.05);

function bandFeature(b: number): NumericFeature {
  const band = BANDS[b]!;
  return {
    name: `unit price vs ${band.name} band`,
    band: b,
    value: (r, s) => {
      const lup = logUnitPrice(r);
      const stats = s.bands[b]!.get(band.key(r));
      if (!stats || Number.isNaN(lup)) return Number.NaN;
      return (lup - stats[0]) / bandScale(stats[1]);
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

/** Name of the duty-rate-against-norm feature (the compiled scorer reads the norm by HS6 id). */
export const TAX_NORM_FEATURE_NAME = 'duty rate vs HS norm';

/** Numeric features, in matrix column order. */
export const NUMERIC: NumericFeature[] = [
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
    name: TAX_NORM_FEATURE_NAME,
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
export const FIRST_SEEN = ['importer', 'seller', 'declarant', 'importer x hs6', 'tariff line'].map((n) =>
  KEYS.findIndex((k) => k.name === n),
);

/** Columns per category key: fraud rate, critical rate, log count. */
export const PER_KEY = 3;

/** Names of the features, in matrix column order. */
export const FEATURE_NAMES: readonly string[] = [
  ...KEYS.flatMap((k) => [`${k.name} fraud rate`, `${k.name} critical rate`, `${k.name} count`]),
  ...FIRST_SEEN.map((k) => `${KEYS[k]!.name} first seen`),
  ...NUMERIC.map((f) => f.name),
];

export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * The numeric key of group `k` from field ids at `ids[offset..]`: the ids read as digits of a
 * mixed-radix number (radix = vocabulary size), exact below 2^53. -1 when a field is unseen.
 */
export function groupKey(vocab: FeatureState['vocab'], k: number, ids: Int32Array, offset: number): number {
  let key = 0;
  for (const f of KEYS[k]!.fields) {
    const id = ids[offset + f]!;
    if (id < 0) return -1;
    key = key * vocab[f]!.size + id;
  }
  return key;
}

import type { CustomsRecord } from './customs-record.ts';
import {
  BAND_SEPARATOR,
  bandScale,
  BANDS as FEATURE_SET_BANDS,
  FIELDS as FEATURE_SET_FIELDS,
  FIRST_SEEN as FEATURE_SET_FIRST_SEEN,
  KEYS as FEATURE_SET_KEYS,
  NUMERIC as FEATURE_SET_NUMERIC,
  PER_KEY as FEATURE_SET_PER_KEY,
  type FeatureState,
  groupKey as featureSetGroupKey,
  logUnitPrice as featureSetLogUnitPrice,
  fieldIndex,
  type GroupStats,
  type PriceBand,
  TAX_NORM_FEATURE_NAME,
} from './feature-set.ts';

// The layout read on the hot path, as constants of this module: V8 reads an imported binding
// through its module cell on every access, which measured about 20% slower encoding here.
const BANDS = FEATURE_SET_BANDS;
const FIELDS = FEATURE_SET_FIELDS;
const FIRST_SEEN = FEATURE_SET_FIRST_SEEN;
const KEYS = FEATURE_SET_KEYS;
const NUMERIC = FEATURE_SET_NUMERIC;
const PER_KEY = FEATURE_SET_PER_KEY;
const groupKey = featureSetGroupKey;
const logUnitPrice = featureSetLogUnitPrice;

/**
 * The feature state compiled for scoring new declarations: every field value maps to its integer
 * id with one `Map` lookup; single-field groups are then read from arrays indexed by id, and
 * multi-field groups through one numeric-key `Map` to a slot. Each slot holds the finished
 * features (rates, log count, first-seen flag), computed once here with the same arithmetic as
 * `encodeRecord`, so a scored row is bit-for-bit the row `encodeRecord` writes. Unit-price bands
 * and the duty norm are indexed by field ids too. Derived from the state, never serialised.
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
  /**
   * Per price band (same order as `BANDS`): [median, scale] at `i * 2`, NaN when the band is
   * absent. `i` is the field id for a single-field band, else the entry `bandEntries` gives.
   */
  bandTables: Float64Array[];
  /**
   * Per price band of several fields: numeric key of its field ids (mixed radix, as `groupKey`)
   * -> entry in its table. Null for single-field bands, and when a field value contains
   * `BAND_SEPARATOR` (the band then falls back to the string keys of `encodeRecord`).
   */
  bandEntries: Array<Map<number, number> | null>;
  /** Median duty rate by HS6 id (NaN when the HS6 has no norm). */
  taxNormByHs6: Float64Array;
}

const HS6 = fieldIndex('hs6');
const HS4 = fieldIndex('hs4');
const HS2 = fieldIndex('hs2');
/** Per feature of `NUMERIC`: its index into `BANDS`, or -1 when it is not a band feature. */
const BAND_OF_FEATURE = Int32Array.from(NUMERIC, (f) => f.band ?? -1);
/** Per price band: its fields (indices into `FIELDS`). */
const BAND_FIELDS = BANDS.map((b) => Int32Array.from(b.fields));
const TAX_NORM_FEATURE = NUMERIC.findIndex((f) => f.name === TAX_NORM_FEATURE_NAME);
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

/** A band's median and the MAD-based scale the band feature divides by, or NaN when absent. */
function bandTable(size: number, entries: Iterable<[number, PriceBand]>): Float64Array {
  const out = new Float64Array(size * 2).fill(Number.NaN);
  for (const [i, b] of entries) {
    if (i < 0 || i >= size) continue;
    out[i * 2] = b[0];
    out[i * 2 + 1] = bandScale(b[1]);
  }
  return out;
}

/** Compiles the fitted bands of `BANDS[b]` into a table (and an entry index for several fields). */
function compileBand(
  state: FeatureState,
  b: number,
): { table: Float64Array; entries: Map<number, number> | null } {
  const fields = BANDS[b]!.fields;
  const fitted = state.bands[b]!;
  if (fields.length === 1) {
    const vocab = state.vocab[fields[0]!]!;
    const ids = [...fitted].map(([v, band]): [number, PriceBand] => [vocab.get(v) ?? -1, band]);
    return { table: bandTable(vocab.size, ids), entries: null };
  }
  const byIds = fields.every((f) =>
    [...state.vocab[f]!.keys()].every((v) => !String(v).includes(BAND_SEPARATOR)),
  );
  const entries = new Map<number, number>();
  const found: Array<[number, PriceBand]> = [];
  if (byIds) {
    for (const [key, band] of fitted) {
      const parts = key.split(BAND_SEPARATOR);
      let numeric = 0;
      for (let p = 0; p < fields.length && numeric >= 0; p++) {
        const vocab = state.vocab[fields[p]!]!;
        const id = vocab.get(parts[p]!);
        numeric = id === undefined ? -1 : numeric * vocab.size + id;
      }
      if (numeric < 0) continue;
      entries.set(numeric, found.length);
      found.push([found.length, band]);
    }
  }
  return { table: bandTable(found.length, found), entries: byIds ? entries : null };
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
  const bands = BANDS.map((_, b) => compileBand(state, b));
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
    bandTables: bands.map((b) => b.table),
    bandEntries: bands.map((b) => b.entries),
    taxNormByHs6,
  };
}

/** Scratch buffer of field ids for `encodeCompiled`. */
const COMPILED_IDS = new Int32Array(FIELDS.length);

/** A band's feature from its table entry `i` (NaN when absent), as the band feature computes it. */
function bandValue(table: Float64Array, i: number, lup: number): number {
  if (i < 0) return Number.NaN;
  const median = table[i * 2]!;
  if (Number.isNaN(median) || Number.isNaN(lup)) return Number.NaN;
  return (lup - median) / table[i * 2 + 1]!;
}

/** Returned by `bandEntry` when the ids cannot decide: a value never seen, or string keys needed. */
const BY_STRING_KEY = -2;

/** The entry of band `b` for the field ids in `ids` (-1 = no band fitted for it), or `BY_STRING_KEY`. */
function bandEntry(c: CompiledFeatures, b: number, ids: Int32Array): number {
  const fields = BAND_FIELDS[b]!;
  if (fields.length === 1) {
    const id = ids[fields[0]!]!;
    return id >= 0 ? id : BY_STRING_KEY;
  }
  const entries = c.bandEntries[b];
  if (!entries) return BY_STRING_KEY;
  const vocab = c.state.vocab;
  let key = 0;
  for (let p = 0; p < fields.length; p++) {
    const id = ids[fields[p]!]!;
    if (id < 0) return BY_STRING_KEY;
    key = key * vocab[fields[p]!]!.size + id;
  }
  return entries.get(key) ?? -1;
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
    const band = BAND_OF_FEATURE[i]!;
    if (band < 0) {
      const norm = i === TAX_NORM_FEATURE && hs6 >= 0 ? c.taxNormByHs6[hs6]! : undefined;
      if (norm === undefined) out[f] = NUMERIC[i]!.value(r, state);
      else out[f] = Number.isNaN(norm) ? Number.NaN : r.taxRate - norm;
      continue;
    }
    const fields = BAND_FIELDS[band]!;
    const single = fields.length === 1 ? ids[fields[0]!]! : 0;
    const entry = fields.length > 1 ? bandEntry(c, band, ids) : single >= 0 ? single : BY_STRING_KEY;
    // A value never seen in the training window: the string-keyed lookup of `encodeRecord`.
    out[f] =
      entry === BY_STRING_KEY ? NUMERIC[i]!.value(r, state) : bandValue(c.bandTables[band]!, entry, lup);
  }
}

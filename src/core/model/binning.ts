/**
 * Histogram binning (as in LightGBM / XGBoost `hist`): each feature's values are bucketed into at
 * most 255 quantile bins once, so a split search scans bins instead of sorted values.
 *
 * Bin 0 holds missing values (NaN); bins 1..k hold values `<= upper[b-1]`. A split "bin <= t" is
 * therefore the raw-value test `!(x > upper[t-1])`, which also sends NaN left: scoring never bins.
 */
export const MAX_BINS = 256;

/** Upper edges of the value bins of one feature (last edge is +Infinity). */
export type BinEdges = Float64Array;

/** A feature matrix stored column-major: `values[f * rows + i]`. */
export interface FeatureMatrix {
  rows: number;
  features: number;
  values: Float64Array;
}

/** Quantile edges of one column: distinct values when few, otherwise evenly spaced quantiles. */
export function binEdges(column: Float64Array, maxBins = MAX_BINS - 1): BinEdges {
  const finite: number[] = [];
  for (const v of column) if (!Number.isNaN(v)) finite.push(v);
  finite.sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const v of finite) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  let uppers: number[];
  if (distinct.length <= maxBins) {
    uppers = distinct;
  } else {
    uppers = [];
    for (let b = 1; b <= maxBins; b++) {
      const v = finite[Math.min(finite.length - 1, Math.floor((b * finite.length) / maxBins) - 1)]!;
      if (uppers.length === 0 || uppers[uppers.length - 1]! < v) uppers.push(v);
    }
  }
  if (uppers.length === 0) return Float64Array.of(Number.POSITIVE_INFINITY);
  uppers[uppers.length - 1] = Number.POSITIVE_INFINITY;
  return Float64Array.from(uppers);
}

/** The bin of one value under `edges` (0 for NaN). */
export function binOf(value: number, edges: BinEdges): number {
  if (Number.isNaN(value)) return 0;
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** Bins a whole matrix (column-major, one byte per cell) with the given edges. */
export function binMatrix(matrix: FeatureMatrix, edges: BinEdges[]): Uint8Array {
  const out = new Uint8Array(matrix.rows * matrix.features);
  for (let f = 0; f < matrix.features; f++) {
    const e = edges[f]!;
    const off = f * matrix.rows;
    for (let i = 0; i < matrix.rows; i++) out[off + i] = binOf(matrix.values[off + i]!, e);
  }
  return out;
}

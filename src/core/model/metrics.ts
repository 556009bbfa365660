/**
 * Selection metrics as the WCO BACUDA research reports them (Kim et al., "DATE", KDD 2020):
 * inspect the top n% of declarations by score and measure precision (hit rate), recall (share of
 * all frauds caught) and revenue (share of all recoverable duty caught).
 */

/** The inspection rates reported, in percent. */
export const INSPECTION_RATES = [1, 2, 5, 10] as const;
export type InspectionRate = (typeof INSPECTION_RATES)[number];

/** The promised `greenlane model eval` output. */
export interface SelectionMetrics {
  rows: number;
  precisionAt: Record<`${InspectionRate}`, number>;
  recallAt: Record<`${InspectionRate}`, number>;
  revenueAt: Record<`${InspectionRate}`, number>;
  auc: number;
}

/**
 * Order of inspection: indices by descending score; equal scores keep input order, so callers
 * that want random tie-breaking shuffle first.
 */
export function rankOrder(scores: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/**
 * Metrics of selecting the top `round(rows * n / 100)` rows by `scores`.
 * `revenue[i]` is what inspecting row i recovers (0 for a clean row).
 */
export function selectionMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  revenue: ArrayLike<number>,
): SelectionMetrics {
  const rows = scores.length;
  const order = rankOrder(scores);
  let positives = 0;
  let totalRevenue = 0;
  for (let i = 0; i < rows; i++) {
    positives += labels[i]! > 0 ? 1 : 0;
    totalRevenue += revenue[i]!;
  }
  const precisionAt = {} as Record<`${InspectionRate}`, number>;
  const recallAt = {} as Record<`${InspectionRate}`, number>;
  const revenueAt = {} as Record<`${InspectionRate}`, number>;
  for (const n of INSPECTION_RATES) {
    const k = Math.round((rows * n) / 100);
    let hits = 0;
    let rev = 0;
    for (let j = 0; j < k; j++) {
      const i = order[j]!;
      hits += labels[i]! > 0 ? 1 : 0;
      rev += revenue[i]!;
    }
    precisionAt[`${n}`] = k > 0 ? hits / k : 0;
    recallAt[`${n}`] = positives > 0 ? hits / positives : 0;
    revenueAt[`${n}`] = totalRevenue > 0 ? rev / totalRevenue : 0;
  }
  return { rows, precisionAt, recallAt, revenueAt, auc: auc(scores, labels) };
}

/**
 * Area under the ROC curve by the rank-sum (Mann-Whitney U) formula, ties sharing their average
 * rank. 0.5 when one class is absent.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]! > 0) {
        rankSum += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

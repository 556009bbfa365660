import type { GbdtModel } from './gbdt.ts';

/**
 * Path attribution (Saabas 2014): along each tree's decision path, the change of node value at each
 * split is credited to the split feature. `bias + sum(contributions)` equals the raw score exactly
 * (up to floating-point rounding), so an officer sees where every point of the score comes from.
 */
export function pathContributions(
  model: GbdtModel,
  row: ArrayLike<number>,
): { bias: number; contributions: Float64Array } {
  const contributions = new Float64Array(model.featureCount);
  let bias = model.baseScore;
  for (const t of model.trees) {
    let node = 0;
    bias += t.value[0]!;
    while (t.feature[node]! >= 0) {
      const f = t.feature[node]!;
      const next = row[f]! > t.threshold[node]! ? t.right[node]! : t.left[node]!;
      contributions[f]! += t.value[next]! - t.value[node]!;
      node = next;
    }
  }
  return { bias, contributions };
}

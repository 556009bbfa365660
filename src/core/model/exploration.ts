import type { Random } from './random.ts';

/**
 * Exploration in inspection selection. A model that only inspects what it already rates high
 * never learns about the rest (selection bias). A share of inspections is drawn at random from
 * the declarations the model did not pick, and each selection records its probability so later
 * training can weight outcomes by 1 / probability (inverse propensity weighting, Horvitz-Thompson).
 */
export type SelectionMode = 'exploit' | 'explore';

export interface Selection {
  /** Index in the batch. */
  index: number;
  mode: SelectionMode;
  /** Probability this row had of being selected under the policy (1 for exploited rows). */
  probability: number;
}

/** Default share of inspections that explore (the 90% exploit + 10% explore). */
export const DEFAULT_EXPLORATION_SHARE = 0.1;

/**
 * Selects `round(n * rate)` rows of a batch for inspection: the top-ranked `(1 - explore)` share
 * of that capacity by `keys`, the rest uniformly at random among the others.
 */
export function selectForInspection(
  keys: ArrayLike<number>,
  rate: number,
  exploreShare: number,
  random: Random,
): Selection[] {
  const n = keys.length;
  const capacity = Math.min(n, Math.round(n * rate));
  const exploreCount = Math.round(capacity * exploreShare);
  const exploitCount = capacity - exploreCount;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
  const out: Selection[] = order
    .slice(0, exploitCount)
    .map((index) => ({ index, mode: 'exploit', probability: 1 }));
  const rest = order.slice(exploitCount);
  const probability = rest.length > 0 ? exploreCount / rest.length : 0;
  // Partial Fisher-Yates: the first `exploreCount` of `rest` become a uniform random sample.
  for (let i = 0; i < exploreCount; i++) {
    const j = i + Math.floor(random() * (rest.length - i));
    const t = rest[i]!;
    rest[i] = rest[j]!;
    rest[j] = t;
    out.push({ index: rest[i]!, mode: 'explore', probability });
  }
  return out;
}

/**
 * The streaming form for one declaration at a time (the assessment pipeline): a declaration the
 * model did not select is still selected with probability `rate`, and marked as exploration.
 */
export function exploreOne(random: Random, rate: number): { selected: boolean; probability: number } {
  return { selected: random() < rate, probability: rate };
}

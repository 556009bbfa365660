import type { FeatureMatrix } from './binning.ts';

/**
 * Histogram gradient-boosted decision trees with the logistic loss (Friedman 2001; the histogram
 * and leaf-wise growth of LightGBM, Ke et al. 2017; the regularised gain of XGBoost, Chen & Guestrin
 * 2016). Pure and deterministic: the same data, parameters and seed give the same trees.
 *
 * This file holds the model (parameters, trees) and its straightforward scoring, the reference
 * every faster path must equal. Training: `gbdt-training.ts` (boosting rounds, early stopping) and
 * `tree-grower.ts` (one tree on binned data). Scoring: `forest.ts` (pre-order typed arrays) and
 * `forest-code.ts` (generated code). Explanations: `path-contributions.ts`.
 */
export interface GbdtParams {
  /** Shrinkage applied to every leaf value. */
  learningRate: number;
  /** Maximum depth of a tree (root = depth 0). */
  maxDepth: number;
  /** Maximum leaves per tree; leaves are split best-gain first (leaf-wise growth). */
  maxLeaves: number;
  /** Minimum hessian sum in a child (XGBoost `min_child_weight`). */
  minChildWeight: number;
  /** Minimum rows in a child. */
  minDataInLeaf: number;
  /** L2 regularisation of leaf values (XGBoost `lambda`). */
  lambda: number;
  /** Minimum gain for a split to be made. */
  minSplitGain: number;
  /** Share of rows drawn (without replacement) for each tree. */
  rowSubsample: number;
  /** Share of features drawn for each tree. */
  colSubsample: number;
  /** Upper bound on boosting rounds. */
  maxTrees: number;
  /** Stop when the validation loss has not improved for this many rounds (0 = never). */
  earlyStoppingRounds: number;
  /**
   * What early stopping watches: weighted log-loss, or 1 - AUC (better for rare targets whose
   * log-loss bottoms out long before the ranking stops improving).
   */
  earlyStoppingMetric: 'logloss' | 'auc';
  /** Weight of positive rows: a number, or `balanced` (negatives / positives). */
  positiveWeight: number | 'balanced';
  /** Maximum value bins per feature (<= 255). */
  maxBins: number;
  seed: number;
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  learningRate: 0.05,
  maxDepth: 8,
  maxLeaves: 31,
  minChildWeight: 1,
  minDataInLeaf: 20,
  lambda: 1,
  minSplitGain: 0,
  rowSubsample: 0.8,
  colSubsample: 0.8,
  maxTrees: 600,
  earlyStoppingRounds: 50,
  earlyStoppingMetric: 'logloss',
  positiveWeight: 1,
  maxBins: 255,
  seed: 1,
};

/**
 * One regression tree as flat arrays. Node 0 is the root; a leaf has `feature = -1`. An internal
 * node sends a row left when `!(x[feature] > threshold)` (missing values go left). `value` of an
 * internal node is the value it would have as a leaf: path attribution uses the differences.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  /** Hessian mass that reached the node in training. */
  cover: Float64Array;
}

export interface GbdtModel {
  /** Prior log-odds every score starts from. */
  baseScore: number;
  trees: Tree[];
  featureCount: number;
  params: GbdtParams;
  /** Validation metric per round (log-loss or 1 - AUC) when a validation set was given; kept rounds only. */
  validationLoss: number[];
}

/** Labelled rows for training or validation. `labels` are 0/1; `weights` optional sample weights. */
export interface TrainingSet {
  matrix: FeatureMatrix;
  labels: Float64Array;
  weights?: Float64Array;
}

/** What a caller learns after each boosting round (for progress bars). */
export interface RoundInfo {
  round: number;
  trainLoss: number;
  validLoss?: number;
  bestRound: number;
}

export interface TrainOptions {
  params?: Partial<GbdtParams>;
  valid?: TrainingSet;
  onRound?: (info: RoundInfo) => void;
}

/** The raw score (log-odds) of one row given as a dense vector. */
export function predictRaw(model: GbdtModel, row: ArrayLike<number>): number {
  let s = model.baseScore;
  for (const t of model.trees) {
    let node = 0;
    while (t.feature[node]! >= 0) {
      node = row[t.feature[node]!]! > t.threshold[node]! ? t.right[node]! : t.left[node]!;
    }
    s += t.value[node]!;
  }
  return s;
}

/** The logistic link: probability from log-odds. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

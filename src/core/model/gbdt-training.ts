import { type BinEdges, binEdges, binMatrix, type FeatureMatrix, MAX_BINS } from './binning.ts';
import {
  DEFAULT_GBDT_PARAMS,
  type GbdtModel,
  type GbdtParams,
  type RoundInfo,
  sigmoid,
  type TrainingSet,
  type TrainOptions,
  type Tree,
} from './gbdt.ts';
import { auc } from './metrics.ts';
import { seededRandom, shuffledIndices } from './random.ts';
import { type GrownTree, TreeGrower } from './tree-grower.ts';

/**
 * Trains a binary classifier with the logistic loss: one tree per round on the gradients of the
 * current scores, until `maxTrees` or until the validation metric stops improving.
 */
export function trainGbdt(train: TrainingSet, options: TrainOptions = {}): GbdtModel {
  const params: GbdtParams = { ...DEFAULT_GBDT_PARAMS, ...options.params };
  const { rows: n, features: nf } = train.matrix;
  if (n === 0) throw new Error('trainGbdt: no training rows');
  const random = seededRandom(params.seed);
  const edges: BinEdges[] = [];
  for (let f = 0; f < nf; f++) {
    edges.push(
      binEdges(train.matrix.values.subarray(f * n, (f + 1) * n), Math.min(params.maxBins, MAX_BINS - 1)),
    );
  }
  const bins = binMatrix(train.matrix, edges);
  const w = classWeights(train.labels, train.weights, params.positiveWeight);
  const y = train.labels;

  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i]!;
    swy += w[i]! * y[i]!;
  }
  const prior = Math.min(Math.max(swy / sw, 1e-6), 1 - 1e-6);
  const baseScore = Math.log(prior / (1 - prior));

  const raw = new Float64Array(n).fill(baseScore);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const valid = options.valid;
  const validRaw = valid ? new Float64Array(valid.matrix.rows).fill(baseScore) : undefined;
  const validW = valid ? classWeights(valid.labels, valid.weights, params.positiveWeight) : undefined;

  const trees: Tree[] = [];
  const validationLoss: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestRound = 0;
  const grower = new TreeGrower(bins, edges, n, nf, params);

  for (let round = 0; round < params.maxTrees; round++) {
    let trainLoss = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]!);
      g[i] = (p - y[i]!) * w[i]!;
      h[i] = Math.max(p * (1 - p), 1e-16) * w[i]!;
      trainLoss += w[i]! * logLoss(p, y[i]!);
    }
    const sample = drawRows(n, params.rowSubsample, random);
    const columns = drawColumns(nf, params.colSubsample, random);
    const tree = grower.grow(sample, columns, g, h);
    trees.push(tree.tree);
    for (let i = 0; i < n; i++) raw[i]! += tree.tree.value[leafOfBinned(tree, bins, n, i)]!;

    let validLoss: number | undefined;
    if (valid && validRaw && validW) {
      const vn = valid.matrix.rows;
      let loss = 0;
      let weight = 0;
      for (let i = 0; i < vn; i++) {
        validRaw[i]! += predictTreeColumnMajor(tree.tree, valid.matrix, i);
        loss += validW[i]! * logLoss(sigmoid(validRaw[i]!), valid.labels[i]!);
        weight += validW[i]!;
      }
      validLoss = params.earlyStoppingMetric === 'auc' ? 1 - auc(validRaw, valid.labels) : loss / weight;
      validationLoss.push(validLoss);
      if (validLoss < best - 1e-12) {
        best = validLoss;
        bestRound = round;
      }
    } else {
      bestRound = round;
    }
    const info: RoundInfo = { round: round + 1, trainLoss: trainLoss / sw, bestRound: bestRound + 1 };
    if (validLoss !== undefined) info.validLoss = validLoss;
    options.onRound?.(info);
    if (valid && params.earlyStoppingRounds > 0 && round - bestRound >= params.earlyStoppingRounds) break;
  }
  const kept = valid ? bestRound + 1 : trees.length;
  return {
    baseScore,
    trees: trees.slice(0, kept),
    featureCount: nf,
    params,
    validationLoss: validationLoss.slice(0, kept),
  };
}

function predictTreeColumnMajor(t: Tree, m: FeatureMatrix, i: number): number {
  let node = 0;
  while (t.feature[node]! >= 0) {
    node = m.values[t.feature[node]! * m.rows + i]! > t.threshold[node]! ? t.right[node]! : t.left[node]!;
  }
  return t.value[node]!;
}

function leafOfBinned(grown: GrownTree, bins: Uint8Array, n: number, i: number): number {
  const t = grown.tree;
  let node = 0;
  while (t.feature[node]! >= 0) {
    node = bins[t.feature[node]! * n + i]! <= grown.binThreshold[node]! ? t.left[node]! : t.right[node]!;
  }
  return node;
}

function classWeights(
  labels: Float64Array,
  sampleWeights: Float64Array | undefined,
  positiveWeight: number | 'balanced',
): Float64Array {
  const n = labels.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i]!;
  const pw = positiveWeight === 'balanced' ? (pos > 0 ? (n - pos) / pos : 1) : positiveWeight;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (labels[i]! > 0 ? pw : 1) * (sampleWeights ? sampleWeights[i]! : 1);
  return w;
}

function logLoss(p: number, y: number): number {
  const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

function drawRows(n: number, share: number, random: () => number): Uint32Array {
  if (share >= 1) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (random() < share) out.push(i);
  return Uint32Array.from(out);
}

function drawColumns(nf: number, share: number, random: () => number): Uint32Array {
  const k = Math.max(1, Math.round(nf * Math.min(1, share)));
  if (k >= nf) return Uint32Array.from({ length: nf }, (_, i) => i);
  return shuffledIndices(nf, random).subarray(0, k).sort();
}

import { type BinEdges, binEdges, binMatrix, type FeatureMatrix, MAX_BINS } from './binning.ts';
import { auc } from './metrics.ts';
import { seededRandom, shuffledIndices } from './random.ts';

/**
 * Histogram gradient-boosted decision trees with the logistic loss (Friedman 2001; the histogram
 * and leaf-wise growth of LightGBM, Ke et al. 2017; the regularised gain of XGBoost, Chen & Guestrin
 * 2016). Pure and deterministic: the same data, parameters and seed give the same trees.
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

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  g: number;
  h: number;
  split: Split | null;
}

const STRIDE = MAX_BINS * 3;

/** Trains a binary classifier with the logistic loss. */
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

/**
 * All trees of a model packed into contiguous typed arrays in depth-first (pre-order) layout: an
 * internal node's left child is the next node, so a node visit reads one split feature, one
 * threshold and at most one child index, with no float-to-index conversions. Leaves have
 * `feature = -1` and their value in `value`. This is the form used on the hot scoring path; it
 * visits the same nodes and adds the same leaf values in the same order as `predictRaw`, so
 * scores are bit-for-bit identical.
 */
export interface Forest {
  baseScore: number;
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature per node, -1 for a leaf. */
  feature: Int32Array;
  /** Split threshold per internal node (rows with `x > threshold` go right). */
  threshold: Float64Array;
  /** Right child per internal node (the left child is the next node). */
  right: Int32Array;
  /** Leaf value per leaf node. */
  value: Float64Array;
}

export function compileForest(model: GbdtModel): Forest {
  const total = model.trees.reduce((s, t) => s + t.feature.length, 0);
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const right = new Int32Array(total);
  const value = new Float64Array(total);
  const roots = new Int32Array(model.trees.length);
  let at = 0;
  model.trees.forEach((t, k) => {
    roots[k] = at;
    // Explicit stack (depth-first, left before right) instead of recursion.
    const stack: Array<[node: number, parent: number]> = [[0, -1]];
    while (stack.length > 0) {
      const [node, parent] = stack.pop()!;
      const me = at++;
      if (parent >= 0) right[parent] = me;
      feature[me] = t.feature[node]! < 0 ? -1 : t.feature[node]!;
      if (feature[me]! < 0) {
        value[me] = t.value[node]!;
        continue;
      }
      threshold[me] = t.threshold[node]!;
      // The right child is pushed first so the left one is laid out right after its parent.
      stack.push([t.right[node]!, me], [t.left[node]!, -1]);
    }
  });
  return { baseScore: model.baseScore, roots, feature, threshold, right, value };
}

/** The raw score of one row with a compiled forest; same result as `predictRaw`. */
export function predictForest(f: Forest, row: ArrayLike<number>, offset = 0): number {
  let s = f.baseScore;
  const { roots, feature, threshold, right, value } = f;
  for (let k = 0; k < roots.length; k++) {
    let o = roots[k]!;
    let j = feature[o]!;
    while (j >= 0) {
      o = row[offset + j]! > threshold[o]! ? right[o]! : o + 1;
      j = feature[o]!;
    }
    s += value[o]!;
  }
  return s;
}

/**
 * Raw scores of many rows (row-major, `features` values each) into `out`, tree by tree over
 * blocks of rows: the tree stays in the first-level cache while the block streams through it.
 * Each row still adds its leaf values in tree order, so the sums equal `predictForest`.
 */
export function predictForestBatch(f: Forest, rows: Float64Array, features: number, out: Float64Array): void {
  const n = out.length;
  const { roots, feature, threshold, right, value } = f;
  const BLOCK = 256;
  for (let b = 0; b < n; b += BLOCK) {
    const end = Math.min(n, b + BLOCK);
    for (let i = b; i < end; i++) out[i] = f.baseScore;
    for (let k = 0; k < roots.length; k++) {
      const root = roots[k]!;
      for (let i = b; i < end; i++) {
        const base = i * features;
        let o = root;
        let j = feature[o]!;
        while (j >= 0) {
          o = rows[base + j]! > threshold[o]! ? right[o]! : o + 1;
          j = feature[o]!;
        }
        out[i]! += value[o]!;
      }
    }
  }
}

/** A forest compiled to JavaScript: the raw score of the row at `row[offset..]`. */
export type ForestFunction = (row: Float64Array, offset: number) => number;

/** Nodes per generated function: small enough for V8's optimising compiler to take the function. */
const NODES_PER_FUNCTION = 2000;

/** A number as a JavaScript literal that reads back as the same double (sign of zero included). */
function literal(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * The forest as generated JavaScript: each tree becomes nested `if` statements over numeric
 * literals, so a split costs one comparison and a predicted branch instead of array reads. The
 * source is built only from the forest's typed arrays (integer feature indices, float literals that
 * read back exactly), never from strings in the model file. Leaf values are added in tree order,
 * so the result equals `predictForest` bit for bit. Trees are grouped into functions of about
 * `NODES_PER_FUNCTION` nodes. Returns null where code generation from strings is disallowed
 * (`node --disallow-code-generation-from-strings`, CSP) or a tree is too deep to nest; callers
 * then use `predictForest`.
 */
export function forestFunction(f: Forest): ForestFunction | null {
  const { roots, feature, threshold, right, value } = f;
  const emit = (o: number, out: string[]): void => {
    const j = feature[o]!;
    if (j < 0) {
      out.push(`s += ${literal(value[o]!)};`);
      return;
    }
    out.push(`if (r[b + ${j | 0}] > ${literal(threshold[o]!)}) {`);
    emit(right[o]!, out);
    out.push('} else {');
    emit(o + 1, out);
    out.push('}');
  };
  const parts: Array<(r: Float64Array, b: number, s: number) => number> = [];
  try {
    for (let k = 0; k < roots.length; ) {
      const body: string[] = [];
      const first = roots[k]!;
      do {
        emit(roots[k]!, body);
        k++;
      } while (k < roots.length && roots[k]! - first < NODES_PER_FUNCTION);
      parts.push(new Function('r', 'b', 's', `${body.join('\n')}\nreturn s;`) as (typeof parts)[number]);
    }
  } catch (e) {
    // RangeError: a tree too deep for nested code (only from a hand-made file); walk it instead.
    if (e instanceof EvalError || e instanceof RangeError) return null;
    throw e;
  }
  const baseScore = f.baseScore;
  return (row, offset) => {
    let s = baseScore;
    for (let p = 0; p < parts.length; p++) s = parts[p]!(row, offset, s);
    return s;
  };
}

/** The logistic link: probability from log-odds. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

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

/** Total gain-free importance: how often each feature splits, weighted by cover. */
export function featureImportance(model: GbdtModel): Float64Array {
  const out = new Float64Array(model.featureCount);
  for (const t of model.trees) {
    for (let k = 0; k < t.feature.length; k++) if (t.feature[k]! >= 0) out[t.feature[k]!]! += t.cover[k]!;
  }
  return out;
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

interface GrownTree {
  tree: Tree;
  binThreshold: Int32Array;
}

/** Grows one tree leaf-wise on binned data, with the histogram subtraction trick. */
class TreeGrower {
  private readonly idx: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly pool: Float64Array[] = [];

  constructor(
    private readonly bins: Uint8Array,
    private readonly edges: BinEdges[],
    private readonly n: number,
    private readonly nf: number,
    private readonly params: GbdtParams,
  ) {
    this.idx = new Uint32Array(n);
    this.scratch = new Uint32Array(n);
  }

  grow(sample: Uint32Array, columns: Uint32Array, g: Float64Array, h: Float64Array): GrownTree {
    const p = this.params;
    const feature: number[] = [];
    const threshold: number[] = [];
    const binThreshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const cover: number[] = [];
    const addNode = (gs: number, hs: number): number => {
      feature.push(-1);
      threshold.push(0);
      binThreshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push((-gs / (hs + p.lambda)) * p.learningRate);
      cover.push(hs);
      return feature.length - 1;
    };

    this.idx.set(sample);
    const m = sample.length;
    const rootHist = this.take();
    this.build(rootHist, 0, m, columns, g, h);
    let gs = 0;
    let hs = 0;
    for (let k = 0; k < m; k++) {
      gs += g[sample[k]!]!;
      hs += h[sample[k]!]!;
    }
    const open: OpenLeaf[] = [
      { node: addNode(gs, hs), start: 0, end: m, depth: 0, hist: rootHist, g: gs, h: hs, split: null },
    ];
    open[0]!.split = this.bestSplit(open[0]!, columns);
    let leaves = 1;
    while (leaves < p.maxLeaves) {
      let pick = -1;
      for (let k = 0; k < open.length; k++) {
        const s = open[k]!.split;
        if (s && (pick < 0 || s.gain > open[pick]!.split!.gain)) pick = k;
      }
      if (pick < 0) break;
      const leaf = open[pick]!;
      const split = leaf.split!;
      open.splice(pick, 1);
      const mid = this.partition(leaf.start, leaf.end, split.feature, split.bin);
      let gl = 0;
      let hl = 0;
      for (let k = leaf.start; k < mid; k++) {
        gl += g[this.idx[k]!]!;
        hl += h[this.idx[k]!]!;
      }
      const ln = addNode(gl, hl);
      const rn = addNode(leaf.g - gl, leaf.h - hl);
      feature[leaf.node] = split.feature;
      binThreshold[leaf.node] = split.bin;
      threshold[leaf.node] = split.bin === 0 ? -Number.MAX_VALUE : this.edges[split.feature]![split.bin - 1]!;
      left[leaf.node] = ln;
      right[leaf.node] = rn;
      leaves++;

      const l: OpenLeaf = {
        node: ln,
        start: leaf.start,
        end: mid,
        depth: leaf.depth + 1,
        hist: leaf.hist,
        g: gl,
        h: hl,
        split: null,
      };
      const r: OpenLeaf = {
        node: rn,
        start: mid,
        end: leaf.end,
        depth: leaf.depth + 1,
        hist: leaf.hist,
        g: leaf.g - gl,
        h: leaf.h - hl,
        split: null,
      };
      const canSplit = l.depth < p.maxDepth && leaves < p.maxLeaves;
      if (!canSplit) {
        this.give(leaf.hist);
        continue;
      }
      // Build the histogram of the smaller child; the larger one is the parent minus it.
      const [small, large] = mid - leaf.start <= leaf.end - mid ? [l, r] : [r, l];
      small.hist = this.take();
      this.build(small.hist, small.start, small.end, columns, g, h);
      for (const f of columns) {
        const base = f * STRIDE;
        const top = base + (this.edges[f]!.length + 1) * 3;
        for (let k = base; k < top; k++) large.hist[k]! -= small.hist[k]!;
      }
      l.split = this.bestSplit(l, columns);
      r.split = this.bestSplit(r, columns);
      open.push(l, r);
    }
    for (const leaf of open) this.give(leaf.hist);
    return {
      tree: {
        feature: Int32Array.from(feature),
        threshold: Float64Array.from(threshold),
        left: Int32Array.from(left),
        right: Int32Array.from(right),
        value: Float64Array.from(value),
        cover: Float64Array.from(cover),
      },
      binThreshold: Int32Array.from(binThreshold),
    };
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.nf * STRIDE);
  }

  private give(hist: Float64Array): void {
    if (!this.pool.includes(hist)) this.pool.push(hist);
  }

  private build(
    hist: Float64Array,
    start: number,
    end: number,
    columns: Uint32Array,
    g: Float64Array,
    h: Float64Array,
  ) {
    const idx = this.idx;
    const bins = this.bins;
    const n = this.n;
    for (const f of columns) {
      const base = f * STRIDE;
      hist.fill(0, base, base + (this.edges[f]!.length + 1) * 3);
      const off = f * n;
      for (let k = start; k < end; k++) {
        const i = idx[k]!;
        const at = base + bins[off + i]! * 3;
        hist[at]! += g[i]!;
        hist[at + 1]! += h[i]!;
        hist[at + 2]! += 1;
      }
    }
  }

  private bestSplit(leaf: OpenLeaf, columns: Uint32Array): Split | null {
    const p = this.params;
    if (leaf.depth >= p.maxDepth || leaf.end - leaf.start < 2 * p.minDataInLeaf) return null;
    const count = leaf.end - leaf.start;
    const parent = (leaf.g * leaf.g) / (leaf.h + p.lambda);
    let best: Split | null = null;
    const hist = leaf.hist;
    for (const f of columns) {
      const base = f * STRIDE;
      const nb = this.edges[f]!.length + 1;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b < nb - 1; b++) {
        const at = base + b * 3;
        gl += hist[at]!;
        hl += hist[at + 1]!;
        cl += hist[at + 2]!;
        if (cl < p.minDataInLeaf || hl < p.minChildWeight) continue;
        const cr = count - cl;
        const hr = leaf.h - hl;
        if (cr < p.minDataInLeaf || hr < p.minChildWeight) break;
        const gr = leaf.g - gl;
        const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parent;
        if (gain > p.minSplitGain && (!best || gain > best.gain)) best = { gain, feature: f, bin: b };
      }
    }
    return best;
  }

  /** Stable partition of `idx[start, end)` by `bin <= t`; returns the first right position. */
  private partition(start: number, end: number, f: number, t: number): number {
    const idx = this.idx;
    const off = f * this.n;
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const i = idx[k]!;
      if (this.bins[off + i]! <= t) idx[l++] = i;
      else this.scratch[r++] = i;
    }
    idx.set(this.scratch.subarray(0, r), l);
    return l;
  }
}

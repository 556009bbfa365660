import type { BinEdges } from './binning.ts';
import { MAX_BINS } from './binning.ts';
import type { GbdtParams, Tree } from './gbdt.ts';

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

/** A grown tree with, per internal node, the last bin sent left (to re-score the binned training rows). */
export interface GrownTree {
  tree: Tree;
  binThreshold: Int32Array;
}

/** Grows one tree leaf-wise on binned data, with the histogram subtraction trick. */
export class TreeGrower {
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

import type { GbdtModel } from './gbdt.ts';

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

import { assertTreeInteger, LedgerError } from './ledger-error.ts';
import { EMPTY_TREE_ROOT, hashChildren } from './merkle-hash.ts';
import type { NodeId, NodeReader } from './tree-node.ts';

/**
 * One hash of a proof, expressed as the complete subtrees that cover a leaf range, left to right.
 * RFC 9162 §2.1.1 splits a range at the largest power of two below its size, so MTH of a range is
 * these subtrees folded from the right (see `foldSubtrees`).
 */
export type RangePlan = NodeId[];

/** Largest power of two strictly smaller than n (n ≥ 2), the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees covering leaves [start, end), largest first. For the ranges RFC 9162
 * recursion produces, `start` is aligned to a power of two at least as large as the range, so
 * this is exactly the left-complete decomposition of MTH(D[start:end]).
 */
export function rangeSubtrees(start: number, end: number): RangePlan {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level += 1;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** MTH of a range from the hashes of its `rangeSubtrees`, folded right to left. */
export function foldSubtrees(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_TREE_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i -= 1) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

/**
 * RFC 9162 §2.1.3.1 PATH(m, D[n]) as a list of range plans, leaf side first.
 * PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k, else PATH(m − k, D[k:n]) : MTH(D[0:k]).
 */
export function inclusionPlan(index: number, size: number): RangePlan[] {
  assertTreeInteger(index, 'index');
  assertTreeInteger(size, 'size');
  if (index >= size)
    throw new LedgerError('INVALID_ARGUMENT', `index ${index} is not below tree size ${size}`);
  const path: RangePlan[] = [];
  const walk = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      path.push(rangeSubtrees(start + k, start + n));
    } else {
      walk(m - k, start + k, n - k);
      path.push(rangeSubtrees(start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/**
 * RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as range plans, for 0 < m ≤ n.
 * SUBPROOF(m, D[m], true) is empty; SUBPROOF(m, D[m], false) is MTH(D[m]); for m < n with split k:
 * m ≤ k gives SUBPROOF(m, D[0:k], b) : MTH(D[k:n]), else SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]).
 */
export function consistencyPlan(from: number, to: number): RangePlan[] {
  assertTreeInteger(from, 'from');
  assertTreeInteger(to, 'to');
  if (from === 0 || from > to) {
    throw new LedgerError('INVALID_ARGUMENT', `a consistency proof needs 0 < from ≤ to, got ${from} → ${to}`);
  }
  const proof: RangePlan[] = [];
  const sub = (m: number, start: number, n: number, complete: boolean): void => {
    if (m === n) {
      if (!complete) proof.push(rangeSubtrees(start, start + n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, complete);
      proof.push(rangeSubtrees(start + k, start + n));
    } else {
      sub(m - k, start + k, n - k, false);
      proof.push(rangeSubtrees(start, start + k));
    }
  };
  sub(from, 0, to, true);
  return proof;
}

/**
 * Resolves range plans against stored node hashes with ONE batched read (O(log n) nodes), so a
 * proof costs a single round trip to the store whatever the tree size.
 */
export async function resolvePlans(reader: NodeReader, plans: readonly RangePlan[]): Promise<Buffer[]> {
  const ids = plans.flat();
  const hashes = ids.length === 0 ? [] : await reader.readNodes(ids);
  if (hashes.length !== ids.length) {
    throw new LedgerError(
      'NODE_MISSING',
      `node reader returned ${hashes.length} hashes for ${ids.length} nodes`,
    );
  }
  const out: Buffer[] = [];
  let at = 0;
  for (const plan of plans) {
    out.push(foldSubtrees(hashes.slice(at, at + plan.length)));
    at += plan.length;
  }
  return out;
}

/** Inclusion proof (RFC 9162 §2.1.3.1) of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(reader: NodeReader, index: number, size: number): Promise<Buffer[]> {
  return resolvePlans(reader, inclusionPlan(index, size));
}

/** Consistency proof (RFC 9162 §2.1.4.1) between tree sizes `from` and `to`. */
export function consistencyProof(reader: NodeReader, from: number, to: number): Promise<Buffer[]> {
  return resolvePlans(reader, consistencyPlan(from, to));
}

/** MTH(D[0:size]) from stored complete subtrees: popcount(size) node reads. */
export async function treeRoot(reader: NodeReader, size: number): Promise<Buffer> {
  assertTreeInteger(size, 'size');
  const [root] = await resolvePlans(reader, [rangeSubtrees(0, size)]);
  return root!;
}

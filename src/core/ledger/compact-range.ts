import { EMPTY_TREE_ROOT, hashChildren } from './merkle-hash.ts';

/**
 * The right edge of a growing Merkle tree: at most one complete subtree per level, so appending is
 * O(1) amortised and the root of the leaves seen so far is O(log n) hashes. Used to recompute a
 * whole log from its entries (`log verify`) without holding the tree in memory.
 */
export class CompactRange {
  private readonly hashes: Buffer[] = [];
  private readonly levels: number[] = [];
  private count = 0;

  /** Number of leaves appended. */
  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash, merging equal-level subtrees as in RFC 9162 §2.1.1. */
  append(leafHash: Buffer): void {
    let hash = leafHash;
    let level = 0;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      hash = hashChildren(this.hashes.pop()!, hash);
      level += 1;
    }
    this.hashes.push(hash);
    this.levels.push(level);
    this.count += 1;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_TREE_ROOT;
    let acc = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i -= 1) acc = hashChildren(this.hashes[i]!, acc);
    return acc;
  }
}

import { LedgerError } from './ledger-error.ts';
import { hashChildren, hashLeaf } from './merkle-hash.ts';
import type { NodeId, NodeReader } from './tree-node.ts';

/**
 * A Merkle tree held in memory with every complete node: a `NodeReader` for verifiers that have
 * downloaded the entries themselves (a partner auditing a log) and for property tests.
 */
export class MemoryTree implements NodeReader {
  private readonly levels: Buffer[][] = [[]];

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends entries (raw leaf bytes) and completes the nodes they finish. */
  appendEntries(entries: readonly Uint8Array[]): void {
    for (const e of entries) this.appendLeafHash(hashLeaf(e));
  }

  /** Appends one leaf hash. */
  appendLeafHash(hash: Buffer): void {
    this.levels[0]!.push(hash);
    let level = 0;
    let index = this.levels[0]!.length - 1;
    while (index % 2 === 1) {
      const row = this.levels[level]!;
      const parent = hashChildren(row[index - 1]!, row[index]!);
      level += 1;
      if (!this.levels[level]) this.levels[level] = [];
      this.levels[level]!.push(parent);
      index = (index - 1) / 2;
    }
  }

  async readNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    return ids.map(({ level, index }) => {
      const hash = this.levels[level]?.[index];
      if (!hash) throw new LedgerError('NODE_MISSING', `node (${level}, ${index}) is not in the tree`);
      return hash;
    });
  }
}

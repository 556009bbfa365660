/**
 * A complete subtree of the log: `level` 0 is a leaf, and node (level, index) covers leaves
 * [index·2^level, (index+1)·2^level). Only complete subtrees are ever stored, so a node's hash
 * never changes once it exists (the property tile storage relies on, C2SP tlog-tiles).
 */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * Where proofs read stored hashes from. Implementations return the hashes in the order asked and
 * throw `LedgerError('NODE_MISSING')` rather than return a wrong hash.
 *
 * @example
 * const [h] = await reader.readNodes([{ level: 0, index: 5 }]); // leaf hash of entry 5
 */
export interface NodeReader {
  readNodes(ids: readonly NodeId[]): Promise<Buffer[]>;
}

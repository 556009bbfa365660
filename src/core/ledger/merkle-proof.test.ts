import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { MemoryTree } from './memory-tree.ts';
import { EMPTY_TREE_ROOT, hashLeaf } from './merkle-hash.ts';
import { consistencyProof, inclusionProof, rangeSubtrees, treeRoot } from './merkle-proof.ts';
import { verifyConsistency, verifyInclusion } from './proof-verify.ts';

// Reference tree of tlog-testdata/SOURCE.md (RFC 6962 test inputs) and its roots for sizes 1..8.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** A tree whose leaf i is the 4-byte big-endian encoding of i: cheap, distinct, deterministic. */
function numberedTree(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i += 1) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i);
    tree.appendLeafHash(hashLeaf(b));
  }
  return tree;
}

function flipBit(hashes: Buffer[], at: number, bit: number): Buffer[] {
  return hashes.map((h, i) => {
    if (i !== at) return h;
    const copy = Buffer.from(h);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  });
}

describe('reference roots (RFC 6962 inputs, SOURCE.md)', () => {
  it('empty tree root is SHA-256("")', async () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect((await treeRoot(new MemoryTree(), 0)).equals(EMPTY_TREE_ROOT)).toBe(true);
  });

  it('stored-node roots and compact-range roots match every reference root', async () => {
    const tree = new MemoryTree();
    const range = new CompactRange();
    for (const [i, hex] of LEAVES.entries()) {
      tree.appendEntries([Buffer.from(hex, 'hex')]);
      range.append(hashLeaf(Buffer.from(hex, 'hex')));
      expect((await treeRoot(tree, i + 1)).toString('hex')).toBe(ROOTS[i]);
      expect(range.root().toString('hex')).toBe(ROOTS[i]);
    }
  });

  it('every proof of the reference tree verifies against the reference roots', async () => {
    const tree = new MemoryTree();
    tree.appendEntries(LEAVES.map((h) => Buffer.from(h, 'hex')));
    for (let size = 1; size <= 8; size += 1) {
      const root = Buffer.from(ROOTS[size - 1]!, 'hex');
      for (let i = 0; i < size; i += 1) {
        const proof = await inclusionProof(tree, i, size);
        verifyInclusion(hashLeaf(Buffer.from(LEAVES[i]!, 'hex')), i, size, proof, root);
      }
      for (let from = 1; from <= size; from += 1) {
        const proof = await consistencyProof(tree, from, size);
        verifyConsistency(from, size, proof, Buffer.from(ROOTS[from - 1]!, 'hex'), root);
      }
    }
  });
});

describe('rangeSubtrees', () => {
  it('decomposes a range into complete subtrees, largest first', () => {
    expect(rangeSubtrees(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(rangeSubtrees(8, 12)).toEqual([{ level: 2, index: 2 }]);
    expect(rangeSubtrees(5, 5)).toEqual([]);
  });
});

describe('property: proofs of random trees up to 10,000 leaves', () => {
  // One big tree; every sampled size is a prefix of it (prefix roots are independent of later leaves).
  const tree = numberedTree(10_000);
  const roots = new Map<number, Buffer>();
  const rootOf = async (size: number) => {
    let r = roots.get(size);
    if (!r) {
      r = await treeRoot(tree, size);
      roots.set(size, r);
    }
    return r;
  };

  it('inclusion proofs verify and any flipped bit fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 10_000 })
          .chain((size) =>
            fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }), fc.nat(), fc.nat(255)),
          ),
        async ([size, index, pick, bit]) => {
          const root = await rootOf(size);
          const [leaf] = await tree.readNodes([{ level: 0, index }]);
          const proof = await inclusionProof(tree, index, size);
          verifyInclusion(leaf!, index, size, proof, root);
          // Flip one bit in the proof, the leaf or the root: each must be rejected.
          const target = pick % (proof.length + 2);
          const [badLeaf] = target === proof.length ? flipBit([leaf!], 0, bit) : [leaf!];
          const [badRoot] = target === proof.length + 1 ? flipBit([root], 0, bit) : [root];
          const badProof = target < proof.length ? flipBit(proof, target, bit) : proof;
          expect(() => verifyInclusion(badLeaf!, index, size, badProof, badRoot!)).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('consistency proofs verify and any flipped bit fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 10_000 })
          .chain((to) => fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to), fc.nat(), fc.nat(255))),
        async ([from, to, pick, bit]) => {
          const [r1, r2] = [await rootOf(from), await rootOf(to)];
          const proof = await consistencyProof(tree, from, to);
          verifyConsistency(from, to, proof, r1, r2);
          const target = pick % (proof.length + 2);
          const [b1] = target === proof.length ? flipBit([r1], 0, bit) : [r1];
          const [b2] = target === proof.length + 1 ? flipBit([r2], 0, bit) : [r2];
          const badProof = target < proof.length ? flipBit(proof, target, bit) : proof;
          expect(() => verifyConsistency(from, to, badProof, b1!, b2!)).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a proof for another index or a size of another path length is rejected', async () => {
    const root = await rootOf(1000);
    const proof = await inclusionProof(tree, 10, 1000);
    const [leaf] = await tree.readNodes([{ level: 0, index: 10 }]);
    expect(() => verifyInclusion(leaf!, 11, 1000, proof, root)).toThrow();
    expect(() => verifyInclusion(leaf!, 10, 2000, proof, root)).toThrow();
  });
});

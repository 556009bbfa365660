import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTree } from './memory-tree.ts';
import { hashLeaf } from './merkle-hash.ts';
import { consistencyProof, inclusionProof, treeRoot } from './merkle-proof.ts';
import { readTileNode, type Tile, TileAppender, tileAddress } from './tile-layout.ts';
import type { NodeId, NodeReader } from './tree-node.ts';

/** A NodeReader over a map of tiles, as the stores implement it. */
function tileReader(tiles: Map<string, Tile>): NodeReader {
  return {
    async readNodes(ids: readonly NodeId[]) {
      return ids.map((id) => {
        const a = tileAddress(id);
        const tile = tiles.get(`${a.level}/${a.index}`);
        if (!tile) throw new Error(`missing tile ${a.level}/${a.index}`);
        return readTileNode(tile, a.row, a.column);
      });
    },
  };
}

function leaf(i: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(i);
  return hashLeaf(b);
}

describe('tiles', () => {
  it('addresses nodes as tlog-tiles does', () => {
    expect(tileAddress({ level: 0, index: 300 })).toEqual({ level: 0, index: 1, row: 0, column: 44 });
    expect(tileAddress({ level: 3, index: 40 })).toEqual({ level: 0, index: 1, row: 3, column: 8 });
    expect(tileAddress({ level: 9, index: 5 })).toEqual({ level: 1, index: 0, row: 1, column: 5 });
  });

  it('tiles written in random batches serve the same nodes as a full in-memory tree', async () => {
    const total = 70_000; // crosses tile level 2 (65,536 leaves)
    const memory = new MemoryTree();
    for (let i = 0; i < total; i += 1) memory.appendLeafHash(leaf(i));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 12 }),
        async (batches) => {
          const tiles = new Map<string, Tile>();
          let appender = new TileAppender(0);
          let size = 0;
          for (const b of batches) {
            const n = Math.min(b, total - size);
            const written = appender.append(Array.from({ length: n }, (_, k) => leaf(size + k)));
            for (const t of written) tiles.set(`${t.level}/${t.index}`, t);
            size += n;
            // Resume from storage, as a restarted process does.
            const partials = new Map(
              TileAppender.partialTiles(size).map((p) => {
                const t = tiles.get(`${p.level}/${p.index}`)!;
                return [p.level, Array.from({ length: p.width }, (_, c) => readTileNode(t, 0, c))];
              }),
            );
            appender = new TileAppender(size, partials);
          }
          const reader = tileReader(tiles);
          expect((await treeRoot(reader, size)).equals(await treeRoot(memory, size))).toBe(true);
          const index = size - 1 - (batches[0]! % size);
          expect(await inclusionProof(reader, index, size)).toEqual(
            await inclusionProof(memory, index, size),
          );
          const from = 1 + (batches.length % size);
          expect(await consistencyProof(reader, from, size)).toEqual(
            await consistencyProof(memory, from, size),
          );
        },
      ),
      { numRuns: 8 },
    );
  });

  it('refuses to resume from inconsistent partial tiles', () => {
    expect(() => new TileAppender(300, new Map())).toThrow(expect.objectContaining({ code: 'NODE_MISSING' }));
  });
});

import { LedgerError } from './ledger-error.ts';
import { HASH_SIZE, hashChildren } from './merkle-hash.ts';
import type { NodeId } from './tree-node.ts';

/**
 * Tile storage in the style of C2SP tlog-tiles: tiles are 8 levels high and 256 hashes wide, so a
 * proof in a tree of 10 million leaves touches at most a handful of tiles. Unlike tlog-tiles, a
 * stored tile keeps every complete node of its 8 rows (not only the bottom row), so no hash has to
 * be recomputed when serving a proof: row r holds floor(width / 2^r) hashes, rows concatenated.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** One stored tile: tile `level` L holds tree levels 8L..8L+7; `width` is its bottom-row length. */
export interface Tile {
  level: number;
  index: number;
  width: number;
  hashes: Buffer;
}

/** Where a tree node lives: its tile and its position inside that tile. */
export interface TileAddress {
  level: number;
  index: number;
  row: number;
  column: number;
}

/** The tile and in-tile position of node (level, index) — C2SP tlog-tiles addressing. */
export function tileAddress(node: NodeId): TileAddress {
  const row = node.level % TILE_HEIGHT;
  const perTile = TILE_WIDTH / 2 ** row;
  return {
    level: Math.floor(node.level / TILE_HEIGHT),
    index: Math.floor(node.index / perTile),
    row,
    column: node.index % perTile,
  };
}

function rowOffset(width: number, row: number): number {
  let offset = 0;
  for (let r = 0; r < row; r += 1) offset += Math.floor(width / 2 ** r);
  return offset;
}

/** Reads one node from a stored tile; throws `NODE_MISSING` if the tile does not hold it yet. */
export function readTileNode(tile: Tile, row: number, column: number): Buffer {
  if (column >= Math.floor(tile.width / 2 ** row)) {
    throw new LedgerError(
      'NODE_MISSING',
      `tile ${tile.level}/${tile.index} (width ${tile.width}) lacks row ${row} column ${column}`,
    );
  }
  const at = (rowOffset(tile.width, row) + column) * HASH_SIZE;
  if (at + HASH_SIZE > tile.hashes.length)
    throw new LedgerError('NODE_MISSING', `tile ${tile.level}/${tile.index} is truncated`);
  return tile.hashes.subarray(at, at + HASH_SIZE);
}

/** Builds a tile's 8 rows from its bottom row (RFC 9162 §2.1.1 node hashes). */
export function buildTile(level: number, index: number, bottom: readonly Buffer[]): Tile {
  if (bottom.length < 1 || bottom.length > TILE_WIDTH)
    throw new LedgerError('INVALID_ARGUMENT', 'tile width must be 1..256');
  const rows: Buffer[][] = [bottom.slice()];
  for (let r = 1; r < TILE_HEIGHT; r += 1) {
    const below = rows[r - 1]!;
    const row: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) row.push(hashChildren(below[i]!, below[i + 1]!));
    rows.push(row);
  }
  return { level, index, width: bottom.length, hashes: Buffer.concat(rows.flat()) };
}

/** The root of a full tile: the tree node one level above its top row. */
function fullTileRoot(tile: Tile): Buffer {
  return hashChildren(readTileNode(tile, TILE_HEIGHT - 1, 0), readTileNode(tile, TILE_HEIGHT - 1, 1));
}

/**
 * The right edge of the tile tree: for every tile level, the bottom row of its rightmost,
 * incomplete tile. Appending leaf hashes yields exactly the tiles to write: each tile completed
 * on the way and the new rightmost tile of every level that changed.
 */
export class TileAppender {
  private readonly edges: { index: number; bottom: Buffer[] }[] = [];
  private leaves: number;

  /**
   * @param size     leaves already in the tree
   * @param partials bottom rows of the rightmost incomplete tile of each level, by level (from storage)
   */
  constructor(size: number, partials: ReadonlyMap<number, readonly Buffer[]> = new Map()) {
    this.leaves = size;
    let n = size;
    let level = 0;
    do {
      const bottom = partials.get(level) ?? [];
      if (bottom.length !== n % TILE_WIDTH) {
        throw new LedgerError(
          'NODE_MISSING',
          `tile level ${level} should have ${n % TILE_WIDTH} pending hashes, has ${bottom.length}`,
        );
      }
      this.edges.push({ index: Math.floor(n / TILE_WIDTH), bottom: bottom.slice() });
      level += 1;
      n = Math.floor(n / TILE_WIDTH);
    } while (n > 0);
  }

  /** Leaves appended so far, including the initial size. */
  get size(): number {
    return this.leaves;
  }

  /** Which partial tiles a store must load to resume a tree of `size` leaves: (level, index, width). */
  static partialTiles(size: number): { level: number; index: number; width: number }[] {
    const out: { level: number; index: number; width: number }[] = [];
    for (let level = 0, n = size; n > 0; level += 1, n = Math.floor(n / TILE_WIDTH)) {
      if (n % TILE_WIDTH > 0) out.push({ level, index: Math.floor(n / TILE_WIDTH), width: n % TILE_WIDTH });
    }
    return out;
  }

  /** The current rightmost incomplete tile of every level, as they should be stored now. */
  partialTileContents(): Tile[] {
    return this.edges.flatMap((e, level) =>
      e.bottom.length > 0 ? [buildTile(level, e.index, e.bottom)] : [],
    );
  }

  /** Appends leaf hashes; returns every tile whose content changed, full tiles first. */
  append(leafHashes: readonly Buffer[]): Tile[] {
    const complete: Tile[] = [];
    const touched = new Set<number>();
    const push = (level: number, hash: Buffer): void => {
      if (!this.edges[level]) this.edges[level] = { index: 0, bottom: [] };
      const edge = this.edges[level]!;
      edge.bottom.push(hash);
      touched.add(level);
      if (edge.bottom.length === TILE_WIDTH) {
        const tile = buildTile(level, edge.index, edge.bottom);
        complete.push(tile);
        edge.index += 1;
        edge.bottom = [];
        push(level + 1, fullTileRoot(tile));
      }
    };
    for (const h of leafHashes) push(0, h);
    this.leaves += leafHashes.length;
    const partial = [...touched]
      .sort((a, b) => a - b)
      .filter((level) => this.edges[level]!.bottom.length > 0)
      .map((level) => buildTile(level, this.edges[level]!.index, this.edges[level]!.bottom));
    return [...complete, ...partial];
  }
}

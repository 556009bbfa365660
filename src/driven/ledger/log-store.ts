import type SQLite from 'better-sqlite3';
import { sql, type Transaction } from 'kysely';
import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { hashLeaf } from '../../core/ledger/merkle-hash.ts';
import {
  readTileNode,
  TILE_WIDTH,
  type Tile,
  TileAppender,
  tileAddress,
} from '../../core/ledger/tile-layout.ts';
import type { NodeId, NodeReader } from '../../core/ledger/tree-node.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';

/** The one row of `ledger_state`. */
const STATE_ID = 1;
/** Rows per multi-row INSERT: stays under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 2000;

/** Full tiles kept in memory (16 KiB each): a full tile never changes, so caching it is always safe. */
const FULL_TILE_CACHE = 1024;

interface TileRow {
  level: number;
  idx: number;
  width: number;
  hashes: Buffer;
}

/** A stored, signed checkpoint. */
export interface StoredCheckpoint {
  size: number;
  rootHash: Buffer;
  note: string;
  createdAt: string;
}

/** Thrown when another process appended between our read of the size and our write. */
export class AppendConflictError extends GreenlaneError<'APPEND_CONFLICT'> {
  override name = 'AppendConflictError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('APPEND_CONFLICT', message, options);
  }
}

/**
 * The transparency log's persistence, identical on SQLite and PostgreSQL: entries, node-hash tiles,
 * checkpoints and cosignatures. Appends are one transaction each, guarded by a compare-and-set on
 * the committed size so two writers can never interleave leaves.
 */
export class LogStore implements NodeReader {
  private readonly fullTiles = new Map<string, Tile>();
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(private readonly conn: StoreConnection) {}

  /**
   * A cached prepared statement on the raw SQLite handle: per-row statements beat a query builder
   * by an order of magnitude on the append and proof hot paths. Run inside a Kysely transaction
   * they join it (same connection), as the store's BulkWriter does.
   */
  private prepared(text: string): SQLite.Statement | undefined {
    if (!this.conn.sqlite) return undefined;
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.conn.sqlite.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private get db() {
    return this.conn.db;
  }

  /** Reads the log identity and size, creating it on first start. */
  async initialise(
    origin: string,
    verifierKey: string,
  ): Promise<{ origin: string; verifierKey: string; size: number }> {
    await this.db
      .insertInto('ledger_state')
      .values({ id: STATE_ID, origin, verifier_key: verifierKey, size: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('ledger_state')
      .selectAll()
      .where('id', '=', STATE_ID)
      .executeTakeFirstOrThrow();
    return { origin: row.origin, verifierKey: row.verifier_key, size: Number(row.size) };
  }

  /** The committed tree size. */
  async size(): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_state')
      .select('size')
      .where('id', '=', STATE_ID)
      .executeTakeFirst();
    return Number(row?.size ?? 0);
  }

  /** A tile appender positioned at the committed size, loaded from the rightmost partial tiles. */
  async appender(): Promise<TileAppender> {
    const size = await this.size();
    const partials = new Map<number, Buffer[]>();
    const wanted = TileAppender.partialTiles(size);
    const tiles = await this.readTiles(wanted);
    for (const p of wanted) {
      const tile = tiles.get(`${p.level}/${p.index}`);
      if (!tile || tile.width < p.width) {
        throw new LedgerError(
          'NODE_MISSING',
          `tile ${p.level}/${p.index} is missing or shorter than the committed size`,
        );
      }
      partials.set(
        p.level,
        Array.from({ length: p.width }, (_, c) => Buffer.from(readTileNode(tile, 0, c))),
      );
    }
    return new TileAppender(size, partials);
  }

  /**
   * Durably appends entries at `fromSize` with the tiles they change, in ONE transaction: the size
   * compare-and-set, the entries, the tiles and whatever `within` writes (the records' indexes)
   * commit together or not at all.
   */
  async appendBatch(
    fromSize: number,
    entries: readonly string[],
    tiles: readonly Tile[],
    within?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('ledger_state')
        .set({ size: fromSize + entries.length })
        .where('id', '=', STATE_ID)
        .where('size', '=', fromSize)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new AppendConflictError('the log grew under us (another writer)');
      const insert = this.prepared('insert into ledger_entries (idx, entry) values (?, ?)');
      if (insert) {
        for (let i = 0; i < entries.length; i += 1) insert.run(fromSize + i, entries[i]);
      } else {
        for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('ledger_entries')
            .values(entries.slice(i, i + INSERT_CHUNK).map((entry, k) => ({ idx: fromSize + i + k, entry })))
            .execute();
        }
      }
      await this.writeTiles(trx, tiles);
      await within?.(trx);
    });
  }

  /** Upserts tiles (a partial tile grows in place until it is full). */
  async writeTiles(
    trx: Transaction<Database> | StoreConnection['db'],
    tiles: readonly Tile[],
  ): Promise<void> {
    const upsert = this.prepared(
      'insert into ledger_tiles (level, idx, width, hashes) values (?, ?, ?, ?) ' +
        'on conflict (level, idx) do update set width = excluded.width, hashes = excluded.hashes',
    );
    for (const t of tiles) this.fullTiles.delete(`${t.level}/${t.index}`);
    if (upsert) {
      for (const t of tiles) upsert.run(t.level, t.index, t.width, t.hashes);
      return;
    }
    for (let i = 0; i < tiles.length; i += INSERT_CHUNK / 2) {
      await trx
        .insertInto('ledger_tiles')
        .values(
          tiles
            .slice(i, i + INSERT_CHUNK / 2)
            .map((t) => ({ level: t.level, idx: t.index, width: t.width, hashes: t.hashes })),
        )
        .onConflict((oc) =>
          oc.columns(['level', 'idx']).doUpdateSet({
            width: (eb) => eb.ref('excluded.width'),
            hashes: (eb) => eb.ref('excluded.hashes'),
          }),
        )
        .execute();
    }
  }

  /**
   * Loads tiles by (level, index): one query on PostgreSQL, cached prepared lookups on SQLite.
   * Full tiles come from memory unless `fresh` (the audit must see what is stored, not a cache).
   */
  async readTiles(
    keys: readonly { level: number; index: number }[],
    fresh = false,
  ): Promise<Map<string, Tile>> {
    const out = new Map<string, Tile>();
    const missing = new Map<string, { level: number; index: number }>();
    for (const k of keys) {
      const id = `${k.level}/${k.index}`;
      const cached = fresh ? undefined : this.fullTiles.get(id);
      if (cached) out.set(id, cached);
      else missing.set(id, k);
    }
    if (missing.size === 0) return out;
    const wanted = [...missing.values()];
    const lookup = this.prepared(
      'select level, idx, width, hashes from ledger_tiles where level = ? and idx = ?',
    );
    const rows: TileRow[] = lookup
      ? wanted.flatMap((k) => (lookup.get(k.level, k.index) as TileRow | undefined) ?? [])
      : await this.db
          .selectFrom('ledger_tiles')
          .selectAll()
          .where((eb) =>
            eb.or(wanted.map((k) => eb.and([eb('level', '=', k.level), eb('idx', '=', k.index)]))),
          )
          .execute();
    for (const r of rows) {
      const tile = { level: r.level, index: Number(r.idx), width: r.width, hashes: r.hashes };
      const id = `${tile.level}/${tile.index}`;
      out.set(id, tile);
      if (!fresh && tile.width === TILE_WIDTH) this.remember(id, tile);
    }
    return out;
  }

  private remember(id: string, tile: Tile): void {
    if (this.fullTiles.size >= FULL_TILE_CACHE) this.fullTiles.delete(this.fullTiles.keys().next().value!);
    this.fullTiles.set(id, tile);
  }

  /** Tiles of one level in an index range, in order (for `log verify`). */
  async readTileRange(level: number, from: number, to: number): Promise<Tile[]> {
    const rows = await this.db
      .selectFrom('ledger_tiles')
      .selectAll()
      .where('level', '=', level)
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({ level: r.level, index: Number(r.idx), width: r.width, hashes: r.hashes }));
  }

  /** NodeReader: every node a proof needs, from the few tiles that hold them, in one query. */
  async readNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const addresses = ids.map(tileAddress);
    const tiles = await this.readTiles(addresses);
    return addresses.map((a) => {
      const tile = tiles.get(`${a.level}/${a.index}`);
      if (!tile) throw new LedgerError('NODE_MISSING', `tile ${a.level}/${a.index} is not stored`);
      return readTileNode(tile, a.row, a.column);
    });
  }

  /** The entry text at `index`, or undefined. */
  async entry(index: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ledger_entries')
      .select('entry')
      .where('idx', '=', index)
      .executeTakeFirst();
    return row?.entry;
  }

  /** Entries [from, to) in index order. */
  async entries(from: number, to: number): Promise<{ index: number; entry: string }[]> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({ index: Number(r.idx), entry: r.entry }));
  }

  /**
   * Recomputes every tile from the stored entries: recovery after restoring entries from a backup.
   * If the entries were changed, the next checkpoint is inconsistent with the witnessed ones and
   * every witness refuses it: this cannot launder an edit.
   */
  async rebuildTiles(): Promise<number> {
    const size = await this.size();
    const appender = new TileAppender(0);
    const page = 8192;
    for (let from = 0; from < size; from += page) {
      const to = Math.min(size, from + page);
      const rows = await this.entries(from, to);
      if (rows.length !== to - from)
        throw new LedgerError('NOT_FOUND', `entries ${from}..${to - 1} are incomplete`);
      await this.writeTiles(
        this.db,
        appender.append(rows.map((r) => hashLeaf(Buffer.from(r.entry, 'utf8')))),
      );
    }
    return size;
  }

  /** Stores a checkpoint; a concurrent writer's checkpoint of the same size wins (same tree, same root). */
  async saveCheckpoint(cp: StoredCheckpoint): Promise<void> {
    await this.db
      .insertInto('ledger_checkpoints')
      .values({ size: cp.size, root_hash: cp.rootHash, note: cp.note, created_at: cp.createdAt })
      .onConflict((oc) => oc.column('size').doNothing())
      .execute();
  }

  /** The newest checkpoint, or the one of exactly `size`. */
  async checkpoint(size?: number): Promise<StoredCheckpoint | undefined> {
    let q = this.db.selectFrom('ledger_checkpoints').selectAll();
    q = size === undefined ? q.orderBy('size', 'desc').limit(1) : q.where('size', '=', size);
    const row = await q.executeTakeFirst();
    return (
      row && { size: Number(row.size), rootHash: row.root_hash, note: row.note, createdAt: row.created_at }
    );
  }

  /** Every checkpoint, oldest first. */
  async checkpoints(): Promise<StoredCheckpoint[]> {
    const rows = await this.db.selectFrom('ledger_checkpoints').selectAll().orderBy('size').execute();
    return rows.map((r) => ({
      size: Number(r.size),
      rootHash: r.root_hash,
      note: r.note,
      createdAt: r.created_at,
    }));
  }

  /** Checkpoints newest first: at most `limit`, of sizes below `before` when given (paging back in time). */
  async checkpointPage(limit: number, before?: number): Promise<StoredCheckpoint[]> {
    let q = this.db.selectFrom('ledger_checkpoints').selectAll();
    if (before !== undefined) q = q.where('size', '<', before);
    const rows = await q.orderBy('size', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      size: Number(r.size),
      rootHash: r.root_hash,
      note: r.note,
      createdAt: r.created_at,
    }));
  }

  /** Cosignatures of the checkpoints of these sizes, with who cosigned and when. */
  async cosignaturesOf(
    sizes: readonly number[],
  ): Promise<{ size: number; witness: string; line: string; createdAt: string }[]> {
    if (sizes.length === 0) return [];
    const rows = await this.db
      .selectFrom('ledger_cosignatures')
      .selectAll()
      .where('size', 'in', [...sizes])
      .orderBy('size', 'desc')
      .orderBy('witness')
      .execute();
    return rows.map((r) => ({
      size: Number(r.size),
      witness: r.witness,
      line: r.line,
      createdAt: r.created_at,
    }));
  }

  /** Every witness that has cosigned, with the largest size it cosigned and when. */
  async witnessSummary(): Promise<{ witness: string; lastCosignedSize: number; lastCosignedAt: string }[]> {
    const rows = await this.db
      .selectFrom('ledger_cosignatures')
      .select((eb) => ['witness', eb.fn.max('size').as('size'), eb.fn.max('created_at').as('at')])
      .groupBy('witness')
      .orderBy('witness')
      .execute();
    return rows.map((r) => ({
      witness: r.witness,
      lastCosignedSize: Number(r.size),
      lastCosignedAt: String(r.at),
    }));
  }

  /** Keeps a verified cosignature line. */
  async saveCosignature(size: number, witness: string, line: string, createdAt: string): Promise<void> {
    await this.db
      .insertInto('ledger_cosignatures')
      .values({ size, witness, line, created_at: createdAt })
      .onConflict((oc) => oc.columns(['size', 'witness']).doNothing())
      .execute();
  }

  /** Cosignature lines of the checkpoint of `size`. */
  async cosignatures(size: number): Promise<{ witness: string; line: string }[]> {
    return this.db
      .selectFrom('ledger_cosignatures')
      .select(['witness', 'line'])
      .where('size', '=', size)
      .execute();
  }

  /** Sizes that have at least one cosignature, newest first. */
  async cosignedSizes(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('ledger_cosignatures')
      .select('size')
      .distinct()
      .orderBy('size', 'desc')
      .execute();
    return rows.map((r) => Number(r.size));
  }

  /** The largest size `witness` has cosigned (0 if never): the `old` size of the next request. */
  async lastCosignedSize(witness: string): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_cosignatures')
      .select((eb) => eb.fn.max('size').as('size'))
      .where('witness', '=', witness)
      .executeTakeFirst();
    return Number(row?.size ?? 0);
  }

  /** Rows in the entries table (the audit checks it equals the committed size). */
  async countEntries(): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_entries')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

import { sql } from 'kysely';
import { type SerialIndex, SerialIndexBuilder } from '../../core/medical/serial-index.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Db } from './store-support.ts';

/** Rows read per keyset page when a PostgreSQL registry is read into the index. */
const PAGE = 200_000;

interface Held {
  version: number;
  index: SerialIndex;
}

/** One set of indexes per connection, shared by every repository over it. */
const byConnection = new WeakMap<StoreConnection, Map<string, Promise<Held>>>();

/** The registry version of an administration: raised by every load (0 before the first). */
export async function registryVersion(db: Db, administration: string): Promise<number> {
  const row = await db
    .selectFrom('medical_registry_versions')
    .select('version')
    .where('administration', '=', administration)
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** Raises an administration's registry version, inside the load's transaction. */
export async function raiseRegistryVersion(db: Db, administration: string): Promise<void> {
  await db
    .insertInto('medical_registry_versions')
    .values({ administration, version: 1 })
    .onConflict((oc) =>
      oc
        .column('administration')
        .doUpdateSet({ version: sql<number>`medical_registry_versions.version + 1` }),
    )
    .execute();
}

/**
 * The in-memory serial index of an administration's registry (`core/medical/serial-index.ts`),
 * current as of its registry version: one primary-key read per call, and a rebuild from
 * `medical_serials` (seconds at ten million serials) only after a load. Concurrent callers share
 * one build.
 */
export async function serialIndexOf(conn: StoreConnection, administration: string): Promise<SerialIndex> {
  let held = byConnection.get(conn);
  if (!held) {
    held = new Map();
    byConnection.set(conn, held);
  }
  const version = await registryVersion(conn.db, administration);
  for (;;) {
    const current = held.get(administration);
    if (!current) break;
    const h = await current;
    if (h.version >= version) return h.index;
    // Unless another caller started a newer build meanwhile, this one rebuilds.
    if (held.get(administration) === current) break;
  }
  const building = buildIndex(conn, administration).then((index) => ({ version, index }));
  held.set(administration, building);
  building.catch(() => held.delete(administration));
  return (await building).index;
}

async function buildIndex(conn: StoreConnection, administration: string): Promise<SerialIndex> {
  const builder = new SerialIndexBuilder();
  if (conn.sqlite) {
    const sqlite = conn.sqlite;
    // Read through SQLite's bounded page cache, not its memory map: a full read of a large
    // registry would otherwise leave the whole file resident in the process.
    const mmap = sqlite.pragma('mmap_size', { simple: true }) as number;
    sqlite.pragma('mmap_size = 0');
    try {
      const rows = sqlite
        .prepare('select gtin, serial from medical_serials where administration = ?')
        .raw()
        .iterate(administration) as IterableIterator<[string, string]>;
      for (const [gtin, serial] of rows) builder.add(gtin, serial);
    } finally {
      sqlite.pragma(`mmap_size = ${Number(mmap)}`);
    }
    return builder.build();
  }
  let after: [string, string] | undefined;
  for (;;) {
    const page: { rows: Array<{ gtin: string; serial: string }> } = after
      ? await sql<{ gtin: string; serial: string }>`
          select gtin, serial from medical_serials
          where administration = ${administration} and (gtin, serial) > (${after[0]}, ${after[1]})
          order by gtin, serial limit ${PAGE}`.execute(conn.db)
      : await sql<{ gtin: string; serial: string }>`
          select gtin, serial from medical_serials where administration = ${administration}
          order by gtin, serial limit ${PAGE}`.execute(conn.db);
    for (const r of page.rows) builder.add(r.gtin, r.serial);
    if (page.rows.length < PAGE) break;
    const last = page.rows[page.rows.length - 1]!;
    after = [last.gtin, last.serial];
  }
  return builder.build();
}

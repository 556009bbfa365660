import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreConnection {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The raw better-sqlite3 handle on SQLite (the store's bulk writes prepare statements on it). */
  sqlite?: SQLite.Database;
  /** Closes the pool / file handle. */
  close(): Promise<void>;
}

// PostgreSQL returns int8 / numeric as strings; the store works with JS numbers throughout.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * Opens a database from a URL: `sqlite:/path/file.db`, `sqlite::memory:` or
 * `postgres://user@host:5432/db` (`?schema=name` puts every table in that schema).
 *
 * @example
 * const { db, close } = openDatabase('sqlite:./.greenlane/greenlane.db');
 */
export function openDatabase(url: string): StoreConnection {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // A 64 MiB page cache and memory-mapped reads (up to 1 GiB): proofs and queue reads touch
    // scattered pages of large tables; the default 2 MiB cache sends most of them to read(2).
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 1073741824');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
  }
  throw new Error(`unsupported database URL "${url}": use sqlite:<file> or postgres://...`);
}

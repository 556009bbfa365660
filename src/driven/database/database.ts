import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
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
 * Declarations, decisions and key hashes are confidential: a new database file is created 0600
 * (owner only) before SQLite opens it, in directories created 0700. Existing directories are left
 * as they are (the path may be anywhere the operator chose).
 */
function createOwnerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * The database, its write-ahead log and shared-memory index to 0600 (SQLite gives `-wal` and
 * `-shm` the database file's mode; a file an earlier version created 0644 is tightened here).
 */
function restrictSqliteFiles(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(path, 0o600);
    } catch (err) {
      // Absent (no WAL yet) or not ours to change (a read-only copy): nothing to tighten.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw err;
    }
  }
}

/** Prepared statements kept per SQL text: the store's queries are a few hundred shapes. */
const STATEMENT_CACHE = 500;
const statementCaches = new WeakMap<SQLite.Database, (source: string) => SQLite.Statement>();

/**
 * A prepared statement for `source` on this SQLite handle, kept for the next caller: Kysely's SQLite
 * driver prepares every query it runs through this cache, and the store's hand-prepared hot paths
 * (a release, docs/PERFORMANCE.md) take theirs from it too. Preparing costs more than running a
 * small query (a release is a dozen of them). A statement still iterating (a stream) is not handed
 * out twice; the least recently used one goes when the cache is full. SQLite re-prepares a kept
 * statement itself after a schema change (sqlite3_prepare_v2).
 */
export function cachedStatement(sqlite: SQLite.Database, source: string): SQLite.Statement {
  let prepare = statementCaches.get(sqlite);
  if (!prepare) {
    const kept = new Map<string, SQLite.Statement>();
    prepare = (text: string) => {
      const cached = kept.get(text);
      if (cached && !cached.busy) {
        kept.delete(text);
        kept.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      if (!cached) {
        kept.set(text, statement);
        if (kept.size > STATEMENT_CACHE) kept.delete(kept.keys().next().value!);
      }
      return statement;
    };
    statementCaches.set(sqlite, prepare);
  }
  return prepare(source);
}

/** The handle Kysely's SQLite driver runs queries on: `prepare` through {@link cachedStatement}. */
function withStatementCache(sqlite: SQLite.Database): Pick<SQLite.Database, 'prepare' | 'close'> {
  return {
    close: () => sqlite.close(),
    prepare: (source: string) => cachedStatement(sqlite, source),
  } as Pick<SQLite.Database, 'prepare' | 'close'>;
}

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
    if (file !== ':memory:') createOwnerOnly(file);
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    if (file !== ':memory:') restrictSqliteFiles(file);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // A 64 MiB page cache and memory-mapped reads (up to 1 GiB): proofs and queue reads touch
    // scattered pages of large tables; the default 2 MiB cache sends most of them to read(2).
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 1073741824');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
  }
  throw new Error(`unsupported database URL "${url}": use sqlite:<file> or postgres://...`);
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DialectName } from '../../src/driven/database/database.ts';
import { testPostgresUrl } from '../../src/installation/config.ts';

export interface TestDatabase {
  dialect: DialectName;
  url: string;
  /** Deletes the SQLite file; PostgreSQL schemas are dropped at the start of the next run. */
  dispose(): Promise<void>;
}

/**
 * Every store test suite loops over these, so SQLite and PostgreSQL are proven by the same tests:
 * `for (const dialect of DIALECTS) describe(dialect, ...)`.
 */
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

/** A fresh, isolated database: a temp SQLite file, or a new PostgreSQL schema in the test DB. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'greenlane-test-'));
    return {
      dialect,
      url: `sqlite:${join(dir, 'test.db')}`,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = testPostgresUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    dialect,
    url: `${base}?schema=${schema}`,
    // Dropped by test/support/global-setup.ts at the start of the next run, not now: see there.
    dispose: async () => {},
  };
}

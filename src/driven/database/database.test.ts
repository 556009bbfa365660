import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite file modes (issue 8, item 7b)', () => {
  let work: string;
  const umask = process.umask();
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'greenlane-db-modes-'));
    // The usual default, under which files were created 0644 before.
    process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(work, { recursive: true, force: true });
  });

  it('creates the database, its -wal and -shm owner-only, in a directory created owner-only', async () => {
    const dir = join(work, 'state', 'nested');
    const file = join(dir, 'greenlane.db');
    const conn = openDatabase(`sqlite:${file}`);
    try {
      await migrateToLatest(conn);
      await conn.db
        .insertInto('administrations')
        .values({ id: 'NL', name: 'NL', created_at: 'now' })
        .execute();
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(work, 'state'))).toBe(0o700);
    } finally {
      await conn.close();
    }
  });

  it('tightens a database file an earlier version left readable by others', async () => {
    const file = join(work, 'old.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const conn = openDatabase(`sqlite:${file}`);
    try {
      await migrateToLatest(conn);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
    } finally {
      await conn.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../../test/support/databases.ts';
import { openCheckpoint, verifyEntryInCheckpoint } from '../../../core/ledger/checkpoint-proof.ts';
import { treeRoot } from '../../../core/ledger/merkle-proof.ts';
import { verifyConsistency } from '../../../core/ledger/proof-verify.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { openTransparencyLog } from '../../../installation/transparency-log.ts';
import { main } from '../main.ts';

const home = mkdtempSync(join(tmpdir(), 'greenlane-cli-log-'));
/** The database of the `describe` running (one per dialect). */
let db = '';

/** Runs `greenlane ...args --db` in-process; returns stdout and the exit code. */
async function greenlane(...args: string[]): Promise<{ out: string; code: number }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await main(['node', 'greenlane', ...args, '--db', db]);
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, code };
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

for (const dialect of DIALECTS) {
  describe(`greenlane log (issue 5 CLI contract) on ${dialect}`, () => {
    let testDb: TestDatabase | undefined;
    afterAll(async () => testDb?.dispose());
    beforeAll(async () => {
      process.env.GREENLANE_HOME = home;
      testDb = await createTestDatabase(dialect);
      db = testDb.url;
      const conn = openDatabase(db);
      await migrateToLatest(conn);
      const log = await openTransparencyLog(conn);
      await log.append(
        Array.from({ length: 12 }, (_, i) => ({
          kind: 'decision',
          declarationId: `C-${i}`,
          channel: 'green',
        })),
      );
      await log.close();
      await conn.close();
    });

    it('checkpoint, entry, prove inclusion and public-key fit together', async () => {
      const key = (await greenlane('log', 'public-key')).out.trim();
      const note = (await greenlane('log', 'checkpoint')).out;
      expect(openCheckpoint(note, key).size).toBe(12);
      const entry = JSON.parse((await greenlane('log', 'entry', '7')).out);
      expect(Object.keys(entry)).toEqual(['index', 'entry']);
      expect(JSON.parse(Buffer.from(entry.entry, 'base64').toString('utf8')).declarationId).toBe('C-7');
      const proof = JSON.parse((await greenlane('log', 'prove', 'inclusion', '7')).out);
      expect(Object.keys(proof)).toEqual(['index', 'size', 'hashes']);
      expect(proof.size).toBe(12);
      verifyEntryInCheckpoint(
        note,
        key,
        Buffer.from(entry.entry, 'base64'),
        7,
        proof.hashes.map((h: string) => Buffer.from(h, 'hex')),
      );
      expect(
        JSON.parse((await greenlane('log', 'prove', 'inclusion', '3', '--size', '5')).out),
      ).toMatchObject({
        index: 3,
        size: 5,
      });
    });

    it('prove consistency prints {from,to,hashes} that verify', async () => {
      const proof = JSON.parse((await greenlane('log', 'prove', 'consistency', '5', '12')).out);
      expect(Object.keys(proof)).toEqual(['from', 'to', 'hashes']);
      const conn = openDatabase(db);
      const log = await openTransparencyLog(conn);
      const [r5, r12] = [await treeRoot(log.store, 5), await treeRoot(log.store, 12)];
      await conn.close();
      verifyConsistency(
        5,
        12,
        proof.hashes.map((h: string) => Buffer.from(h, 'hex')),
        r5,
        r12,
      );
    });

    it('verify passes, then names an edited entry with exit code 1', async () => {
      expect(await greenlane('log', 'verify')).toMatchObject({ code: 0 });
      const conn = openDatabase(db);
      await conn.db
        .updateTable('ledger_entries')
        .set({ entry: '{"channel":"red"}' })
        .where('idx', '=', 4)
        .execute();
      await conn.close();
      const { out, code } = await greenlane('log', 'verify');
      expect(code).toBe(1);
      expect(JSON.parse(out).firstDivergence).toMatchObject({ kind: 'ENTRY_ALTERED', index: 4 });
    });

    it('bad usage exits 2', async () => {
      expect((await greenlane('log', 'entry', 'x')).code).toBe(2);
      expect((await greenlane('log', 'prove', 'consistency', '9', '3')).code).toBe(2);
    });
  });
}

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { parseCheckpoint } from '../../core/ledger/checkpoint.ts';
import { hashLeaf } from '../../core/ledger/merkle-hash.ts';
import { verifyConsistency, verifyInclusion } from '../../core/ledger/proof-verify.ts';
import { NOTE_ALG_ED25519, noteVerifier, openNote } from '../../core/ledger/signed-note.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { loadOrCreateKey, newKeyName } from './signing-keys.ts';
import { TransparencyLog } from './transparency-log.ts';

const stateDirs: string[] = [];
function freshStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'greenlane-ledger-'));
  stateDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

const decision = (i: number) => ({
  kind: 'decision',
  declarationId: `DEC-${i}`,
  channel: i % 7 === 0 ? 'red' : 'green',
  score: i / 10,
});

for (const dialect of DIALECTS) {
  describe(`transparency log on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let stateDir: string;

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      stateDir = freshStateDir();
    });
    afterEach(async () => {
      await conn.close();
      await testDb.dispose();
    });

    const open = (dir = stateDir, c = conn) =>
      TransparencyLog.open({
        conn: c,
        key: loadOrCreateKey(dir, 'log.key', () => newKeyName('test.example/log'), NOTE_ALG_ED25519),
      });

    it('creates an owner-only key at first start and binds the database to it', async () => {
      const log = await open();
      expect(statSync(join(stateDir, 'ledger', 'log.key')).mode & 0o777).toBe(0o600);
      expect(log.verifierKey.startsWith(`${log.origin}+`)).toBe(true);
      await expect(open(freshStateDir())).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    });

    it('batches concurrent appends, keeps indexes in order and proves every entry against a signed checkpoint', async () => {
      const log = await open();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, b) =>
          log.append(Array.from({ length: 25 }, (_, k) => decision(b * 25 + k))),
        ),
      );
      const indexes = results.flat().map((r) => r.index);
      expect(new Set(indexes).size).toBe(1000);
      expect(Math.max(...indexes)).toBe(999);
      const published = await log.publishCheckpoint();
      expect(published?.size).toBe(1000);
      const { checkpoint, note } = (await log.latestCheckpoint())!;
      const body = parseCheckpoint(openNote(note, [noteVerifier(log.verifierKey)]).text);
      expect(body.size).toBe(1000);
      for (const index of [0, 1, 255, 256, 511, 777, 999]) {
        const leaf = hashLeaf(await log.entry(index));
        const proof = await log.proveInclusion(index);
        expect(proof.size).toBe(1000);
        verifyInclusion(leaf, index, 1000, proof.hashes, body.rootHash);
      }
      expect(JSON.parse((await log.entry(results[3]![2]!.index)).toString('utf8')).declarationId).toBe(
        'DEC-77',
      );
      // A later tree stays consistent with this checkpoint.
      await log.append([decision(1000), decision(1001)]);
      const later = (await log.publishCheckpoint())!;
      const c = await log.proveConsistency(checkpoint.size, later.size);
      verifyConsistency(checkpoint.size, later.size, c.hashes, checkpoint.rootHash, later.rootHash);
      expect((await log.verify()).ok).toBe(true);
      await log.close();
    });

    it('writes a checkpoint within a second while entries arrive', async () => {
      const log = await open();
      await log.append([decision(1)]);
      const deadline = Date.now() + 1500;
      for (let i = 2; Date.now() < deadline; i += 1) {
        await log.append([decision(i)]);
        await new Promise((r) => setTimeout(r, 20));
      }
      await log.settle();
      const cps = await log.store.checkpoints();
      expect(cps.length).toBeGreaterThanOrEqual(2);
      // Scheduled 1 s apart; the slack absorbs timer delays on a loaded 2-core CI machine.
      for (let i = 1; i < cps.length; i += 1)
        expect(Date.parse(cps[i]!.createdAt) - Date.parse(cps[i - 1]!.createdAt)).toBeLessThan(1800);
      await log.close();
    });

    it('resumes after reopening and stays verifiable', async () => {
      const first = await open();
      await first.append(Array.from({ length: 300 }, (_, i) => decision(i)));
      await first.close();
      const second = await open();
      const [r] = await second.append([decision(300)]);
      expect(r!.index).toBe(300);
      await second.close();
      const report = await second.verify();
      expect(report).toMatchObject({ ok: true, size: 301 });
      expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2);
    });

    it('names an entry edited directly in the database', async () => {
      const log = await open();
      await log.append(Array.from({ length: 600 }, (_, i) => decision(i)));
      await log.close();
      await conn.db
        .updateTable('ledger_entries')
        .set({ entry: JSON.stringify({ ...decision(42), channel: 'green' }) })
        .where('idx', '=', 42)
        .execute();
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.firstDivergence).toMatchObject({ kind: 'ENTRY_ALTERED', index: 42 });
      expect(report.divergences.map((d) => d.kind)).toContain('CHECKPOINT_ROOT_MISMATCH');
    });

    it('detects a tampered node hash and a deleted entry', async () => {
      const log = await open();
      await log.append(Array.from({ length: 700 }, (_, i) => decision(i)));
      await log.close();
      const tile = (await log.store.readTiles([{ level: 0, index: 1 }])).get('0/1')!;
      const hashes = Buffer.from(tile.hashes);
      hashes[256 * 32 + 5]! ^= 1; // a row-1 node of tile 0/1
      await log.store.writeTiles(conn.db, [{ ...tile, hashes }]);
      await conn.db.deleteFrom('ledger_entries').where('idx', '=', 650).execute();
      const report = await log.verify();
      expect(report.firstDivergence).toMatchObject({ kind: 'TILE_MISMATCH' });
      expect(report.divergences).toContainEqual(
        expect.objectContaining({ kind: 'ENTRY_MISSING', index: 650 }),
      );
    });

    it('rejects bad requests with typed errors', async () => {
      const log = await open();
      await expect(log.append([{ bad: Number.NaN }])).rejects.toMatchObject({ code: 'NOT_CANONICAL_JSON' });
      await expect(log.proveInclusion(0)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await log.append([decision(0), decision(1)]);
      await log.publishCheckpoint();
      await expect(log.proveInclusion(5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(log.proveConsistency(1, 9)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(log.entry(7)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await log.close();
    });

    // better-sqlite3 is synchronous: two connections in ONE process would block each other's event
    // loop, so on SQLite this scenario is covered across processes by the crash-safety test.
    it.runIf(dialect === 'postgres')('two writers on one database never interleave leaves', async () => {
      const a = await open();
      const otherConn = openDatabase(testDb.url);
      const b = await open(stateDir, otherConn);
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => a.append([decision(i), decision(i + 100)])),
        ...Array.from({ length: 10 }, (_, i) => b.append([decision(i + 200)])),
      ]);
      await a.close();
      await b.close();
      await otherConn.close();
      expect(await a.verify()).toMatchObject({ ok: true, size: 30 });
    });
  });
}

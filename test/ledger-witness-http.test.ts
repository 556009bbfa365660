import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyCheckpointExtends, verifyEntryInCheckpoint } from '../src/core/ledger/checkpoint-proof.ts';
import { type DialectName, openDatabase, type StoreConnection } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import type { TransparencyLog } from '../src/driven/ledger/transparency-log.ts';
import type { WitnessService } from '../src/driven/ledger/witness-service.ts';
import { writeLedgerRecords } from '../src/driven/store/ledger-records.ts';
import type { ApiEnv } from '../src/driving/http/route-module.ts';
import { registerLogRoutes } from '../src/driving/http/routes/log.ts';
import { addWitness, openTransparencyLog, openWitness } from '../src/installation/transparency-log.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from './support/databases.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** One Greenlane installation: its own state directory, database and HTTP server on 127.0.0.1. */
async function installation(dialect: DialectName) {
  const home = mkdtempSync(join(tmpdir(), 'greenlane-inst-'));
  const env = { ...process.env, GREENLANE_HOME: home };
  const testDb: TestDatabase = await createTestDatabase(dialect);
  const conn: StoreConnection = openDatabase(testDb.url);
  await migrateToLatest(conn);
  const deps: { log?: TransparencyLog; witness?: WitnessService } = {};
  const app = new OpenAPIHono<ApiEnv>();
  // Routes resolve the log lazily: the log reads witnesses.json when it is opened.
  registerLogRoutes(app, {
    get log() {
      return deps.log!;
    },
    get witness() {
      return deps.witness;
    },
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await deps.log?.close();
    await new Promise((r) => server.close(r));
    await conn.close();
    await testDb.dispose();
    rmSync(home, { recursive: true, force: true });
  });
  return { env, conn, deps, base };
}

/** Stores `n` decision records with their pending entries and lets the log append them. */
async function logRecords(conn: StoreConnection, log: TransparencyLog, n: number, prefix: string) {
  await conn.db.transaction().execute((trx) =>
    writeLedgerRecords(
      trx,
      Array.from({ length: n }, (_, i) => ({
        kind: 'decision' as const,
        recordId: `${prefix}-${String(i).padStart(4, '0')}`,
        administration: prefix,
        content: { type: 'decision', declarationId: `${prefix}-${i}`, channel: 'green' },
      })),
    ),
  );
  await log.drainRecords();
}

const get = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res;
};

const other = (d: DialectName): DialectName => (d === 'sqlite' ? 'postgres' : 'sqlite');

for (const dialect of DIALECTS) {
  describe(`two installations over HTTP: B witnesses A (A on ${dialect}, B on ${other(dialect)})`, () => {
    it('B cosigns consistent growth, a partner verifies with the public key only, and B refuses rewritten history', async () => {
      const a = await installation(dialect);
      const b = await installation(other(dialect));
      b.deps.witness = openWitness(b.conn, b.env);
      const witnessKey = (await (await get(`${b.base}/v1/witness/public-key`)).text()).trim();
      addWitness(witnessKey, `${b.base}/v1/witness`, 1, a.env);
      const refusals: string[] = [];
      a.deps.log = await openTransparencyLog(a.conn, {
        env: a.env,
        onError: (e) => refusals.push(String(e)),
      });
      const log = a.deps.log;
      // B learns A's key over HTTP and follows A.
      const logKey = (await (await get(`${a.base}/v1/log/public-key`)).text()).trim();
      await b.deps.witness.follow(logKey);

      await logRecords(a.conn, log, 100, 'A');
      await log.publishCheckpoint();
      await log.settle();
      const first = await (await get(`${a.base}/v1/log/checkpoint`)).text();
      expect(first).toContain('\n100\n');
      expect(first.split('\n— ').length).toBe(3); // the log's signature and B's cosignature
      expect((await log.finalCheckpoint())?.checkpoint.size).toBe(100);

      // A partner checks entry 42 with nothing but the public key, the checkpoint and a proof.
      const entry = (await (await get(`${a.base}/v1/log/entries/42`)).json()) as {
        index: number;
        entry: string;
      };
      const proof = (await (await get(`${a.base}/v1/log/proof/inclusion?index=42&size=100`)).json()) as {
        hashes: string[];
      };
      const bytes = Buffer.from(entry.entry, 'base64');
      verifyEntryInCheckpoint(
        first,
        logKey,
        bytes,
        42,
        proof.hashes.map((h) => Buffer.from(h, 'hex')),
      );
      expect(() =>
        verifyEntryInCheckpoint(
          first,
          logKey,
          Buffer.from(bytes.toString().replace(/"commitment":"./, '"commitment":"x')),
          42,
          proof.hashes.map((h) => Buffer.from(h, 'hex')),
        ),
      ).toThrow();

      // Growth: B checks the consistency proof A sends and cosigns again.
      await log.append(
        Array.from({ length: 60 }, (_, i) => ({
          kind: 'outcome',
          declarationId: `A-${i}`,
          result: 'no_discrepancy',
        })),
      );
      await log.publishCheckpoint();
      await log.settle();
      const second = await (await get(`${a.base}/v1/log/checkpoint`)).text();
      expect(second).toContain('\n160\n');
      expect((await log.finalCheckpoint())?.checkpoint.size).toBe(160);
      const consistency = (await (
        await get(`${a.base}/v1/log/proof/consistency?from=100&to=160`)
      ).json()) as {
        hashes: string[];
      };
      verifyCheckpointExtends(
        first,
        second,
        logKey,
        consistency.hashes.map((h) => Buffer.from(h, 'hex')),
      );
      expect(refusals).toEqual([]);

      // A rewrites history: an insider edits decision 10 in the database and recomputes the tree.
      await a.conn.db
        .updateTable('ledger_entries')
        .set({
          entry: JSON.stringify({
            channel: 'green',
            declarationId: 'A-10',
            kind: 'decision',
            note: 'never selected',
          }),
        })
        .where('idx', '=', 10)
        .execute();
      const verify = await log.verify();
      expect(verify.firstDivergence).toMatchObject({ kind: 'ENTRY_ALTERED', index: 10 });
      // ... recomputes the tree (`greenlane log rebuild-tiles`) and restarts the service.
      await log.store.rebuildTiles();
      await log.close();
      a.deps.log = await openTransparencyLog(a.conn, {
        env: a.env,
        onError: (e) => refusals.push(String(e)),
      });
      const rewritten = a.deps.log;
      await rewritten.append([{ kind: 'decision', declarationId: 'A-200', channel: 'red' }]);
      await rewritten.publishCheckpoint();
      await rewritten.settle();
      const results = await rewritten.requestCosignatures();
      expect(results[0]).toMatchObject({ ok: false, status: 422 });
      expect((results[0] as { reason: string }).reason).toMatch(
        /^INCONSISTENT: checkpoint 161 is not consistent with the cosigned checkpoint 160/,
      );
      expect(refusals.some((r) => r.includes('INCONSISTENT'))).toBe(true);
      // B still holds 160; A's newest final checkpoint is still the honest one.
      expect((await b.deps.witness.followed())[0]).toMatchObject({ size: 160 });
      expect((await rewritten.finalCheckpoint())?.checkpoint.size).toBe(160);
      // `log verify` still names the altered entry against the signed history.
      expect((await rewritten.verify()).divergences).toContainEqual(
        expect.objectContaining({ kind: 'CHECKPOINT_ROOT_MISMATCH', size: 100 }),
      );
    });

    it('B refuses a log that was truncated and re-signed (rollback), even when A forgot what B cosigned', async () => {
      const a = await installation(dialect);
      const b = await installation(other(dialect));
      b.deps.witness = openWitness(b.conn, b.env);
      addWitness(b.deps.witness.key.verifierKey, `${b.base}/v1/witness`, 1, a.env);
      a.deps.log = await openTransparencyLog(a.conn, { env: a.env });
      await b.deps.witness.follow(a.deps.log.verifierKey);
      await a.deps.log.append(Array.from({ length: 30 }, (_, i) => ({ kind: 'decision', n: i })));
      await a.deps.log.publishCheckpoint();
      await a.deps.log.settle();
      // Wipe the log, its checkpoints and cosignatures, and write a shorter history.
      for (const t of [
        'ledger_entries',
        'ledger_tiles',
        'ledger_checkpoints',
        'ledger_cosignatures',
      ] as const) {
        await a.conn.db.deleteFrom(t).execute();
      }
      await a.conn.db.updateTable('ledger_state').set({ size: 0 }).execute();
      await a.deps.log.close();
      a.deps.log = await openTransparencyLog(a.conn, { env: a.env });
      await a.deps.log.append(
        Array.from({ length: 20 }, (_, i) => ({ kind: 'decision', n: i, rewritten: true })),
      );
      await a.deps.log.publishCheckpoint();
      await a.deps.log.settle();
      const [result] = await a.deps.log.requestCosignatures();
      expect(result).toMatchObject({ ok: false, status: 409 });
      expect((result as { reason: string }).reason).toMatch(/^ROLLBACK/);
      expect(await a.deps.log.finalCheckpoint()).toBeUndefined();
    });
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PROFILE, testDeclaration } from '../../../../test/support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../../test/support/databases.ts';
import { testSelectionKey } from '../../../../test/support/selection-key.ts';
import { createAssessmentService } from '../../../app/assess.ts';
import { verifyEntryInCheckpoint } from '../../../core/ledger/checkpoint-proof.ts';
import { checkRecordAgainstLeaf } from '../../../core/ledger/record-commitment.ts';
import { compileProfiles } from '../../../core/rules/evaluate.ts';
import { openDatabase, type StoreConnection } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import type { TransparencyLog } from '../../../driven/ledger/transparency-log.ts';
import { referenceData } from '../../../driven/reference/file-reference-data.ts';
import { AlertService } from '../../../installation/alert-service.ts';
import { dataDir } from '../../../installation/config.ts';
import { LoggedDeclarationStore, logDecisions } from '../../../installation/ledger-recording.ts';
import { openTransparencyLog } from '../../../installation/transparency-log.ts';
import { createApp } from '../app.ts';
import type { ApiApp } from '../route-module.ts';
import { greenlaneRoutes } from './index.ts';
import { LogEntrySchema } from './log.ts';

let home: string;
const savedHome = process.env.GREENLANE_HOME;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'greenlane-log-routes-'));
  process.env.GREENLANE_HOME = home;
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

const withKey = (key?: string) => (key ? { headers: { 'x-api-key': key } } : {});

for (const dialect of DIALECTS) {
  describe(`log routes on ${dialect}: public commitments, confidential records`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let log: TransparencyLog;
    let app: ApiApp;
    const keys: Record<string, string> = {};

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      log = await openTransparencyLog(conn, { onError: () => {} });
      const store = new LoggedDeclarationStore(conn, log);
      const reference = referenceData(dataDir());
      const { assess } = createAssessmentService({
        reference,
        profiles: compileProfiles([TEST_PROFILE], reference),
        policy: { thresholds: { yellow: 20, red: 50 }, randomRates: { yellow: 0, red: 0 } },
        selectionKey: testSelectionKey('t'),
        store,
        afterSave: [logDecisions(log)],
      });
      await store.ensureAdministration('XA', 'A');
      await store.ensureAdministration('XB', 'B');
      for (const [name, admin, role] of [
        ['officer', 'XA', 'officer'],
        ['analyst', 'XA', 'analyst'],
        ['ingest', 'XA', 'ingest'],
        ['foreign', 'XB', 'admin'],
      ] as const) {
        keys[name] = (await store.createApiKey(admin, name, role)).secret;
      }
      app = createApp({
        authenticate: store.authenticate,
        routes: greenlaneRoutes({ conn, store, assess, log: { log }, alerts: new AlertService({ conn }) }),
      });
    });
    afterEach(async () => {
      await log.close();
      await conn.close();
      await testDb.dispose();
    });

    const submit = (id: string, origin = 'CN') =>
      app.request('/v1/declarations', {
        method: 'POST',
        headers: { 'x-api-key': keys.ingest!, 'content-type': 'application/json' },
        body: JSON.stringify(testDeclaration(id, origin)),
      });
    const entry = async (index: number, key?: string) => {
      const res = await app.request(`/v1/log/entries/${index}`, withKey(key));
      expect(res.status).toBe(200);
      return LogEntrySchema.parse(await res.json());
    };

    it('without a key an entry shows no trade data; a partner still verifies it against the checkpoint', async () => {
      expect((await submit('SECRET-DECL-1')).status).toBe(200);
      const publicView = await entry(0);
      const text = JSON.stringify(publicView) + Buffer.from(publicView.entry!, 'base64').toString('utf8');
      for (const secret of ['SECRET-DECL-1', 'XA', 'red', 'TEST-ORIGIN-CN', 'decision'])
        expect(text).not.toContain(secret);
      expect(publicView.record).toBeUndefined();
      await log.publishCheckpoint();
      const checkpoint = await (await app.request('/v1/log/checkpoint')).text();
      const vkey = (await (await app.request('/v1/log/public-key')).text()).trim();
      const proof = (await (await app.request('/v1/log/proof/inclusion?index=0')).json()) as {
        hashes: string[];
      };
      expect(() =>
        verifyEntryInCheckpoint(
          checkpoint,
          vkey,
          Buffer.from(publicView.entry!, 'base64'),
          0,
          proof.hashes.map((h) => Buffer.from(h, 'hex')),
        ),
      ).not.toThrow();
    });

    it('a key of the same administration gets record and salt, which an auditor checks against the public leaf', async () => {
      await submit('SECRET-DECL-2');
      const leaf = Buffer.from((await entry(0)).entry!, 'base64').toString('utf8');
      for (const reader of ['officer', 'analyst']) {
        const view = await entry(0, keys[reader]);
        expect(JSON.parse(view.record!.content)).toMatchObject({
          type: 'decision',
          administration: 'XA',
          declarationId: 'SECRET-DECL-2',
          channel: 'red',
        });
        expect(checkRecordAgainstLeaf(leaf, view.record!.content, view.record!.salt)).toEqual({ ok: true });
        const tampered = view.record!.content.replace('"red"', '"green"');
        expect(checkRecordAgainstLeaf(leaf, tampered, view.record!.salt)).toMatchObject({
          ok: false,
          reason: 'MISMATCH',
        });
      }
    });

    it('another administration, an ingest key or a bad key never get the record', async () => {
      await submit('SECRET-DECL-3');
      expect((await entry(0, keys.foreign)).record).toBeUndefined();
      expect((await entry(0, keys.ingest)).record).toBeUndefined();
      const bad = await app.request('/v1/log/entries/0', withKey('not-a-key'));
      expect(bad.status).toBe(401);
    });

    it('answers 200 only for a durable change: a log failure after the commit still answers 200 and the entry follows', async () => {
      const append = log.store.appendBatch.bind(log.store);
      log.store.appendBatch = async () => {
        throw new Error('injected');
      };
      const res = await submit('SECRET-DECL-4');
      expect(res.status).toBe(200);
      log.store.appendBatch = append;
      await log.close();
      log = await openTransparencyLog(conn, { onError: () => {} });
      const report = await log.verify();
      expect(report.firstDivergence).toBeUndefined();
      expect(report).toMatchObject({ ok: true, size: 1, recordsChecked: 1 });
    });
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { makeDeclaration } from '../../test/support/declaration-fixture.ts';
import type { AssessmentItem } from '../app/ports/assessment-store.ts';
import type { DecisionInput } from '../app/ports/decision-records.ts';
import type { Channel } from '../core/decision/signal.ts';
import { contentHash } from '../core/declaration/content-hash.ts';
import { checkRecordAgainstLeaf } from '../core/ledger/record-commitment.ts';
import { trainRiskModel } from '../core/model/risk-model.ts';
import { syntheticRecords } from '../core/model/test-records.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import { ModelRegistry } from '../driven/model/model-registry.ts';
import { environmentReference } from '../driven/reference/environment-reference.ts';
import { PermitRepository } from '../driven/store/permit-repository.ts';
import { environmentDir, installationConfig } from './config.ts';
import { type Installation, withInstallation } from './installation.ts';
import { LoggedDeclarationStore, logDecisions } from './ledger-recording.ts';

/** What a command outside a server does: store records with their pending entries, append them. */
const logRecords = (url: string, records: Parameters<Installation<{ log: true }>['logRecords']>[0] = []) =>
  withInstallation(installationConfig(url), { log: true }, (inst) => inst.logRecords(records));

import { openTransparencyLog } from './transparency-log.ts';

let dir: string;
const home = process.env.GREENLANE_HOME;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenlane-ledger-rec-'));
  process.env.GREENLANE_HOME = join(dir, 'home');
});
afterAll(() => {
  if (home === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = home;
  rmSync(dir, { recursive: true, force: true });
});

for (const dialect of DIALECTS) {
  describe(`logRecords (the installation, for commands outside a server) (${dialect})`, () => {
    it('stores records with their pending entries and appends them, readable back by index', async () => {
      const testDb = await createTestDatabase(dialect);
      const url = testDb.url;
      const indexes = await logRecords(url, [
        {
          kind: 'list-version',
          recordId: 'un:1',
          administration: null,
          content: { type: 'list-version', list: 'un' },
        },
        {
          kind: 'list-version',
          recordId: 'un:2',
          administration: null,
          content: { type: 'list-version', list: 'un' },
        },
      ]);
      expect(indexes).toEqual([0, 1]);
      expect(await logRecords(url)).toEqual([]);

      const conn = openDatabase(url);
      const log = await openTransparencyLog(conn);
      try {
        const leaf = (await log.entry(1)).toString('utf8');
        expect(leaf).not.toContain('un');
        const record = (await log.records.atIndex(1))!;
        expect(JSON.parse(record.content!)).toEqual({ type: 'list-version', list: 'un' });
        expect(checkRecordAgainstLeaf(leaf, record.content!, record.salt!)).toEqual({ ok: true });
        expect((await log.verify()).ok).toBe(true);
      } finally {
        await log.close();
        await conn.close();
        await testDb.dispose();
      }
    });
  });
}

const model = trainRiskModel(syntheticRecords(200, 51), { target: 'fraud', params: { maxTrees: 3 } });

const decisionInput = (channel: Channel = 'red'): DecisionInput => ({
  channel,
  score: 60,
  reasons: [{ source: 'profile', code: 'P-CN', message: 'origin under watch', score: 60, minChannel: 'red' }],
  summary: `${channel}: origin under watch`,
  selection: {
    keyId: 'sel_0000000000000000',
    draw: 0.5,
    rates: { yellow: 0, red: 0 },
    thresholds: { yellow: 20, red: 50 },
  },
  decidedAt: '2026-11-28T10:00:00Z',
  profileVersions: { 'P-CN': 1 },
  referenceVersion: 'ref-1',
});

const assessment = (id: string): AssessmentItem => {
  const declaration = makeDeclaration({ id });
  return { declaration, contentHash: contentHash(declaration), source: 'api', decision: decisionInput() };
};

for (const dialect of DIALECTS) {
  describe(`complete log on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let log: TransparencyLog;
    let store: LoggedDeclarationStore;
    const errors: unknown[] = [];

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      log = await openTransparencyLog(conn, { onError: (e) => errors.push(e) });
      store = new LoggedDeclarationStore(conn, log);
      await store.ensureAdministration('NL', 'Netherlands');
      errors.length = 0;
    });
    afterEach(async () => {
      await log.close();
      await conn.close();
      await testDb.dispose();
    });

    const decisionsCount = async () =>
      Number(
        (
          await conn.db
            .selectFrom('decisions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('every stored decision, override, outcome and profile version is in the log with its index', async () => {
      await store.saveAssessments('NL', [assessment('D-1'), assessment('D-2')]);
      await logDecisions(log)();
      const override = await store.overrideDecision(
        'NL',
        'D-1',
        { channel: 'green', reason: 'documents checked' },
        'o-1',
      );
      await store.recordOutcome(
        'NL',
        'D-2',
        { result: 'no_discrepancy', fraud: false, critical: false },
        'o-2',
      );
      await store.saveProfiles('NL', [{ id: 'P-CN', content: { weight: 60 } }], 'analyst');
      const report = await log.verify();
      expect(report.firstDivergence).toBeUndefined();
      expect(report).toMatchObject({ ok: true, size: 5, recordsChecked: 5 });
      expect(override.logIndex).toBe(2);
      const detail = await store.getDeclaration('NL', 'D-2');
      expect(detail.decision.logIndex).not.toBeNull();
    });

    it('a release that takes a permit quantity has its consumption in the log before it answers', async () => {
      await new PermitRepository(conn).load(
        'NL',
        [
          {
            record: 1,
            value: {
              kind: 'cites-permit',
              number: 'CITES-L1',
              direction: 'import',
              trader: 'BE0123456789',
              issuingCountry: 'BE',
              species: 'Psittacus erithacus',
              appendix: 'I',
              purpose: 'T',
              source: 'C',
              quantity: 2,
              unit: 'pieces',
              validFrom: '2026-01-01T00:00:00Z',
              validUntil: '2026-12-31T00:00:00Z',
            },
          },
        ],
        environmentReference(environmentDir({})),
        'clerk',
      );
      const parrots = makeDeclaration({ id: 'D-P' }, [
        { hsCode: '010632', supplementaryQuantity: 2, documents: [{ type: 'C400', reference: 'CITES-L1' }] },
      ]);
      await store.saveAssessments('NL', [
        { declaration: parrots, contentHash: contentHash(parrots), source: 'api', decision: decisionInput() },
      ]);
      await store.recordEvent('NL', 'D-P', { event: 'release' }, 'officer');
      const logged = await conn.db
        .selectFrom('ledger_records')
        .select('log_index')
        .where('kind', '=', 'permit-consumption')
        .execute();
      expect(logged).toHaveLength(1);
      expect(logged[0]!.log_index).not.toBeNull();
    });

    it('a decision committed while the log cannot append is kept pending and appended at the next start', async () => {
      const append = log.store.appendBatch.bind(log.store);
      log.store.appendBatch = async () => {
        throw new Error('injected: disk full');
      };
      // The caller's write is durable even though the log failed: nothing to undo, nothing lost.
      await store.saveAssessments('NL', [assessment('D-9')]);
      await logDecisions(log)();
      expect(errors.map(String)).toContain('Error: injected: disk full');
      expect((await store.getDeclaration('NL', 'D-9')).decision.logIndex).toBeNull();
      const gap = await log.verify();
      expect(gap.firstDivergence).toMatchObject({ kind: 'RECORD_NOT_LOGGED' });
      expect(gap.firstDivergence!.message).toMatch(
        /^decision \S+ \(declaration D-9 version 1 \(administration NL\)\)/,
      );
      log.store.appendBatch = append;
      await log.close();
      // Restart: the pending entry is drained before anything else.
      log = await openTransparencyLog(conn);
      expect((await store.getDeclaration('NL', 'D-9')).decision.logIndex).toBe(0);
      expect((await log.verify()).ok).toBe(true);
    });

    it('verify proves completeness: a stored decision without its entry fails, naming it', async () => {
      await store.saveAssessments('NL', [assessment('D-3'), assessment('D-4')]);
      await logDecisions(log)();
      expect((await log.verify()).ok).toBe(true);
      const d4 = (await store.getDeclaration('NL', 'D-4')).decision;
      // The state a post-commit append left behind after a crash: a decision with no entry.
      await conn.db.deleteFrom('ledger_records').where('record_id', '=', d4.id).execute();
      await conn.db
        .insertInto('decisions')
        .values({
          ...(await conn.db
            .selectFrom('decisions')
            .selectAll()
            .where('id', '=', d4.id)
            .executeTakeFirstOrThrow()),
          id: 'orphan-decision',
          log_index: null,
        })
        .execute();
      const report = await log.verify();
      expect(report.ok).toBe(false);
      // Entry of D-4 has no record any more: the first gap, by position.
      expect(report.firstDivergence).toMatchObject({ kind: 'ENTRY_WITHOUT_RECORD', index: d4.logIndex });
      expect(report.divergences.map((d) => d.message)).toContainEqual(
        expect.stringMatching(/^decision orphan-decision \(declaration D-4 .*has no log entry/),
      );
    });

    it('a model activation is logged with its activation; one stored without its entry is named', async () => {
      const registry = new ModelRegistry(conn.db, 'NL');
      const v1 = await registry.register(model, { createdAt: 'x' }, 'analyst-1');
      await registry.activate(v1.id, 'head-of-risk', 'probability');
      await log.drainRecords();
      const record = (await log.records.atIndex(0))!;
      expect(record).toMatchObject({ kind: 'model-activation', administration: 'NL' });
      expect(JSON.parse(record.content!)).toMatchObject({
        type: 'model-activation',
        activation: { modelId: v1.id, activatedBy: 'head-of-risk' },
      });
      expect((await log.verify()).ok).toBe(true);
      // Without its record the activation is a gap, and its entry commits to nothing stored.
      await conn.db.deleteFrom('ledger_records').where('kind', '=', 'model-activation').execute();
      const report = await log.verify();
      expect(report.firstDivergence).toMatchObject({ kind: 'ENTRY_WITHOUT_RECORD', index: 0 });
      expect(report.divergences.map((d) => d.message)).toContainEqual(
        expect.stringMatching(
          /^model-activation \S+ \(model NL:fraud:v1 \(administration NL\)\) is stored but has no log entry$/,
        ),
      );
    });

    it('verify names a record edited after it was logged', async () => {
      await store.saveAssessments('NL', [assessment('D-5')]);
      await logDecisions(log)();
      const record = (await log.records.atIndex(0))!;
      await conn.db
        .updateTable('ledger_records')
        .set({ content: record.content!.replace('"red"', '"green"') })
        .where('log_index', '=', 0)
        .execute();
      expect((await log.verify()).firstDivergence).toMatchObject({ kind: 'RECORD_MISMATCH', index: 0 });
    });

    it('a write that fails after its record insert leaves nothing behind (one transaction)', async () => {
      const before = await decisionsCount();
      // Injected failure after the decision and ledger-record inserts, before the commit.
      if (dialect === 'sqlite') {
        await sql`create trigger fail_events before insert on lifecycle_events begin select raise(abort, 'injected'); end`.execute(
          conn.db,
        );
      } else {
        await sql`create function fail_events() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$`.execute(
          conn.db,
        );
        await sql`create trigger fail_events before insert on lifecycle_events for each row execute function fail_events()`.execute(
          conn.db,
        );
      }
      await expect(store.saveAssessments('NL', [assessment('D-6')])).rejects.toThrow(/injected/);
      expect(await decisionsCount()).toBe(before);
      expect(await log.records.pending(10)).toEqual([]);
      expect((await log.verify()).ok).toBe(true);
    });

    it('an override whose reason holds a lone surrogate is not stored (and the log stays complete)', async () => {
      await store.saveAssessments('NL', [assessment('D-7')]);
      await logDecisions(log)();
      const before = await decisionsCount();
      await expect(
        store.overrideDecision('NL', 'D-7', { channel: 'green', reason: 'ok \ud800' }, 'o-1'),
      ).rejects.toThrow();
      expect(await decisionsCount()).toBe(before);
      expect((await store.getDeclaration('NL', 'D-7')).decision.channel).toBe('red');
      expect((await log.verify()).ok).toBe(true);
    });
  });
}

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import type { Channel } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { StoreError } from '../database/store-error.ts';
import { contentHash } from './content-hash.ts';
import { DeclarationStore } from './declaration-store.ts';
import type { AssessmentItem, DecisionInput } from './store-records.ts';

const A = 'ADM-A';
const B = 'ADM-B';

function declaration(id: string, overrides: Partial<Declaration> = {}): Declaration {
  return {
    id,
    type: 'import',
    customsOffice: 'NLRTM001',
    lodgedAt: '2026-11-28T09:00:00Z',
    importer: { id: `IMP-${id}`, name: 'Acme Trading BV', country: 'NL' },
    exporter: { name: 'Shenzhen Export Co', address: { country: 'CN' } },
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'EUR',
    items: [
      {
        sequence: 1,
        hsCode: '300490',
        hsEdition: '2022',
        originCountry: 'CN',
        invoiceValue: 1200.5,
        documents: [],
      },
    ],
    ...overrides,
  };
}

const SELECTION = {
  keyId: 'sel_0123456789abcdef',
  draw: 0.0042,
  rates: { yellow: 0.02, red: 0.01 },
  thresholds: { yellow: 40, red: 80 },
};

function decision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    channel: 'red',
    score: 12.5,
    reasons: [
      {
        source: 'profile',
        code: 'P-MEDICINES',
        message: 'Medicines from a new importer',
        score: 10,
        minChannel: 'yellow',
        instructions: 'Check the marketing authorisation',
        items: [1],
        evidence: { hsCode: '300490', firstTime: true },
      },
      { source: 'random', code: 'RANDOM_RED', message: 'Selected at random', score: 0, minChannel: 'red' },
    ],
    summary: 'red (physical inspection): random selection',
    selection: SELECTION,
    decidedAt: '2026-11-28T10:00:00Z',
    profileVersions: { 'P-MEDICINES': 3 },
    referenceVersion: 'ref-2026-11',
    modelVersion: 'gbdt-7',
    listVersions: { un: 'un:2026-11-01:abc' },
    ...overrides,
  };
}

function item(d: Declaration, dec: DecisionInput = decision(), source = 'api'): AssessmentItem {
  return { declaration: d, contentHash: contentHash(d), source, decision: dec };
}

async function expectStoreError(promise: Promise<unknown>, code: StoreError['code']): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
}

for (const dialect of DIALECTS) {
  describe(`DeclarationStore on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      store = new DeclarationStore(conn);
      await store.ensureAdministration(A, 'Administration A');
      await store.ensureAdministration(B, 'Administration B');
    });

    afterEach(async () => {
      await conn.close();
      await testDb.dispose();
    });

    async function count(table: 'decisions' | 'declaration_versions' | 'lifecycle_events' | 'declarations') {
      const row = await conn.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    it('migrates idempotently', async () => {
      await migrateToLatest(conn);
      await migrateToLatest(conn);
      const applied = await conn.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((r) => (r as { name: string }).name)).toContain('0001-core');
      expect(await count('declarations')).toBe(0);
    });

    it('migrates a second database beside one already migrated (another PostgreSQL schema)', async () => {
      const other = await createTestDatabase(dialect);
      const otherConn = openDatabase(other.url);
      try {
        await migrateToLatest(otherConn);
        const otherStore = new DeclarationStore(otherConn);
        await otherStore.ensureAdministration(A, 'A elsewhere');
        await otherStore.saveAssessments(A, [item(declaration('ELSEWHERE'))]);
        expect((await store.currentVersions(A, ['ELSEWHERE'])).size).toBe(0);
      } finally {
        await otherConn.close();
        await other.dispose();
      }
    });

    it('creates, ignores identical resubmissions and versions amendments', async () => {
      const original = declaration('D1');
      const [created] = await store.saveAssessments(A, [item(original)]);
      expect(created).toMatchObject({ id: 'D1', status: 'created', version: 1 });

      const [same] = await store.saveAssessments(A, [
        item(original, decision({ channel: 'green', score: 0 })),
      ]);
      expect(same).toMatchObject({ status: 'unchanged', version: 1 });
      expect(same!.decision).toEqual(created!.decision);
      expect(await count('decisions')).toBe(1);
      expect(await count('declaration_versions')).toBe(1);

      const changed = declaration('D1', { invoiceTotal: 999 });
      const [amended] = await store.saveAssessments(A, [
        item(changed, decision({ channel: 'yellow' }), 'file:x'),
      ]);
      expect(amended).toMatchObject({ status: 'amended', version: 2 });
      expect(amended!.decision.channel).toBe('yellow');

      const current = await store.currentVersions(A, ['D1', 'NOPE']);
      expect([...current]).toEqual([
        [
          'D1',
          {
            version: 2,
            contentHash: contentHash(changed),
            decisionId: amended!.decision.id,
            // The highest channel ever assigned (red at version 1), not the current yellow.
            floor: { channel: 'red', version: 1 },
          },
        ],
      ]);
      const detail = await store.getDeclaration(A, 'D1');
      expect(detail.declaration).toEqual(changed);
      expect(detail.versions.map((v) => [v.version, v.source])).toEqual([
        [1, 'api'],
        [2, 'file:x'],
      ]);
      expect(detail.decisions.map((d) => [d.version, d.channel])).toEqual([
        [1, 'red'],
        [2, 'yellow'],
      ]);
    });

    it('handles repeated ids inside one batch in order', async () => {
      const a = declaration('D2');
      const b = declaration('D2', { procedure: '4000' });
      const results = await store.saveAssessments(A, [item(a), item(a), item(b)]);
      expect(results.map((r) => [r.status, r.version])).toEqual([
        ['created', 1],
        ['unchanged', 1],
        ['amended', 2],
      ]);
      expect(results[1]!.decision.id).toBe(results[0]!.decision.id);
      expect((await store.getDeclaration(A, 'D2')).declaration).toEqual(b);
    });

    it('round-trips a decision with its full explanation and versions', async () => {
      const [saved] = await store.saveAssessments(A, [
        item(declaration('D3'), decision({ decidedAt: '2026-11-28T11:00:00+01:00' })),
      ]);
      const detail = await store.getDeclaration(A, 'D3');
      expect(detail.decision).toEqual(saved!.decision);
      expect(detail.decision).toMatchObject({
        kind: 'auto',
        channel: 'red',
        score: 12.5,
        summary: 'red (physical inspection): random selection',
        selection: SELECTION,
        decidedAt: '2026-11-28T10:00:00.000Z',
        profileVersions: { 'P-MEDICINES': 3 },
        referenceVersion: 'ref-2026-11',
        modelVersion: 'gbdt-7',
        listVersions: { un: 'un:2026-11-01:abc' },
        officer: null,
        logIndex: null,
      });
      expect(detail.decision.reasons).toEqual(decision().reasons);
      expect(typeof detail.decision.score).toBe('number');
      expect(typeof detail.version).toBe('number');
    });

    it('keeps rejects with their errors, bounded raw text and pagination', async () => {
      const long = 'x'.repeat(70_000);
      const ids = await store.saveRejects(A, [
        {
          source: 'file:a.ndjson',
          batchId: 'b1',
          recordNumber: 1,
          errors: [{ path: '/currency', code: 'unknown_currency', message: 'bad' }],
          raw: '{"currency":"XXX"}',
          receivedAt: '2026-11-28T08:00:00Z',
        },
        {
          source: 'file:a.ndjson',
          batchId: 'b1',
          recordNumber: 2,
          declarationId: 'R2',
          errors: [{ path: '', code: 'malformed_syntax', message: 'not JSON' }],
          raw: long,
          receivedAt: '2026-11-28T08:00:01Z',
        },
        {
          source: 'api',
          recordNumber: 1,
          errors: [{ path: '/id', code: 'required', message: 'missing' }],
          raw: '{}',
          receivedAt: '2026-11-28T08:00:02Z',
        },
      ]);
      expect(ids).toHaveLength(3);

      const batch = await store.listRejects(A, { batchId: 'b1' });
      expect(batch.items.map((r) => r.recordNumber)).toEqual([2, 1]);
      const big = batch.items[0]!;
      expect(big).toMatchObject({ declarationId: 'R2', rawLength: 70_000, truncated: true });
      expect(big.raw.length).toBe(65_536);
      expect(batch.items[1]!.errors).toEqual([
        { path: '/currency', code: 'unknown_currency', message: 'bad' },
      ]);

      const first = await store.listRejects(A, { limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const second = await store.listRejects(A, { limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((r) => r.source)).toEqual(['file:a.ndjson']);
      expect(second.nextCursor).toBeNull();
      expect((await store.listRejects(A, { source: 'api' })).items).toHaveLength(1);
      expect((await store.listRejects(A, { from: '2026-11-28T08:00:01Z' })).items).toHaveLength(2);
    });

    it('isolates administrations from each other', async () => {
      await store.saveAssessments(A, [item(declaration('SHARED'))]);
      await store.saveRejects(A, [{ source: 'api', recordNumber: 1, errors: [], raw: '{}' }]);

      await expectStoreError(store.getDeclaration(B, 'SHARED'), 'NOT_FOUND');
      expect((await store.currentVersions(B, ['SHARED'])).size).toBe(0);
      expect((await store.knownParties(B, ['IMP-SHARED'])).size).toBe(0);
      expect((await store.queue(B)).items).toEqual([]);
      expect((await store.listRejects(B)).items).toEqual([]);
      expect(await store.trainingRows(B)).toEqual([]);
      await expectStoreError(
        store.recordOutcome(B, 'SHARED', { result: 'seizure', fraud: true, critical: true }, 'officer-b'),
        'NOT_FOUND',
      );
      await expectStoreError(
        store.overrideDecision(B, 'SHARED', { channel: 'green', reason: 'mine now' }, 'officer-b'),
        'NOT_FOUND',
      );
      await expectStoreError(store.recordEvent(B, 'SHARED', { event: 'release' }, 'officer-b'), 'NOT_FOUND');

      const [own] = await store.saveAssessments(B, [item(declaration('SHARED', { procedure: '4000' }))]);
      expect(own).toMatchObject({ status: 'created', version: 1 });
      expect((await store.getDeclaration(A, 'SHARED')).declaration.procedure).toBeUndefined();
      await expectStoreError(
        store.saveAssessments('NOBODY', [item(declaration('X'))]),
        'UNKNOWN_ADMINISTRATION',
      );
    });

    it('serves the queue with filters and keyset pagination, newest first', async () => {
      const specs: Array<[string, Channel, string, string]> = [
        ['Q1', 'red', 'NLRTM001', '2026-11-28T10:00:00Z'],
        ['Q2', 'green', 'NLRTM001', '2026-11-28T10:01:00Z'],
        ['Q3', 'red', 'NLAMS002', '2026-11-28T10:02:00Z'],
        ['Q4', 'yellow', 'NLRTM001', '2026-11-28T10:03:00Z'],
        ['Q5', 'red', 'NLRTM001', '2026-11-28T10:03:00Z'],
        ['Q6', 'red', 'NLRTM001', '2026-11-28T10:05:00Z'],
      ];
      await store.saveAssessments(
        A,
        specs.map(([id, channel, office, at]) =>
          item(declaration(id, { customsOffice: office }), decision({ channel, decidedAt: at })),
        ),
      );
      const all = await store.queue(A);
      expect(all.items.map((e) => e.declarationId)).toEqual(['Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1']);
      expect(all.items[0]).toMatchObject({ channel: 'red', score: 12.5, kind: 'auto', status: 'assessed' });
      expect(all.items[0]!.reasons[0]!.code).toBe('P-MEDICINES');
      expect(all.items[0]!.summary).toBe('red (physical inspection): random selection');

      const red = await store.queue(A, { channel: 'red', office: 'NLRTM001' });
      expect(red.items.map((e) => e.declarationId)).toEqual(['Q6', 'Q5', 'Q1']);
      const window = await store.queue(A, { from: '2026-11-28T10:01:00Z', to: '2026-11-28T10:05:00Z' });
      expect(window.items.map((e) => e.declarationId)).toEqual(['Q5', 'Q4', 'Q3', 'Q2']);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.queue(A, { limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((e) => e.declarationId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1']);

      await expectStoreError(store.queue(A, { cursor: 'not-a-cursor' }), 'INVALID_INPUT');
      await expectStoreError(store.queue(A, { limit: 0 }), 'INVALID_INPUT');
    });

    it('records inspection outcomes and exposes them as training rows', async () => {
      await store.saveAssessments(A, [item(declaration('O1', { lodgedAt: '2026-11-01' }))]);
      const [v2] = await store.saveAssessments(A, [
        item(declaration('O1', { lodgedAt: '2026-11-01', invoiceTotal: 5 }), decision({ reasons: [] })),
      ]);
      const outcome = await store.recordOutcome(
        A,
        'O1',
        { result: 'seizure', fraud: true, critical: true, revenueRecovered: 1500.25, notes: 'counterfeit' },
        'officer-7',
      );
      expect(outcome).toMatchObject({ version: 2, decisionId: v2!.decision.id, officer: 'officer-7' });

      const detail = await store.getDeclaration(A, 'O1');
      expect(detail.status).toBe('inspected');
      expect(detail.outcomes).toEqual([outcome]);
      expect(detail.events.map((e) => e.event)).toContain('outcome');

      const rows = await store.trainingRows(A, { from: '2026-11-01', to: '2026-11-02' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        declarationId: 'O1',
        version: 2,
        channel: 'red',
        randomlySelected: false,
        result: 'seizure',
        fraud: true,
        critical: true,
        revenueRecovered: 1500.25,
      });
      expect(rows[0]!.declaration.invoiceTotal).toBe(5);
      expect(await store.trainingRows(A, { from: '2026-11-02' })).toEqual([]);

      const older = await store.recordOutcome(
        A,
        'O1',
        { result: 'no_discrepancy', fraud: false, critical: false, version: 1 },
        'officer-7',
      );
      expect(older.decisionId).not.toBe(v2!.decision.id);
      const trail = await store.auditTrail(A, { subject: 'O1' });
      expect(trail.map((e) => e.action)).toEqual(['outcome.record', 'outcome.record']);

      await expectStoreError(
        store.recordOutcome(A, 'O1', { result: 'lost' as never, fraud: false, critical: false }, 'o'),
        'INVALID_INPUT',
      );
      await expectStoreError(
        store.recordOutcome(
          A,
          'O1',
          { result: 'discrepancy', fraud: true, critical: false, revenueRecovered: -1 },
          'o',
        ),
        'INVALID_INPUT',
      );
      await expectStoreError(
        store.recordOutcome(
          A,
          'O1',
          { result: 'discrepancy', fraud: true, critical: false, version: 3 },
          'o',
        ),
        'INVALID_INPUT',
      );
    });

    it('records outcomes in bulk, all or nothing', async () => {
      await store.saveAssessments(A, [item(declaration('M1')), item(declaration('M2'))]);
      const seizure = { result: 'seizure', fraud: true, critical: false } as const;
      await expectStoreError(
        store.recordOutcomes(
          A,
          [
            { id: 'M1', outcome: seizure },
            { id: 'UNKNOWN', outcome: seizure },
          ],
          'officer-9',
        ),
        'NOT_FOUND',
      );
      expect((await store.getDeclaration(A, 'M1')).outcomes).toEqual([]);
      const stored = await store.recordOutcomes(
        A,
        [
          { id: 'M1', outcome: seizure },
          { id: 'M2', outcome: { result: 'no_discrepancy', fraud: false, critical: false } },
        ],
        'officer-9',
      );
      expect(stored.map((o) => o.result)).toEqual(['seizure', 'no_discrepancy']);
      expect((await store.getDeclaration(A, 'M2')).status).toBe('inspected');
      expect((await store.trainingRows(A)).map((r) => [r.declarationId, r.fraud])).toEqual([
        ['M1', true],
        ['M2', false],
      ]);
    });

    it('summarises channels, statuses, hits and revenue as numbers on both databases', async () => {
      await store.saveAssessments(A, [
        item(declaration('S1'), decision({ channel: 'red', decidedAt: '2026-11-28T10:00:00Z' })),
        item(declaration('S2'), decision({ channel: 'green', decidedAt: '2026-11-28T11:00:00Z' })),
        item(declaration('S3'), decision({ channel: 'yellow', decidedAt: '2026-11-29T10:00:00Z' })),
      ]);
      await store.recordOutcome(
        A,
        'S1',
        { result: 'seizure', fraud: true, critical: true, revenueRecovered: 1500.25 },
        'o',
      );
      await store.recordOutcome(A, 'S3', { result: 'no_discrepancy', fraud: false, critical: false }, 'o');
      expect(await store.summary(A)).toEqual({
        declarations: 3,
        byChannel: { green: 1, yellow: 1, red: 1 },
        byStatus: { assessed: 1, under_inspection: 0, inspected: 2, released: 0 },
        inspections: 2,
        hits: 1,
        seizures: 1,
        revenueRecovered: 1500.25,
      });
      expect(await store.summary(A, { from: '2026-11-28', to: '2026-11-29' })).toMatchObject({
        declarations: 2,
        inspections: 1,
        hits: 1,
      });
      expect(await store.summary(B)).toMatchObject({ declarations: 0, inspections: 0, revenueRecovered: 0 });
    });

    it('overrides a decision with a new row that names the officer, reason and predecessor', async () => {
      const [saved] = await store.saveAssessments(A, [item(declaration('V1'))]);
      const override = await store.overrideDecision(
        A,
        'V1',
        { channel: 'green', reason: 'Authorised medical consignment, documents verified' },
        'officer-3',
      );
      expect(override).toMatchObject({
        kind: 'override',
        channel: 'green',
        officer: 'officer-3',
        supersedes: saved!.decision.id,
        version: 1,
        selection: SELECTION,
        profileVersions: saved!.decision.profileVersions,
      });
      expect(override.reasons.slice(1)).toEqual(saved!.decision.reasons);
      expect(override.reasons[0]).toMatchObject({ source: 'override', code: 'OFFICER_OVERRIDE' });
      expect(override.summary).toContain('by officer override, was red');
      const detail = await store.getDeclaration(A, 'V1');
      expect(detail.decision.id).toBe(override.id);
      expect(detail.decisions.map((d) => d.kind)).toEqual(['auto', 'override']);
      expect((await store.queue(A, { channel: 'green' })).items.map((e) => e.declarationId)).toEqual(['V1']);
      expect((await store.queue(A, { channel: 'red' })).items).toEqual([]);
      expect((await store.auditTrail(A, { subject: 'V1' }))[0]).toMatchObject({
        actor: 'officer-3',
        action: 'decision.override',
        details: { from: 'red', to: 'green' },
      });
      await expectStoreError(
        store.overrideDecision(A, 'V1', { channel: 'red', reason: '   ' }, 'officer-3'),
        'INVALID_INPUT',
      );
      await expectStoreError(
        store.overrideDecision(A, 'V1', { channel: 'blue' as Channel, reason: 'x' }, 'officer-3'),
        'INVALID_INPUT',
      );
    });

    it('refuses a save decided against a head that moved on, writing nothing (STALE_VERSION)', async () => {
      const [v1] = await store.saveAssessments(A, [item(declaration('S1'))]);
      const head = { version: 1, decisionId: v1!.decision.id };
      const amended = (n: number) => ({ ...item(declaration('S1', { invoiceTotal: n })), expected: head });
      const [v2] = await store.saveAssessments(A, [amended(2)]);
      expect(v2).toMatchObject({ status: 'amended', version: 2 });
      const before = { decisions: await count('decisions'), versions: await count('declaration_versions') };
      // Decided against version 1 too, but version 2 landed first: the whole batch is refused.
      await expectStoreError(
        store.saveAssessments(A, [item(declaration('S2')), amended(3)]),
        'STALE_VERSION',
      );
      // An override moves the head as well (the floor may have risen).
      const [v3] = await store.saveAssessments(A, [
        {
          ...item(declaration('S1', { invoiceTotal: 3 })),
          expected: { version: 2, decisionId: v2!.decision.id },
        },
      ]);
      await store.overrideDecision(A, 'S1', { channel: 'green', reason: 'documents checked' }, 'officer-1');
      await expectStoreError(
        store.saveAssessments(A, [
          {
            ...item(declaration('S1', { invoiceTotal: 4 })),
            expected: { version: 3, decisionId: v3!.decision.id },
          },
        ]),
        'STALE_VERSION',
      );
      // A new id expected absent, that another writer created meanwhile.
      await expectStoreError(
        store.saveAssessments(A, [{ ...item(declaration('S1')), expected: null }]),
        'STALE_VERSION',
      );
      expect(await count('decisions')).toBe(before.decisions + 2);
      expect(await count('declaration_versions')).toBe(before.versions + 1);
      expect((await store.currentVersions(A, ['S2'])).size).toBe(0);
    });

    it('refuses malformed override reasons and channels, naming the field, and stores nothing', async () => {
      await store.saveAssessments(A, [item(declaration('OV'))]);
      const decisions = await count('decisions');
      for (const [change, message] of [
        [
          { channel: 'green', reason: 'cleared \ud800' },
          /^reason is not well-formed Unicode: lone surrogate U\+D800/,
        ],
        [{ channel: 'green', reason: 'nul\u0000byte' }, /^reason must not contain control character U\+0000/],
        [{ channel: 'green', reason: 'x'.repeat(2001) }, /^reason is longer than 2000 characters$/],
        [{ channel: 'green', reason: ' ok ' }, /^reason must say why/],
        [{ channel: 'purple', reason: 'a good reason' }, /^channel must be one of green, yellow, red$/],
      ] as const) {
        const error = await store
          .overrideDecision(A, 'OV', change as { channel: Channel; reason: string }, 'officer-1')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
      }
      expect(await count('decisions')).toBe(decisions);
    });

    it('lists API keys without secrets, with when each was last used', async () => {
      const officer = await store.createApiKey(A, 'Rotterdam desk 3', 'officer');
      const other = await store.createApiKey(B, 'Antwerp', 'admin');
      expect((await store.listApiKeys(A)).map((k) => k.id)).toEqual([officer.id]);
      const before = await store.listApiKeys();
      expect(before.map((k) => [k.id, k.administration, k.role, k.name, k.lastUsedAt, k.revokedAt])).toEqual([
        [officer.id, A, 'officer', 'Rotterdam desk 3', null, null],
        [other.id, B, 'admin', 'Antwerp', null, null],
      ]);
      await store.authenticate(officer.secret);
      await store.revokeApiKey(B, other.id, 'admin-b');
      const [used, revoked] = await store.listApiKeys();
      expect(used!.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
      expect(revoked!.revokedAt).not.toBeNull();
      const text = JSON.stringify(await store.listApiKeys());
      expect(text).not.toContain(officer.secret);
      expect(text).not.toContain(createHash('sha256').update(officer.secret).digest('hex'));
    });

    it('mints a once-per-installation key only once, even revoked, even when two starts race', async () => {
      const results = await Promise.all(
        [1, 2, 3].map(() => store.createApiKeyOnce('demo_key', A, 'demo key', 'admin')),
      );
      const created = results.flatMap((r) => ('created' in r ? [r.created] : []));
      expect(created).toHaveLength(1);
      for (const r of results) if ('existingId' in r) expect(r.existingId).toBe(created[0]!.id);
      await store.revokeApiKey(A, created[0]!.id, 'admin');
      expect(await store.createApiKeyOnce('demo_key', A, 'demo key', 'admin')).toEqual({
        existingId: created[0]!.id,
      });
      expect(await store.listApiKeys(A)).toHaveLength(1);
    });

    it('records lifecycle events for clearance-time measurement', async () => {
      await store.saveAssessments(A, [item(declaration('E1', { arrivalAt: '2026-11-28T07:30:00Z' }))]);
      await store.recordEvent(
        A,
        'E1',
        { event: 'inspection_start', at: '2026-11-28T12:00:00Z' },
        'officer-1',
      );
      expect((await store.getDeclaration(A, 'E1')).status).toBe('under_inspection');
      await store.recordEvent(A, 'E1', { event: 'inspection_end', at: '2026-11-28T12:30:00Z' }, 'officer-1');
      await store.recordEvent(A, 'E1', { event: 'release', at: '2026-11-28T13:00:00Z' }, 'officer-1');
      const detail = await store.getDeclaration(A, 'E1');
      expect(detail.status).toBe('released');
      expect(detail.events.map((e) => [e.event, e.at, e.actor])).toEqual([
        ['arrival', '2026-11-28T07:30:00.000Z', 'system'],
        ['lodgement', '2026-11-28T09:00:00.000Z', 'system'],
        ['decision', '2026-11-28T10:00:00.000Z', 'system'],
        ['inspection_start', '2026-11-28T12:00:00.000Z', 'officer-1'],
        ['inspection_end', '2026-11-28T12:30:00.000Z', 'officer-1'],
        ['release', '2026-11-28T13:00:00.000Z', 'officer-1'],
      ]);
      await store.recordOutcome(A, 'E1', { result: 'no_discrepancy', fraud: false, critical: false }, 'o');
      expect((await store.getDeclaration(A, 'E1')).status).toBe('released');
      await expectStoreError(store.recordEvent(A, 'E1', { event: 'decision' }, 'officer-1'), 'INVALID_INPUT');
      await expectStoreError(
        store.recordEvent(A, 'E1', { event: 'release', at: 'yesterday' }, 'o'),
        'INVALID_INPUT',
      );
    });

    it('stores API keys hashed only and authenticates them', async () => {
      const { id, secret } = await store.createApiKey(A, 'Rotterdam desk 3', 'officer');
      const row = await conn.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(secret.slice(-43));

      expect(await store.authenticate(secret)).toEqual({
        administration: A,
        keyId: id,
        role: 'officer',
        name: 'Rotterdam desk 3',
      });
      const last = secret.at(-1) === 'A' ? 'B' : 'A';
      expect(await store.authenticate(`${secret.slice(0, -1)}${last}`)).toBeNull();
      expect(await store.authenticate('glk_short')).toBeNull();
      expect(await store.authenticate('')).toBeNull();

      await expectStoreError(store.revokeApiKey(B, id, 'admin-b'), 'NOT_FOUND');
      await store.revokeApiKey(A, id, 'admin-a');
      expect(await store.authenticate(secret)).toBeNull();
      await expectStoreError(store.revokeApiKey(A, id, 'admin-a'), 'NOT_FOUND');
      await expectStoreError(store.createApiKey(A, 'x', 'root' as never), 'INVALID_INPUT');
      await expectStoreError(store.createApiKey('NOBODY', 'x', 'admin'), 'UNKNOWN_ADMINISTRATION');
      expect((await store.auditTrail(A)).map((e) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    });

    it('versions risk profiles', async () => {
      const p1 = { criteria: { hsChapter: '30' }, weight: 10 };
      const p2 = { criteria: { origin: 'XX' }, weight: 5 };
      expect(
        await store.saveProfiles(
          A,
          [
            { id: 'P1', content: p1 },
            { id: 'P2', content: p2 },
          ],
          'analyst-1',
        ),
      ).toEqual([
        { id: 'P1', status: 'created', version: 1 },
        { id: 'P2', status: 'created', version: 1 },
      ]);
      // Key order does not make a new version: the hash is over canonical JSON.
      expect(
        await store.saveProfiles(
          A,
          [{ id: 'P1', content: { weight: 10, criteria: { hsChapter: '30' } } }],
          'a',
        ),
      ).toEqual([{ id: 'P1', status: 'unchanged', version: 1 }]);
      expect(
        await store.saveProfiles(
          A,
          [
            { id: 'P1', content: { ...p1, weight: 12 } },
            { id: 'P2', content: p2, enabled: false },
          ],
          'analyst-2',
        ),
      ).toEqual([
        { id: 'P1', status: 'amended', version: 2 },
        { id: 'P2', status: 'amended', version: 2 },
      ]);
      await expectStoreError(
        store.saveProfiles(A, [{ id: 'P3', content: { at: new Date() } }], 'a'),
        'INVALID_INPUT',
      );
      const active = await store.activeProfiles(A);
      expect(active.map((p) => [p.id, p.version, p.content, p.createdBy])).toEqual([
        ['P1', 2, { ...p1, weight: 12 }, 'analyst-2'],
      ]);
      expect((await store.auditTrail(A)).map((e) => e.subject)).toEqual(expect.arrayContaining(['P1', 'P2']));
    });

    it("keeps each administration's risk profiles apart", async () => {
      const p1 = { criteria: { hsChapter: '30' }, weight: 10 };
      await store.saveProfiles(A, [{ id: 'P1', content: p1 }], 'analyst-a');
      // B starts from nothing: A's profile is neither B's history nor B's current version.
      expect(await store.activeProfiles(B)).toEqual([]);
      expect(await store.profileVersions(B)).toEqual([]);
      expect(
        await store.saveProfiles(B, [{ id: 'P1', content: { ...p1, weight: 50 } }], 'analyst-b'),
      ).toEqual([{ id: 'P1', status: 'created', version: 1 }]);
      await store.saveProfiles(A, [{ id: 'P1', content: { ...p1, weight: 20 } }], 'analyst-a');
      expect((await store.activeProfiles(A)).map((p) => [p.id, p.version, p.content])).toEqual([
        ['P1', 2, { ...p1, weight: 20 }],
      ]);
      expect((await store.profileVersions(A)).map((p) => p.version)).toEqual([1, 2]);
      expect((await store.activeProfiles(B)).map((p) => [p.version, p.createdBy])).toEqual([
        [1, 'analyst-b'],
      ]);
      expect((await store.auditTrail(B)).filter((e) => e.action === 'profile.save')).toHaveLength(1);
      await expectStoreError(
        store.saveProfiles('NOBODY', [{ id: 'P1', content: p1 }], 'x'),
        'UNKNOWN_ADMINISTRATION',
      );
    });

    it('keys profiles on the analyst version when one is given', async () => {
      const v1 = { id: 'PV', version: 1, content: { weight: 1, version: 1 } };
      expect(await store.saveProfiles(A, [v1], 'a')).toEqual([{ id: 'PV', status: 'created', version: 1 }]);
      expect(await store.saveProfiles(A, [v1], 'a')).toEqual([{ id: 'PV', status: 'unchanged', version: 1 }]);
      await expectStoreError(
        store.saveProfiles(A, [{ ...v1, content: { weight: 2, version: 1 } }], 'a'),
        'CONFLICT',
      );
      expect(
        await store.saveProfiles(A, [{ id: 'PV', version: 3, content: { weight: 2, version: 3 } }], 'a'),
      ).toEqual([{ id: 'PV', status: 'amended', version: 3 }]);
    });

    it('tracks parties for first-time-trader checks', async () => {
      await store.saveAssessments(A, [item(declaration('T1'))]);
      expect(await store.knownParties(A, ['IMP-T1', 'IMP-NEW'])).toEqual(new Set(['IMP-T1']));
      await store.saveAssessments(A, [
        item(declaration('T1', { importer: { id: 'IMP-OTHER', name: 'Other' } })),
      ]);
      expect(await store.knownParties(A, ['IMP-T1', 'IMP-OTHER'])).toEqual(new Set(['IMP-OTHER']));
      expect(await store.parties(A, 'exporter')).toEqual([
        {
          declarationId: 'T1',
          role: 'exporter',
          partyId: null,
          partyName: 'Shenzhen Export Co',
          country: 'CN',
        },
      ]);
    });

    it('rolls a failing batch back completely', async () => {
      await store.saveAssessments(A, [item(declaration('F1'))]);
      // A concurrent writer already took version 2 of F1: the batch must fail as a whole.
      await conn.db
        .insertInto('declaration_versions')
        .values({
          administration: A,
          declaration_id: 'F1',
          version: 2,
          content: '{}',
          content_hash: 'other',
          received_at: '2026-11-28T00:00:00.000Z',
          source: 'elsewhere',
        })
        .execute();
      const before = {
        decisions: await count('decisions'),
        events: await count('lifecycle_events'),
      };
      await expectStoreError(
        store.saveAssessments(A, [item(declaration('F0')), item(declaration('F1', { procedure: '4000' }))]),
        'CONFLICT',
      );
      expect((await store.currentVersions(A, ['F0', 'F1'])).get('F1')?.version).toBe(1);
      expect((await store.currentVersions(A, ['F0'])).size).toBe(0);
      expect(await store.knownParties(A, ['IMP-F0'])).toEqual(new Set());
      expect(await count('decisions')).toBe(before.decisions);
      expect(await count('lifecycle_events')).toBe(before.events);
    });

    it('resolves concurrent first submissions of the same declaration', async () => {
      const d = declaration('C1');
      const results = await Promise.all([
        store.saveAssessments(A, [item(d)]),
        store.saveAssessments(A, [item(d)]),
      ]);
      expect(results.map((r) => r[0]!.status).sort()).toEqual(['created', 'unchanged']);
      expect(await count('declaration_versions')).toBe(1);
    });
  });
}

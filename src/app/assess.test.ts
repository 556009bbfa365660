import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { sampleDeclaration } from '../../test/support/fixtures.ts';
import { openDatabase, type StoreConnection } from '../adapters/store/database.ts';
import { DeclarationStore } from '../adapters/store/declaration-store.ts';
import { migrateToLatest } from '../adapters/store/migrate.ts';
import { type AssessedLine, asInputRecords, createAssessmentService, type RejectedLine } from './assess.ts';
import { assessmentDeps, defaultSelectionPolicy } from './runtime.ts';

const OPTS = { source: 'test', actor: 'tester' };

describe('assessment pipeline without a store', () => {
  it('returns one line per record, in order, decisions and rejects mixed', async () => {
    const service = createAssessmentService(assessmentDeps());
    const lines = await service.assess(
      'x',
      asInputRecords([sampleDeclaration({ id: 'A' }), { id: 'B' }, sampleDeclaration({ id: 'C' })]),
      OPTS,
    );
    expect(lines.map((l) => ('rejected' in l ? `rejected ${l.record}` : l.declarationId))).toEqual([
      'A',
      'rejected 2',
      'C',
    ]);
  });

  it('reproduces random selection from the recorded seed, and changes with the seed', async () => {
    const records = asInputRecords(
      Array.from({ length: 400 }, (_, i) => sampleDeclaration({ id: `R-${i}`, importer: undefined })),
    );
    const policy = (seed: string) => ({
      ...defaultSelectionPolicy(),
      seed,
      randomRates: { yellow: 0.1, red: 0.05 },
    });
    const run = async (seed: string) => {
      const service = createAssessmentService(assessmentDeps({ policy: policy(seed) }));
      const lines = (await service.assess('x', records, OPTS)) as AssessedLine[];
      return lines.map((l) => l.channel).join(',');
    };
    const a = await run('seed-one');
    expect(await run('seed-one')).toBe(a);
    expect(await run('seed-two')).not.toBe(a);
    expect(a.split(',').filter((c) => c !== 'green').length).toBeGreaterThan(20);
  });
});

for (const dialect of DIALECTS) {
  describe(`assessment pipeline with the ${dialect} store`, () => {
    let db: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      conn = openDatabase(db.url);
      await migrateToLatest(conn);
      store = new DeclarationStore(conn);
      await store.ensureAdministration('NL', 'Netherlands');
      await store.ensureAdministration('BE', 'Belgium');
    });
    afterAll(async () => {
      await conn.close();
      await db.dispose();
    });

    it('stores decisions with their explanation, keeps rejects, and records outcomes once', async () => {
      const service = createAssessmentService(assessmentDeps({ store }));
      const records = [
        {
          record: 1,
          value: sampleDeclaration({ id: 'P-1' }),
          outcome: { result: 'seizure' as const, fraud: true, critical: true },
        },
        { record: 2, value: { ...sampleDeclaration({ id: 'P-2' }), currency: 'EURO' } },
      ];
      const lines = await service.assess('NL', records, OPTS);
      expect((lines[0] as AssessedLine).status).toBe('created');
      expect((lines[1] as RejectedLine).errors[0]!.path).toBe('/currency');

      const detail = await store.getDeclaration('NL', 'P-1');
      expect(detail.decision.reasons.map((r) => r.code)).toEqual(
        (lines[0] as AssessedLine).reasons.map((r) => r.code),
      );
      expect(detail.decision.referenceVersion).toMatch(/^ref-/);
      expect(Object.keys(detail.decision.profileVersions).length).toBeGreaterThan(5);
      expect(detail.decision.selection.seed).toBe(defaultSelectionPolicy().seed);
      expect(detail.outcomes.map((o) => [o.result, o.fraud, o.critical])).toEqual([['seizure', true, true]]);
      const rejects = await store.listRejects('NL');
      expect(rejects.items.map((r) => [r.recordNumber, r.declarationId])).toEqual([[2, 'P-2']]);

      // The same record again: a no-op, and its outcome is not recorded twice.
      const again = await service.assess('NL', records.slice(0, 1), OPTS);
      expect((again[0] as AssessedLine).status).toBe('unchanged');
      expect((await store.getDeclaration('NL', 'P-1')).outcomes).toHaveLength(1);
    });

    it('rejects hostile records one by one and decides the others (lone surrogate, NUL, deep nesting)', async () => {
      const service = createAssessmentService(assessmentDeps({ store }));
      let deep: unknown = 'x';
      for (let i = 0; i < 10_000; i++) deep = [deep];
      const d = sampleDeclaration();
      const lines = await service.assess(
        'NL',
        asInputRecords([
          sampleDeclaration({ id: 'H-1' }),
          { ...d, id: 'H-SURROGATE', customsOffice: 'NL\ud800' },
          { ...d, id: 'H-NUL', importer: { ...d.importer, name: 'A\u0000B' } },
          { ...d, id: 'H-DEEP', extra: deep },
          sampleDeclaration({ id: 'H-2' }),
        ]),
        { ...OPTS, batchId: 'hostile' },
      );
      expect(
        lines.map((l) =>
          'rejected' in l
            ? [l.record, l.declarationId, l.errors.map((e) => `${e.path} ${e.code}`)]
            : l.status,
        ),
      ).toEqual([
        'created',
        [2, 'H-SURROGATE', ['/customsOffice invalid_text']],
        [3, 'H-NUL', ['/importer/name invalid_text']],
        [4, 'H-DEEP', [`/extra${'/0'.repeat(31)} too_deep`]],
        'created',
      ]);
      expect((await store.getDeclaration('NL', 'H-2')).versions).toHaveLength(1);
      const rejects = await store.listRejects('NL', { batchId: 'hostile' });
      const raw = new Map(rejects.items.map((r) => [r.declarationId, r.raw]));
      // What a database cannot hold is kept as an escape, where it was.
      expect(raw.get('H-SURROGATE')).toContain('"customsOffice":"NL\\ud800"');
      expect(raw.get('H-NUL')).toContain('"name":"A\\u0000B"');
      expect(raw.get('H-DEEP')).toBe('');
    });

    it('leaves nothing behind when the batch cannot be written: neither decisions nor rejects', async () => {
      const own = await createTestDatabase(dialect);
      const ownConn = openDatabase(own.url);
      try {
        await migrateToLatest(ownConn);
        const ownStore = new DeclarationStore(ownConn);
        await ownStore.ensureAdministration('NL', 'Netherlands');
        // A real failure of the database, mid-batch: the rejects cannot be written.
        await sql`drop table rejects`.execute(ownConn.db);
        const service = createAssessmentService(assessmentDeps({ store: ownStore }));
        await expect(
          service.assess('NL', asInputRecords([sampleDeclaration({ id: 'HALF-1' }), { id: 'HALF-2' }]), OPTS),
        ).rejects.toThrow();
        await expect(ownStore.getDeclaration('NL', 'HALF-1')).rejects.toThrow(/not found/);
      } finally {
        await ownConn.close();
        await own.dispose();
      }
    });

    it('amends on changed content and keeps each administration to itself', async () => {
      const service = createAssessmentService(assessmentDeps({ store }));
      await service.assess('NL', asInputRecords([sampleDeclaration({ id: 'AM-1' })]), OPTS);
      const amended = await service.assess(
        'NL',
        asInputRecords([sampleDeclaration({ id: 'AM-1', invoiceTotal: 1 })]),
        OPTS,
      );
      expect(amended[0]).toMatchObject({ status: 'amended', version: 2 });
      const detail = await store.getDeclaration('NL', 'AM-1');
      expect(detail.versions.map((v) => v.version)).toEqual([1, 2]);
      await expect(store.getDeclaration('BE', 'AM-1')).rejects.toThrow();
      const be = await service.assess('BE', asInputRecords([sampleDeclaration({ id: 'AM-1' })]), OPTS);
      expect(be[0]).toMatchObject({ status: 'created', version: 1 });
    });

    it('knows first-time traders from the store', async () => {
      const service = createAssessmentService(assessmentDeps({ store }));
      const strategic = (id: string) =>
        sampleDeclaration({
          id,
          importer: { id: 'NEW-IMPORTER-7', name: 'New Trading Ltd', country: 'NL' },
          items: [
            {
              ...sampleDeclaration().items[0]!,
              hsCode: '930120',
              description: 'rocket launchers',
              documents: [],
            },
          ],
        });
      const [first] = (await service.assess(
        'NL',
        asInputRecords([strategic('FT-1')]),
        OPTS,
      )) as AssessedLine[];
      const [second] = (await service.assess(
        'NL',
        asInputRecords([strategic('FT-2')]),
        OPTS,
      )) as AssessedLine[];
      const firstTime = (l: AssessedLine) =>
        l.reasons.some((r) => r.code === 'SEC-STRATEGIC-FIRST-TIME-IMPORTER');
      expect(firstTime(first!)).toBe(true);
      expect(firstTime(second!)).toBe(false);
    });
  });
}

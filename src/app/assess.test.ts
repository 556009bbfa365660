import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { sampleDeclaration } from '../../test/support/fixtures.ts';
import { testSelectionKey } from '../../test/support/selection-key.ts';
import { selectionDraw } from '../core/decision/selection-policy.ts';
import type { Channel } from '../core/decision/signal.ts';
import type { DeclarationInput } from '../core/declaration/declaration.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import { decisionRecord } from '../driven/store/ledger-records.ts';
import {
  defaultSelectionPolicy,
  type RuntimeOptions,
  assessmentDeps as runtimeDeps,
} from '../installation/runtime.ts';
import {
  type AssessedLine,
  type AssessmentLine,
  asInputRecords,
  createAssessmentService,
  type RejectedLine,
  type SignalSource,
} from './assess.ts';

const OPTS = { source: 'test', actor: 'tester' };
const KEY = testSelectionKey('assess');
const NO_RANDOM = { ...defaultSelectionPolicy({}), randomRates: { yellow: 0, red: 0 } };

/** The runtime's dependencies with the test key (never the installation's). */
const assessmentDeps = (options: RuntimeOptions = {}) => runtimeDeps({ selectionKey: KEY, ...options });

/** A risk source that requires red for any goods item heavier than 1000 kg (net mass). */
const HEAVY: SignalSource = {
  name: 'heavy',
  kind: 'model',
  signals: (d) =>
    d.items.some((i) => (i.netMass ?? 0) > 1000)
      ? [{ source: 'profile', code: 'HEAVY', message: 'over 1000 kg', score: 0, minChannel: 'red' }]
      : [],
  versions: () => ({}),
};

/** No profiles, no random selection: the channel is HEAVY's alone (plus any amendment floor). */
const heavyOnly = (store: DeclarationStore) =>
  assessmentDeps({ store, loadedProfiles: [], policy: NO_RANDOM, sources: [HEAVY] });

function withMass(id: string, netMass: number): DeclarationInput {
  const base = sampleDeclaration({ id });
  return { ...base, items: [{ ...base.items[0]!, netMass }] };
}

const channelOf = (lines: AssessmentLine[]) => (lines[0] as AssessedLine).channel;

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

  it('gives a checks source the valid declarations of a batch once, before it decides any of them', async () => {
    const calls: string[] = [];
    const registry: SignalSource = {
      name: 'registry',
      kind: 'checks',
      prepareBatch: async (administration, declarations) => {
        calls.push(`batch ${administration} ${declarations.map((d) => d.id).join(',')}`);
      },
      signals: (d) => {
        calls.push(`signals ${d.id}`);
        return d.id === 'C'
          ? [
              {
                source: 'product',
                code: 'LOT_RECALLED',
                message: 'recalled lot',
                score: 0,
                minChannel: 'red',
              },
            ]
          : [];
      },
      versions: () => ({ registry: 'never recorded' }),
    };
    const service = createAssessmentService(
      assessmentDeps({ loadedProfiles: [], policy: NO_RANDOM, sources: [registry] }),
    );
    const records = asInputRecords([
      sampleDeclaration({ id: 'A' }),
      { id: 'B' },
      sampleDeclaration({ id: 'C' }),
    ]);
    const lines = (await service.assess('x', records, OPTS)) as AssessedLine[];
    expect(calls).toEqual(['batch x A,C', 'signals A', 'signals C']);
    expect(lines[2]).toMatchObject({
      channel: 'red',
      reasons: [{ source: 'product', code: 'LOT_RECALLED' }],
    });
  });

  it('reproduces random selection with the same secret key, and changes with the key', async () => {
    const records = asInputRecords(
      Array.from({ length: 400 }, (_, i) => sampleDeclaration({ id: `R-${i}`, importer: undefined })),
    );
    const policy = { ...defaultSelectionPolicy({}), randomRates: { yellow: 0.1, red: 0.05 } };
    const run = async (label: string) => {
      const service = createAssessmentService(
        assessmentDeps({ policy, selectionKey: testSelectionKey(label) }),
      );
      const lines = (await service.assess('x', records, OPTS)) as AssessedLine[];
      return lines.map((l) => l.channel).join(',');
    };
    const a = await run('key-one');
    expect(await run('key-one')).toBe(a);
    expect(await run('key-two')).not.toBe(a);
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
      expect(detail.decision.selection.keyId).toBe(KEY.id);
      expect(JSON.stringify(detail)).not.toContain(Buffer.from(KEY.secret).toString('base64url'));
      // The log entry names the key, never a seed (before: the public seed, so anyone could recompute).
      const entry = decisionRecord('NL', 'h', detail.decision).content as {
        selection: Record<string, unknown>;
      };
      expect(entry.selection).toEqual({ keyId: KEY.id, draw: detail.decision.selection.draw });
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

    it('keeps the draw of a declaration across amendments: drawn red stays red (issue 8, item 3)', async () => {
      const policy = { ...defaultSelectionPolicy({}), randomRates: { yellow: 0, red: 0.3 } };
      const service = createAssessmentService(assessmentDeps({ store, loadedProfiles: [], policy }));
      // Ids this key draws red for NL; amending each must not re-roll it (before: SHA-256 of
      // seed|id|version re-rolled, so 70% of them came back green).
      const red = Array.from({ length: 200 }, (_, i) => `DRAW-${i}`)
        .filter((id) => selectionDraw(KEY.secret, 'channel', 'NL', id) < 0.3)
        .slice(0, 20);
      expect(red).toHaveLength(20);
      const first = await service.assess('NL', asInputRecords(red.map((id) => withMass(id, 850))), OPTS);
      expect(first.map((l) => (l as AssessedLine).channel)).toEqual(red.map(() => 'red'));
      const amended = (await service.assess(
        'NL',
        asInputRecords(red.map((id) => withMass(id, 851))),
        OPTS,
      )) as AssessedLine[];
      expect(amended.map((l) => [l.version, l.channel, l.reasons[0]!.code])).toEqual(
        red.map(() => [2, 'red', 'RANDOM_RED']),
      );
    });

    it('never lowers the channel on amendment; only an override does, and the next amendment restores it', async () => {
      const service = createAssessmentService(heavyOnly(store));
      expect(channelOf(await service.assess('NL', asInputRecords([withMass('FLOOR-1', 5000)]), OPTS))).toBe(
        'red',
      );
      const [lighter] = (await service.assess(
        'NL',
        asInputRecords([withMass('FLOOR-1', 10)]),
        OPTS,
      )) as AssessedLine[];
      expect(lighter).toMatchObject({ version: 2, channel: 'red', status: 'amended' });
      expect(lighter!.reasons.map((r) => r.code)).toEqual(['AMENDMENT_FLOOR']);
      expect(lighter!.summary).toBe('red (physical inspection): an earlier version was red');
      await store.overrideDecision(
        'NL',
        'FLOOR-1',
        { channel: 'green', reason: 'weighed at the quay' },
        'officer-1',
      );
      expect((await store.getDeclaration('NL', 'FLOOR-1')).decision.channel).toBe('green');
      // The highest channel ever assigned binds the next amendment, the override notwithstanding.
      const [again] = (await service.assess(
        'NL',
        asInputRecords([withMass('FLOOR-1', 11)]),
        OPTS,
      )) as AssessedLine[];
      expect(again).toMatchObject({ version: 3, channel: 'red' });
      // An amendment inside one batch is held by the version before it in the same batch.
      const batch = (await service.assess(
        'NL',
        asInputRecords([withMass('FLOOR-2', 5000), withMass('FLOOR-2', 10)]),
        OPTS,
      )) as AssessedLine[];
      expect(batch.map((l) => [l.version, l.channel])).toEqual([
        [1, 'red'],
        [2, 'red'],
      ]);
    });

    it('re-assesses an amendment that raced another one, instead of storing it against the old version (item 7a)', async () => {
      await createAssessmentService(heavyOnly(store)).assess(
        'NL',
        asInputRecords([withMass('RACE-1', 10)]),
        OPTS,
      );
      // B reads the heads (v1 green) and decides, then waits to save until A's red v2 is stored.
      let releaseB!: () => void;
      const aStored = new Promise<void>((resolve) => {
        releaseB = resolve;
      });
      const storeB = new DeclarationStore(conn);
      const save = storeB.saveAssessments.bind(storeB);
      let held = false;
      storeB.saveAssessments = async (admin, items) => {
        if (!held) {
          held = true;
          await aStored;
        }
        return save(admin, items);
      };
      const b = createAssessmentService(heavyOnly(storeB)).assess(
        'NL',
        asInputRecords([withMass('RACE-1', 20)]),
        OPTS,
      );
      await new Promise((r) => setTimeout(r, 50));
      const a = await createAssessmentService(heavyOnly(store)).assess(
        'NL',
        asInputRecords([withMass('RACE-1', 5000)]),
        OPTS,
      );
      expect(a[0]).toMatchObject({ version: 2, channel: 'red' });
      releaseB();
      const [late] = (await b) as AssessedLine[];
      // Before: stored as version 3, green, decided against version 1.
      expect(late).toMatchObject({ version: 3, channel: 'red' });
      expect(late!.reasons.map((r) => r.code)).toEqual(['AMENDMENT_FLOOR']);
      const detail = await store.getDeclaration('NL', 'RACE-1');
      expect(detail.decisions.map((d) => [d.version, d.channel])).toEqual([
        [1, 'green'],
        [2, 'red'],
        [3, 'red'],
      ]);
    });

    it('stores every concurrently submitted version once, each no lower than the versions before it', async () => {
      const service = createAssessmentService(heavyOnly(store));
      const ids = Array.from({ length: 6 }, (_, i) => `CONC-${i}`);
      await service.assess('NL', asInputRecords(ids.map((id) => withMass(id, 10))), OPTS);
      await Promise.all(
        ids.flatMap((id) => [
          service.assess('NL', asInputRecords([withMass(id, 5000)]), OPTS),
          service.assess('NL', asInputRecords([withMass(id, 20)]), OPTS),
        ]),
      );
      const rank: Record<Channel, number> = { green: 0, yellow: 1, red: 2 };
      for (const id of ids) {
        const detail = await store.getDeclaration('NL', id);
        const auto = detail.decisions.filter((d) => d.kind === 'auto');
        expect(auto.map((d) => d.version)).toEqual([1, 2, 3]);
        for (let i = 1; i < auto.length; i++) {
          expect(rank[auto[i]!.channel]).toBeGreaterThanOrEqual(rank[auto[i - 1]!.channel]);
        }
      }
    });
  });
}

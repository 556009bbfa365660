import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { contentHash } from '../../core/declaration/content-hash.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { SelectionMetrics } from '../../core/model/metrics.ts';
import { createScorer, trainRiskModel } from '../../core/model/risk-model.ts';
import { syntheticRecords } from '../../core/model/test-records.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { DeclarationStore } from '../store/declaration-store.ts';
import { trainingSetFromStore } from '../store/training-rows.ts';
import { ModelRegistry, ModelRegistryError } from './model-registry.ts';

const model = trainRiskModel(syntheticRecords(400, 51), { target: 'fraud', params: { maxTrees: 10 } });

for (const dialect of DIALECTS) {
  describe(`model registry on ${dialect}`, () => {
    let tdb: TestDatabase;
    let conn: StoreConnection;
    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      conn = openDatabase(tdb.url);
      await migrateToLatest(conn);
    });
    afterEach(async () => {
      await conn.close();
      await tdb.dispose();
    });

    it('versions models, activates one at a time and remembers who did it', async () => {
      const registry = new ModelRegistry(conn.db, 'ADM-A');
      const other = new ModelRegistry(conn.db, 'ADM-B');
      await expect(registry.active('fraud')).rejects.toMatchObject({ code: 'NO_ACTIVE_MODEL' });
      const v1 = await registry.register(model, { createdAt: 'x' }, 'analyst-1');
      const v2 = await registry.register(model, { createdAt: 'y' }, 'analyst-2');
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1.id).toBe('ADM-A:fraud:v1');
      expect(v1.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(v1.window).toEqual(model.window);
      expect((await other.register(model, { createdAt: 'z' }, 'b')).version).toBe(1);

      await registry.activate(v1.id, 'head-of-risk', 'probability');
      await registry.activate(v2.id, 'head-of-risk-2', 'blend');
      const active = await registry.active('fraud');
      expect(active.summary.id).toBe(v2.id);
      expect(active.policy).toBe('blend');
      const r = syntheticRecords(5, 52).records[0]!;
      expect(createScorer(active.model).score(r)).toEqual(createScorer(model).score(r));
      const list = await registry.list('fraud');
      expect(list.map((v) => [v.version, v.active])).toEqual([
        [2, true],
        [1, false],
      ]);
      const history = await registry.history('fraud');
      expect(history.map((h) => [h.modelId, h.activatedBy, h.policy])).toEqual([
        [v2.id, 'head-of-risk-2', 'blend'],
        [v1.id, 'head-of-risk', 'probability'],
      ]);
      await expect(registry.activate('ADM-B:fraud:v1', 'x', 'probability')).rejects.toBeInstanceOf(
        ModelRegistryError,
      );
    });

    it('reads training rows from recorded inspection outcomes', async () => {
      const store = new DeclarationStore(conn);
      await store.ensureAdministration('ADM-A', 'A');
      const decl = (id: string, importer: string): Declaration => ({
        id,
        type: 'import',
        customsOffice: '10',
        lodgedAt: '2021-04-01T09:00:00Z',
        importer: { id: importer },
        transportDocuments: [],
        containers: [],
        route: [],
        currency: 'KRW',
        items: [
          {
            sequence: 1,
            hsCode: '640399',
            hsEdition: '2017',
            originCountry: 'CN',
            netMass: 10,
            customsValue: 100,
            dutyRate: 8,
            documents: [],
          },
        ],
      });
      const decision = {
        channel: 'red' as const,
        score: 90,
        reasons: [],
        summary: 'red',
        selection: {
          keyId: 'sel_0123456789abcdef',
          draw: 0.5,
          rates: { yellow: 0, red: 0 },
          thresholds: { yellow: 40, red: 80 },
        },
        decidedAt: '2021-04-01T10:00:00Z',
        profileVersions: {},
        referenceVersion: 'r',
      };
      const ds = [decl('D1', 'IMP1'), decl('D2', 'IMP2'), decl('D3', 'IMP3')];
      await store.saveAssessments(
        'ADM-A',
        ds.map((d) => ({ declaration: d, contentHash: contentHash(d), source: 'api', decision })),
      );
      await store.recordOutcomes(
        'ADM-A',
        [
          { id: 'D1', outcome: { result: 'discrepancy', fraud: true, critical: false } },
          { id: 'D2', outcome: { result: 'seizure', fraud: true, critical: true } },
        ],
        'officer-1',
      );
      const set = await trainingSetFromStore(store, 'ADM-A');
      expect(set.declarations).toBe(2);
      expect(set.records.map((r) => r.importer)).toEqual(['IMP1', 'IMP2']);
      expect(Array.from(set.outcomes)).toEqual([1, 2]);
    });
  });
}

const critical = trainRiskModel(syntheticRecords(400, 53), { target: 'critical', params: { maxTrees: 5 } });
const metrics: SelectionMetrics = {
  rows: 120,
  precisionAt: { 1: 1, 2: 0.5, 5: 0.4, 10: 0.3 },
  recallAt: { 1: 0.1, 2: 0.2, 5: 0.5, 10: 0.7 },
  revenueAt: { 1: 0.2, 2: 0.3, 5: 0.6, 10: 0.8 },
  auc: 0.81,
};

for (const dialect of DIALECTS) {
  describe(`model registry, method by method (${dialect})`, () => {
    let tdb: TestDatabase;
    let conn: StoreConnection;
    let tick = 0;
    /** A clock that moves one minute a call, so every stored time is known. */
    const clock = () => new Date(Date.UTC(2026, 0, 1, 0, tick++));
    const registryOf = (administration: string) => new ModelRegistry(conn.db, administration, clock);
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      conn = openDatabase(tdb.url);
      await migrateToLatest(conn);
    });
    afterAll(async () => {
      await conn.close();
      await tdb.dispose();
    });

    it('register: numbers versions per administration and target, keeps metrics, window and who, inactive', async () => {
      tick = 0;
      const reg = registryOf('RA');
      const f1 = await reg.register(model, { createdAt: 'x', validation: metrics }, 'ana');
      const c1 = await reg.register(critical, { createdAt: 'x' }, 'ben');
      const f2 = await reg.register(model, { createdAt: 'y' }, 'cy');
      expect(f1).toEqual({
        id: 'RA:fraud:v1',
        target: 'fraud',
        version: 1,
        contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        metrics,
        window: model.window,
        createdBy: 'ana',
        createdAt: '2026-01-01T00:00:00.000Z',
        active: false,
      });
      expect([c1.id, c1.version, c1.metrics, c1.createdAt]).toEqual([
        'RA:critical:v1',
        1,
        null,
        '2026-01-01T00:01:00.000Z',
      ]);
      expect(f2.id).toBe('RA:fraud:v2');
      // The hash is of the stored file: other metadata, another hash.
      expect(f2.contentHash).not.toBe(f1.contentHash);
      expect((await registryOf('RB').register(model, { createdAt: 'x' }, 'dee')).id).toBe('RB:fraud:v1');
    });

    it('list: all versions of the administration, by target then newest first, or of one target', async () => {
      const reg = registryOf('RA');
      expect((await reg.list()).map((v) => v.id)).toEqual(['RA:critical:v1', 'RA:fraud:v2', 'RA:fraud:v1']);
      expect((await reg.list('critical')).map((v) => v.id)).toEqual(['RA:critical:v1']);
      expect((await reg.list('fraud'))[1]!.metrics).toEqual(metrics);
      expect((await registryOf('RB').list()).map((v) => v.id)).toEqual(['RB:fraud:v1']);
      expect(await registryOf('RC').list()).toEqual([]);
    });

    it('activate: one version in force per target, logged with who and the policy; only its own versions', async () => {
      tick = 10;
      const reg = registryOf('RA');
      expect(await reg.activate('RA:fraud:v1', 'head', 'revenue')).toEqual({
        modelId: 'RA:fraud:v1',
        target: 'fraud',
        policy: 'revenue',
        activatedBy: 'head',
        activatedAt: '2026-01-01T00:10:00.000Z',
      });
      await reg.activate('RA:critical:v1', 'head', 'probability');
      await reg.activate('RA:fraud:v2', 'deputy', 'blend');
      expect((await reg.list()).map((v) => [v.id, v.active])).toEqual([
        ['RA:critical:v1', true],
        ['RA:fraud:v2', true],
        ['RA:fraud:v1', false],
      ]);
      // Another administration's version answers like a missing one, and changes nothing.
      for (const id of ['RB:fraud:v1', 'RA:fraud:v9'])
        await expect(reg.activate(id, 'x', 'blend')).rejects.toMatchObject({
          name: 'ModelRegistryError',
          code: 'UNKNOWN_MODEL',
          message: `no model version "${id}"`,
        });
      await expect(registryOf('RB').activate('RA:fraud:v1', 'x', 'blend')).rejects.toMatchObject({
        code: 'UNKNOWN_MODEL',
      });
      expect((await registryOf('RB').list()).map((v) => v.active)).toEqual([false]);
      expect((await reg.list('fraud')).map((v) => v.active)).toEqual([true, false]);
      // Each activation has its pending log entry, written in the same transaction.
      const logged = await conn.db
        .selectFrom('ledger_records')
        .select(['administration', 'content'])
        .where('kind', '=', 'model-activation')
        .execute();
      expect(logged.map((r) => [r.administration, JSON.parse(r.content!).activation.modelId]).sort()).toEqual(
        [
          ['RA', 'RA:critical:v1'],
          ['RA', 'RA:fraud:v1'],
          ['RA', 'RA:fraud:v2'],
        ],
      );
    });

    it('history: the activations of one target, newest first, of the administration only', async () => {
      const reg = registryOf('RA');
      expect(
        (await reg.history('fraud')).map((a) => [a.modelId, a.activatedBy, a.policy, a.activatedAt]),
      ).toEqual([
        ['RA:fraud:v2', 'deputy', 'blend', '2026-01-01T00:12:00.000Z'],
        ['RA:fraud:v1', 'head', 'revenue', '2026-01-01T00:10:00.000Z'],
      ]);
      expect((await reg.history('critical')).map((a) => a.modelId)).toEqual(['RA:critical:v1']);
      expect(await registryOf('RB').history('fraud')).toEqual([]);
    });

    it('active: the version in force, ready to score, with the policy it was activated with', async () => {
      const reg = registryOf('RA');
      const fraud = await reg.active('fraud');
      expect([fraud.summary.id, fraud.policy, fraud.meta.createdAt]).toEqual(['RA:fraud:v2', 'blend', 'y']);
      const r = syntheticRecords(3, 54).records[0]!;
      expect(createScorer(fraud.model).score(r)).toEqual(createScorer(model).score(r));
      const crit = await reg.active('critical');
      expect([crit.summary.id, crit.policy, crit.model.target]).toEqual([
        'RA:critical:v1',
        'probability',
        'critical',
      ]);
      // Reactivating an older version puts it back in force with its new policy.
      await reg.activate('RA:fraud:v1', 'head', 'probability');
      expect([(await reg.active('fraud')).summary.id, (await reg.active('fraud')).policy]).toEqual([
        'RA:fraud:v1',
        'probability',
      ]);
      for (const [admin, target] of [
        ['RB', 'fraud'],
        ['RC', 'critical'],
      ] as const)
        await expect(registryOf(admin).active(target)).rejects.toMatchObject({
          name: 'ModelRegistryError',
          code: 'NO_ACTIVE_MODEL',
          message: `no active ${target} model`,
        });
    });
  });
}

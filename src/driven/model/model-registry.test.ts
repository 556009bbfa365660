import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { contentHash } from '../../core/declaration/content-hash.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
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

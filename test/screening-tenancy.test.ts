import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssessmentService } from '../src/app/assess.ts';
import type { SelectionPolicy } from '../src/core/decision/selection-policy.ts';
import { trainRiskModel } from '../src/core/model/risk-model.ts';
import { syntheticRecords } from '../src/core/model/test-records.ts';
import { compileProfiles } from '../src/core/rules/evaluate.ts';
import { addName, newEntity } from '../src/core/screening/entity.ts';
import { openDatabase, type StoreConnection } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { loadScreeningContext } from '../src/driven/lists/screening-context.ts';
import { ModelRegistry } from '../src/driven/model/model-registry.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { ScreeningStore } from '../src/driven/store/screening-store.ts';
import { createApp } from '../src/driving/http/app.ts';
import type { ApiApp } from '../src/driving/http/route-module.ts';
import { greenlaneRoutes } from '../src/driving/http/routes/index.ts';
import { AlertService } from '../src/installation/alert-service.ts';
import { dataDir } from '../src/installation/config.ts';
import { openRiskSources, type RiskSources } from '../src/installation/risk-sources.ts';
import { testDeclaration } from './support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from './support/databases.ts';
import { testSelectionKey } from './support/selection-key.ts';

/**
 * Screening across administrations, through the real API and assessment pipeline: administration
 * XB's keys cannot list, read, clear or confirm XA's hits or see its good parties; XA's clearance
 * needs two of its analysts, applies to XA's next declaration at once and never to XB's; a model
 * XB puts in force changes XB's next decisions and not XA's.
 */

const POLICY: SelectionPolicy = {
  thresholds: { yellow: 20, red: 50 },
  randomRates: { yellow: 0, red: 0 },
};

const listed = newEntity('un', 'QDi.900', 'person');
addName(listed, 'Abdul Rahman Yasin', 'primary');
const UN_VERSION = {
  list: 'un' as const,
  publishedOn: '2026-02-27',
  sha256: 'a'.repeat(64),
  origin: ['test'],
  entities: [listed],
};

/** A declaration whose importer is the listed person: red while the hit stands. */
function fromListedImporter(id: string) {
  return { ...testDeclaration(id), importer: { id: 'IMP-YASIN', name: 'Abdul Rahman Yasin', country: 'NL' } };
}

type Json = any;

for (const dialect of DIALECTS) {
  describe(`screening tenancy through the API on ${dialect}`, () => {
    let database: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let risk: RiskSources;
    let app: ApiApp;
    const keys: Record<string, string> = {};
    let n = 0;

    const call = (key: string, path: string, body?: unknown) =>
      app.request(
        path,
        body === undefined
          ? { headers: { authorization: `Bearer ${key}` } }
          : {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            },
      );
    /** Submits a fresh declaration from the listed importer and returns its channel. */
    const nextChannel = async (key: string): Promise<string> => {
      const res = await call(key, '/v1/declarations', fromListedImporter(`D-${++n}`));
      expect(res.status).toBe(200);
      return ((await res.json()) as Json).results[0].channel;
    };

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      conn = openDatabase(database.url);
      await migrateToLatest(conn);
      store = new DeclarationStore(conn);
      for (const admin of ['XA', 'XB']) await store.ensureAdministration(admin, admin);
      for (const [name, admin, role] of [
        ['aIngest', 'XA', 'ingest'],
        ['aAnalyst', 'XA', 'analyst'],
        ['aAnalyst2', 'XA', 'analyst'],
        ['bIngest', 'XB', 'ingest'],
        ['bAnalyst', 'XB', 'analyst'],
        ['bAdmin', 'XB', 'admin'],
      ] as const)
        keys[name] = (await store.createApiKey(admin, name, role)).secret;
      await new ScreeningStore(conn.db).saveListVersion(UN_VERSION, 'test');
      risk = await openRiskSources({
        conn,
        screening: await loadScreeningContext(new ScreeningStore(conn.db), {
          dataDirectory: dataDir(),
          source: 'auto',
        }),
        recordParties: true,
        policy: POLICY,
        selectionKey: testSelectionKey('tenancy-test'),
      });
      const reference = referenceData(dataDir());
      const { assess } = createAssessmentService({
        reference,
        profiles: compileProfiles([], reference),
        policy: POLICY,
        selectionKey: testSelectionKey('tenancy-test'),
        store,
        sources: risk.sources,
        afterSave: [risk.afterSave],
      });
      const screening = risk.screening!;
      app = createApp({
        authenticate: store.authenticate,
        routes: greenlaneRoutes({
          conn,
          store,
          assess,
          alerts: new AlertService({ conn }),
          screening: {
            index: () => screening.index,
            store: screening.store,
            resolveCountry: (v) => v,
            refresh: screening.refresh,
            isCleared: screening.isCleared,
            recordHits: screening.recordHits,
          },
        }),
      });
    }, 120_000);
    afterAll(async () => {
      await conn?.close();
      await database?.dispose();
    });

    it('refuses every attempt of another administration on a hit, and the hit keeps its effect', async () => {
      expect(await nextChannel(keys.aIngest!)).toBe('red');
      const mine = (await (await call(keys.aAnalyst!, '/v1/screening/hits')).json()) as Json;
      expect(mine.items).toHaveLength(1);
      const hit = mine.items[0];
      expect(hit).toMatchObject({
        list: 'un',
        entityId: 'QDi.900',
        status: 'open',
        nameScore: 1,
        fourEyes: true,
      });

      // B lists nothing of A's, and A's hit id answers exactly like an id that does not exist.
      for (const key of [keys.bAnalyst!, keys.bAdmin!]) {
        expect(((await (await call(key, '/v1/screening/hits')).json()) as Json).items).toEqual([]);
        expect(((await (await call(key, '/v1/screening/good-parties')).json()) as Json).items).toEqual([]);
        const missing = await call(key, '/v1/screening/hits/no-such-hit');
        const foreign = await call(key, `/v1/screening/hits/${hit.id}`);
        expect(foreign.status).toBe(404);
        expect(((await foreign.json()) as Json).error.message).toBe(
          ((await missing.json()) as Json).error.message.replace('no-such-hit', hit.id),
        );
        for (const verdict of ['false_positive', 'true_positive']) {
          const res = await call(key, `/v1/screening/hits/${hit.id}/adjudication`, { verdict });
          expect(res.status).toBe(404);
        }
        expect((await call(key, `/v1/screening/hits/${hit.id}/confirmation`, { note: 'x' })).status).toBe(
          404,
        );
      }

      // A's analyst clears it: only pending, and B's analyst cannot supply the second pair of eyes.
      const pending = await call(keys.aAnalyst!, `/v1/screening/hits/${hit.id}/adjudication`, {
        verdict: 'false_positive',
        note: 'not the listed person',
      });
      expect(((await pending.json()) as Json).stage).toBe('pending');
      expect(
        (await call(keys.bAnalyst!, `/v1/screening/hits/${hit.id}/confirmation`, { note: '' })).status,
      ).toBe(404);
      const self = await call(keys.aAnalyst!, `/v1/screening/hits/${hit.id}/confirmation`, { note: '' });
      expect(self.status).toBe(409);
      expect(((await self.json()) as Json).error.message).toMatch(
        /four-eyes rule: a different analyst must confirm/,
      );
      // Until a second analyst of A confirms, A's next declaration from that party is still red.
      expect(await nextChannel(keys.aIngest!)).toBe('red');
      expect(
        ((await (await call(keys.aAnalyst!, `/v1/screening/hits/${hit.id}`)).json()) as Json).hit.status,
      ).toBe('pending_clearance');
    });

    it("applies a confirmed clearance to the administration's next declaration at once, and never to another's", async () => {
      expect(await nextChannel(keys.bIngest!)).toBe('red');
      const [hit] = (
        (await (await call(keys.aAnalyst!, '/v1/screening/hits?status=pending_clearance')).json()) as Json
      ).items;
      const confirmed = await call(keys.aAnalyst2!, `/v1/screening/hits/${hit.id}/confirmation`, {
        note: 'second check: DOB differs',
      });
      expect(confirmed.status).toBe(200);
      expect(((await confirmed.json()) as Json).hit.status).toBe('false_positive');
      // No restart: the very next declaration of A goes green, B's stay red.
      expect(await nextChannel(keys.aIngest!)).toBe('green');
      expect(await nextChannel(keys.bIngest!)).toBe('red');
      expect(
        ((await (await call(keys.bAnalyst!, '/v1/screening/good-parties')).json()) as Json).items,
      ).toEqual([]);
      expect(
        ((await (await call(keys.aAnalyst!, '/v1/screening/good-parties')).json()) as Json).items,
      ).toHaveLength(1);
      // POST /v1/screen (the same party data) follows the same lists: cleared for A, a match for B.
      const screen = async (key: string) =>
        (
          (await (
            await call(key, '/v1/screen', { name: 'Abdul Rahman Yasin', country: 'NL' })
          ).json()) as Json
        ).results[0].matches.length;
      expect(await screen(keys.aAnalyst!)).toBe(0);
      expect(await screen(keys.bAnalyst!)).toBe(1);
      // B's own hit is B's to adjudicate; A's analysts cannot reach it.
      const [hitB] = ((await (await call(keys.bAnalyst!, '/v1/screening/hits')).json()) as Json).items;
      expect(hitB.id).not.toBe(hit.id);
      expect(
        (
          await call(keys.aAnalyst!, `/v1/screening/hits/${hitB.id}/adjudication`, {
            verdict: 'false_positive',
          })
        ).status,
      ).toBe(404);
      // A true positive withdraws A's clearance for the next declaration, again without a restart.
      await call(keys.aAnalyst!, `/v1/screening/hits/${hit.id}/adjudication`, { verdict: 'true_positive' });
      expect(await nextChannel(keys.aIngest!)).toBe('red');
    });

    it("puts a model in force for its own administration's next declaration only", async () => {
      const model = trainRiskModel(syntheticRecords(300, 7), { target: 'fraud', params: { maxTrees: 5 } });
      const registry = new ModelRegistry(conn.db, 'XB');
      const v = await registry.register(model, { createdAt: 'test' }, 'analyst');
      const modelOf = async (key: string) => {
        const id = `M-${++n}`;
        await call(key, '/v1/declarations', testDeclaration(id));
        return (
          ((await (await call(key, `/v1/declarations/${id}`)).json()) as Json).decision.modelVersion ?? null
        );
      };
      expect(await modelOf(keys.bIngest!)).toBeNull();
      await registry.activate(v.id, 'head of risk', 'probability');
      expect(await modelOf(keys.bIngest!)).toBe(v.id);
      expect(await modelOf(keys.aIngest!)).toBeNull();
    });
  });
}

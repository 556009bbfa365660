import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../../test/support/databases.ts';
import { buildScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { addName, newEntity } from '../../../core/screening/entity.ts';
import { testNameTables } from '../../../core/screening/test-tables.ts';
import { openDatabase, type StoreConnection } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { hitFingerprints } from '../../../driven/lists/screening-context.ts';
import { ScreeningStore } from '../../../driven/store/screening-store.ts';
import { createApp } from '../app.ts';
import type { ApiApp } from '../route-module.ts';
import { screeningRoutes } from './screening.ts';

type Json = any;
const json = async (res: Response): Promise<Json> => res.json();

const person = newEntity('un', 'QDi.001', 'person');
addName(person, 'Abdul Rahman Yasin', 'primary');
person.nationalities.push('IQ');
const version = {
  list: 'un' as const,
  publishedOn: '2026-02-27',
  sha256: 'd'.repeat(64),
  origin: ['test'],
  entities: [person],
};
const index = buildScreeningIndex([version], testNameTables());

const KEYS: Record<string, { role: 'analyst' | 'ingest'; name: string; administration: string }> = {
  'analyst-secret': { role: 'analyst', name: 'Ana Lyst', administration: 'XA' },
  'second-analyst-secret': { role: 'analyst', name: 'Ben Second', administration: 'XA' },
  'ingest-secret': { role: 'ingest', name: 'feed', administration: 'XA' },
  'foreign-analyst-secret': { role: 'analyst', name: 'Other Admin', administration: 'XB' },
};

for (const dialect of DIALECTS) {
  describe(`screening API (${dialect})`, () => {
    let db: TestDatabase;
    let conn: StoreConnection;
    let app: ApiApp;
    const auth = (secret: string) => ({
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
    });

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      conn = openDatabase(db.url);
      await migrateToLatest(conn);
      const store = new ScreeningStore(conn.db);
      await store.saveListVersion(version, 'test');
      const fp = hitFingerprints(index);
      app = createApp({
        authenticate: async (secret) => {
          const k = KEYS[secret];
          return k
            ? { administration: k.administration, keyId: `k-${secret}`, role: k.role, name: k.name }
            : null;
        },
        routes: [
          screeningRoutes({
            index: () => index,
            store,
            resolveCountry: (v) =>
              v && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : v === 'Iraq' ? 'IQ' : undefined,
            recordHits: async (admin, query, hits) => {
              const key = await store.recordParty(admin, query);
              await store.recordHits(admin, key, hits, fp, 'screen');
            },
          }),
        ],
      });
    });
    afterAll(async () => {
      await conn.close();
      await db.dispose();
    });

    it('screens one party and a batch, naming the list version', async () => {
      const one = await app.request('/v1/screen', {
        method: 'POST',
        headers: auth('analyst-secret'),
        body: JSON.stringify({ id: 'p1', name: 'Abdul Rahman Yasin', type: 'person', country: 'Iraq' }),
      });
      expect(one.status).toBe(200);
      const body = await json(one);
      expect(body.results[0].matches[0]).toMatchObject({
        list: 'un',
        entityId: 'QDi.001',
        decision: 'match',
        version: 'un:2026-02-27:dddddddddddd',
      });
      expect(body.versions).toEqual(['un:2026-02-27:dddddddddddd']);
      const batch = await app.request('/v1/screen', {
        method: 'POST',
        headers: auth('analyst-secret'),
        body: JSON.stringify({
          parties: [{ name: 'Jane Doe' }, { id: 'x', name: 'Abdul Rahman Yassin', type: 'person' }],
        }),
      });
      const b = await json(batch);
      expect(b.results.map((r: { matches: unknown[] }) => r.matches.length)).toEqual([0, 1]);
    });

    it('rejects invalid parties and unauthenticated calls with the API error shape', async () => {
      const bad = await app.request('/v1/screen', {
        method: 'POST',
        headers: auth('analyst-secret'),
        body: JSON.stringify({ type: 'alien' }),
      });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.code).toBe('validation_failed');
      const unauth = await app.request('/v1/screen', { method: 'POST', body: '{}' });
      expect(unauth.status).toBe(401);
    });

    it('lists hits and records an adjudication with who made it; only analysts may adjudicate', async () => {
      const hits = await json(
        await app.request('/v1/screening/hits?status=open', { headers: auth('analyst-secret') }),
      );
      expect(hits.items.length).toBeGreaterThan(0);
      const id = hits.items[0].id;
      const forbidden = await app.request(`/v1/screening/hits/${id}/adjudication`, {
        method: 'POST',
        headers: auth('ingest-secret'),
        body: JSON.stringify({ verdict: 'false_positive' }),
      });
      expect(forbidden.status).toBe(403);
      const res = await app.request(`/v1/screening/hits/${id}/adjudication`, {
        method: 'POST',
        headers: auth('analyst-secret'),
        body: JSON.stringify({ verdict: 'false_positive', note: 'other person' }),
      });
      expect(res.status).toBe(200);
      // An exact match on the UN list: the clearance waits for a second analyst.
      expect(await json(res)).toMatchObject({
        stage: 'pending',
        hit: { status: 'pending_clearance', fourEyes: true },
      });
      const confirm = (secret: string) =>
        app.request(`/v1/screening/hits/${id}/confirmation`, {
          method: 'POST',
          headers: auth(secret),
          body: JSON.stringify({ note: 'checked the DOB' }),
        });
      const self = await confirm('analyst-secret');
      expect(self.status).toBe(409);
      expect((await json(self)).error.message).toMatch(/proposed by Ana Lyst .*different analyst/);
      expect((await confirm('foreign-analyst-secret')).status).toBe(404);
      const confirmed = await confirm('second-analyst-secret');
      expect(confirmed.status).toBe(200);
      expect(await json(confirmed)).toMatchObject({
        stage: 'confirmation',
        hit: { status: 'false_positive' },
      });
      const shown = await json(
        await app.request(`/v1/screening/hits/${id}`, { headers: auth('analyst-secret') }),
      );
      expect(
        shown.adjudications.map((a: { stage: string; analyst: string }) => [a.stage, a.analyst]),
      ).toEqual([
        ['pending', 'Ana Lyst (key k-analyst-secret)'],
        ['confirmation', 'Ben Second (key k-second-analyst-secret)'],
      ]);
      const missing = await app.request('/v1/screening/hits/nope/adjudication', {
        method: 'POST',
        headers: auth('analyst-secret'),
        body: JSON.stringify({ verdict: 'true_positive' }),
      });
      expect(missing.status).toBe(404);
    });

    it('lists the stored and live list versions', async () => {
      const res = await json(await app.request('/v1/screening/lists', { headers: auth('analyst-secret') }));
      expect(res.live).toEqual(['un:2026-02-27:dddddddddddd']);
      expect(res.stored[0]).toMatchObject({ list: 'un', entityCount: 1, loadedBy: 'test' });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../../test/support/databases.ts';
import { buildScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { addName, newEntity } from '../../../core/screening/entity.ts';
import { testNameTables } from '../../../core/screening/test-tables.ts';
import { openDatabase, type StoreConnection } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import type { ApiKeyRole } from '../../../driven/store/api-key-records.ts';
import { ScreeningStore } from '../../../driven/store/screening-store.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits, SCREEN_LIMITS } from '../../../installation/config.ts';
import { createApp } from '../app.ts';
import type { ApiApp } from '../route-module.ts';
import { screeningRoutes } from './screening.ts';

type Json = any;

const person = newEntity('un', 'QDi.001', 'person');
addName(person, 'Abdul Rahman Yasin', 'primary');
const index = buildScreeningIndex(
  [{ list: 'un', publishedOn: '2026-02-27', sha256: 'd'.repeat(64), origin: ['test'], entities: [person] }],
  testNameTables(),
);

for (const dialect of DIALECTS) {
  describe(`POST /v1/screen limits (${dialect})`, () => {
    let db: TestDatabase;
    let conn: StoreConnection;
    let store: ScreeningStore;

    /** The app with one key per role (`<role>-1`, `<role>-2`...) and the given rate limits. */
    const appWith = (rateLimits?: RateLimits): ApiApp =>
      createApp({
        authenticate: async (secret) => {
          const [role, n] = secret.split('-') as [ApiKeyRole, string];
          return { administration: 'XA', keyId: `${role}${n}`, role, name: secret };
        },
        routes: [screeningRoutes({ index: () => index, store, resolveCountry: () => undefined })],
        ...(rateLimits ? { rateLimits } : {}),
      });
    const screen = (app: ApiApp, key: string, body: unknown) =>
      app.request('/v1/screen', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      conn = openDatabase(db.url);
      await migrateToLatest(conn);
      store = new ScreeningStore(conn.db);
    });
    afterAll(async () => {
      await conn.close();
      await db.dispose();
    });

    it('refuses a name longer than the limit, naming the field and the limit', async () => {
      const app = appWith();
      const long = 'a'.repeat(SCREEN_LIMITS.maxNameLength + 1);
      const res = await screen(app, 'analyst-1', { parties: [{ name: 'Jane Doe' }, { name: long }] });
      expect(res.status).toBe(400);
      const body: Json = await res.json();
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details).toContainEqual(
        expect.objectContaining({
          path: '/parties/1/name',
          message: `a name may have at most ${SCREEN_LIMITS.maxNameLength} characters`,
        }),
      );
      const atLimit = await screen(app, 'analyst-2', { name: 'a'.repeat(SCREEN_LIMITS.maxNameLength) });
      expect(atLimit.status).toBe(200);
    });

    it('refuses more parties than the limit in one request', async () => {
      const parties = Array.from({ length: SCREEN_LIMITS.maxParties + 1 }, (_, i) => ({
        name: `Party ${i}`,
      }));
      const res = await screen(appWith(), 'analyst-1', { parties });
      expect(res.status).toBe(400);
      const body: Json = await res.json();
      expect(body.error.details).toContainEqual(
        expect.objectContaining({
          path: '/parties',
          message: `a request may screen at most ${SCREEN_LIMITS.maxParties} parties; split the batch`,
        }),
      );
      const full = await screen(appWith(), 'analyst-1', { parties: parties.slice(1) });
      expect(full.status).toBe(200);
      expect(((await full.json()) as Json).results).toHaveLength(SCREEN_LIMITS.maxParties);
    });

    it('answers 413 naming the byte limit for a larger body', async () => {
      const padding = ' '.repeat(SCREEN_LIMITS.maxBodyBytes);
      const res = await screen(appWith(), 'analyst-1', `{"name":"Jane Doe"${padding}}`);
      expect(res.status).toBe(413);
      const body: Json = await res.json();
      expect(body.error.code).toBe('payload_too_large');
      expect(body.error.message).toContain(`at most ${SCREEN_LIMITS.maxBodyBytes} bytes`);
    });

    it('lets people screen (admin, analyst, officer) but not the ingest feed', async () => {
      const app = appWith();
      for (const role of ['admin', 'analyst', 'officer']) {
        expect((await screen(app, `${role}-1`, { name: 'Jane Doe' })).status).toBe(200);
      }
      const ingest = await screen(app, 'ingest-1', { name: 'Jane Doe' });
      expect(ingest.status).toBe(403);
      expect(((await ingest.json()) as Json).error.message).toContain('the key has ingest');
    });

    it('limits each key to the default burst with 429 and Retry-After, other keys unaffected', async () => {
      const app = appWith();
      for (let i = 0; i < DEFAULT_RATE_LIMITS.burst; i++) {
        expect((await screen(app, 'officer-1', { name: 'Jane Doe' })).status).toBe(200);
      }
      const limited = await screen(app, 'officer-1', { name: 'Jane Doe' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await limited.json()) as Json).error.code).toBe('rate_limited');
      expect((await screen(app, 'officer-2', { name: 'Jane Doe' })).status).toBe(200);
    });

    it('takes higher limits from the app configuration (for load and authorization suites)', async () => {
      const app = appWith({ perMinute: 100_000, burst: 1_000, concurrent: 100 });
      for (let i = 0; i < DEFAULT_RATE_LIMITS.burst * 3; i++) {
        expect((await screen(app, 'officer-1', { name: 'Jane Doe' })).status).toBe(200);
      }
    });

    it('documents the limits and the 429 of every heavy route in the OpenAPI document', async () => {
      const doc: Json = await (await appWith().request('/openapi.json')).json();
      const screenOp = doc.paths['/v1/screen'].post;
      expect(Object.keys(screenOp.responses)).toEqual(expect.arrayContaining(['400', '413', '429', '503']));
      expect(screenOp.responses['429'].headers['Retry-After']).toBeDefined();
      expect(screenOp.description).toContain(`At most ${SCREEN_LIMITS.maxParties} parties per request`);
      const request = doc.components.schemas.ScreenRequest;
      expect(JSON.stringify(request)).toContain(`"maxItems":${SCREEN_LIMITS.maxParties}`);
      expect(JSON.stringify(doc.components.schemas.ScreenParty)).toContain(
        `"maxLength":${SCREEN_LIMITS.maxNameLength}`,
      );
    });
  });
}

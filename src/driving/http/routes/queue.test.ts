import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi, testDeclaration } from '../../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { ApiErrorSchema } from '../http-error.ts';
import { QueuePageSchema } from './queue.ts';

const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const EVIL_ID = '<b>X&"1';

for (const dialect of DIALECTS) {
  describe(`queue API and web page (${dialect})`, () => {
    let api: TestApi;
    const queue = async (query: string, key = api.keys.officer) => {
      const res = await api.app.request(`/v1/queue${query}`, auth(key));
      expect(res.status).toBe(200);
      return QueuePageSchema.parse(await res.json());
    };
    const errorOf = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      return ApiErrorSchema.parse(await res.json()).error;
    };

    beforeAll(async () => {
      api = await createTestApi(dialect);
      const batch = [
        testDeclaration('Q1', 'DE', 'OFFICE-A'),
        testDeclaration('Q2', 'CN', 'OFFICE-A'),
        testDeclaration('Q3', 'DE', 'OFFICE-B'),
        testDeclaration('Q4', 'CN', 'OFFICE-B'),
        testDeclaration(EVIL_ID, 'CN', 'OFFICE-<i>'),
      ];
      const res = await api.app.request('/v1/declarations', {
        method: 'POST',
        headers: { authorization: `Bearer ${api.keys.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(res.status).toBe(200);
    });
    afterAll(async () => api?.dispose());

    it('filters by channel, office and decision date', async () => {
      expect((await queue('?channel=red')).items.map((e) => e.declarationId).sort()).toEqual(
        [EVIL_ID, 'Q2', 'Q4'].sort(),
      );
      expect((await queue('?office=OFFICE-B')).items.map((e) => e.declarationId).sort()).toEqual([
        'Q3',
        'Q4',
      ]);
      expect((await queue('?channel=green&office=OFFICE-A')).items.map((e) => e.declarationId)).toEqual([
        'Q1',
      ]);
      const today = new Date().toISOString().slice(0, 10);
      expect((await queue(`?date=${today}`)).items).toHaveLength(5);
      expect((await queue('?date=2001-01-01')).items).toHaveLength(0);
      expect((await queue('?from=2001-01-01&to=2001-01-02T00:00:00Z')).items).toHaveLength(0);
      const red = (await queue('?channel=red')).items[0];
      expect(red?.reasons[0]?.code).toBe('TEST-ORIGIN-CN');
    });

    it('pages with an opaque cursor, without overlap', async () => {
      const first = await queue('?limit=2');
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const rest = await queue(`?limit=10&cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(rest.items).toHaveLength(3);
      expect(rest.nextCursor).toBeNull();
      const ids = [...first.items, ...rest.items].map((e) => e.declarationId);
      expect(new Set(ids).size).toBe(5);
    });

    it('refuses bad filters and roles that do not work the queue', async () => {
      const bad = async (query: string) =>
        await errorOf(await api.app.request(`/v1/queue${query}`, auth(api.keys.officer)), 400);
      expect((await bad('?channel=purple')).details?.[0]?.path).toBe('/channel');
      expect((await bad('?limit=0')).code).toBe('validation_failed');
      expect((await bad('?date=2026-02-30')).code).toBe('validation_failed');
      expect((await bad('?date=2026-01-01&from=2026-01-01')).code).toBe('validation_failed');
      expect((await bad('?cursor=not-a-cursor')).code).toBe('invalid_body');
      expect((await bad('?unknown=1')).code).toBe('validation_failed');
      expect((await errorOf(await api.app.request('/v1/queue', auth(api.keys.ingest)), 403)).code).toBe(
        'forbidden',
      );
      expect((await errorOf(await api.app.request('/v1/queue'), 401)).code).toBe('unauthorized');
    });

    it('keeps administrations apart', async () => {
      expect((await queue('', api.keys.otherAdministration)).items).toHaveLength(0);
    });

    it('documents every route in OpenAPI 3.1, protected routes with their security', async () => {
      const doc: any = await (await api.app.request('/openapi.json')).json();
      expect(doc.openapi).toBe('3.1.0');
      // The routes every server has (screening, the log and federation come with their parts).
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/healthz',
        '/readyz',
        '/v1/alerts',
        '/v1/alerts/{id}',
        '/v1/alerts/{id}/amendment',
        '/v1/alerts/{id}/feedback',
        '/v1/alerts/{id}/withdrawal',
        '/v1/cash-declarations',
        '/v1/cash-declarations/{id}',
        '/v1/dashboards/channel-mix',
        '/v1/dashboards/hit-rates',
        '/v1/dashboards/model-precision',
        '/v1/dashboards/revenue',
        '/v1/dashboards/seizures',
        '/v1/dashboards/time-release',
        '/v1/declarations',
        '/v1/declarations/{id}',
        '/v1/declarations/{id}/events',
        '/v1/declarations/{id}/explanation',
        '/v1/declarations/{id}/log-proof',
        '/v1/declarations/{id}/outcome',
        '/v1/declarations/{id}/override',
        '/v1/groups',
        '/v1/groups/{id}',
        '/v1/groups/{id}/posts',
        '/v1/groups/{id}/summary',
        '/v1/me',
        '/v1/models',
        '/v1/models/{id}/activation',
        '/v1/permit-reports/{report}',
        '/v1/permits',
        '/v1/permits/{number}',
        '/v1/products',
        '/v1/products/{gtin}',
        '/v1/products/{gtin}/lots/{lot}/recall',
        '/v1/queue',
        '/v1/seizures',
        '/v1/seizures/{id}',
        '/v1/seizures/{id}/share',
        '/v1/submissions/{trackingId}',
      ]);
      for (const [path, operations] of Object.entries<Record<string, { security?: unknown }>>(doc.paths)) {
        for (const op of Object.values(operations))
          expect(op.security !== undefined).toBe(path.startsWith('/v1/'));
      }
      expect(JSON.stringify(doc.paths['/v1/declarations'].post.requestBody)).toContain(
        '#/components/schemas/Declaration',
      );
      expect(doc.components.schemas.Declaration.required).toEqual(
        expect.arrayContaining(['id', 'type', 'customsOffice', 'lodgedAt', 'currency', 'items']),
      );
    });
  });
}

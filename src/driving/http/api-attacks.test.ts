import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeclaration } from '../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../test/support/databases.ts';
import { createFullTestApi, type FullTestApi } from '../../../test/support/full-api.ts';
import { createApp } from './app.ts';
import { ApiErrorSchema } from './http-error.ts';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.ts';
import { healthRoutes } from './routes/health.ts';

/*
 * An outsider's attacks beyond the role table (the table itself: test/api-tenancy.test.ts): keys
 * in the wrong place, path spellings, replays, oversized headers, and inputs meant to make the
 * server fail and talk about its internals.
 */

const PROTECTED = Object.entries(ROUTE_ACCESS as Record<string, RouteAccess>).filter(
  ([, access]) => 'roles' in access,
);
/** A concrete URL path of a route template (`{id}` → `x`). */
const concrete = (template: string) => template.replace(/\{\w+\}/g, 'x');
const splitRoute = (route: string) => {
  const [method, template] = route.split(' ') as [string, string];
  return { method, path: concrete(template) };
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

/** What an error body must never hold: stack frames, source paths, SQL or driver names. */
const INTERNALS =
  /\bat .+\(|\.ts:\d+|node_modules|\bselect\b.+\bfrom\b|\binsert into\b|sqlite|postgres|kysely|SqliteError|stack/i;

for (const dialect of DIALECTS) {
  describe(`the API against an outsider on ${dialect}`, () => {
    let api: FullTestApi;
    beforeAll(async () => {
      api = await createFullTestApi(dialect);
    });
    afterAll(async () => api?.dispose());

    it('never takes a key from the query string, on any protected route', async () => {
      const key = api.keys.XA.admin;
      for (const [route] of PROTECTED) {
        const { method, path } = splitRoute(route);
        const res = await api.app.request(`${path}?api_key=${key}&key=${key}&access_token=${key}`, {
          method,
        });
        expect(res.status, route).toBe(401);
      }
    });

    it('answers a revoked key, an unknown key and a known id with a wrong secret alike', async () => {
      const revoked = api.keys.XA.revoked;
      const known = api.keys.XA.admin;
      const wrongSecret = `${known.slice(0, -1)}${known.endsWith('A') ? 'B' : 'A'}`;
      const unknown = `glk_${'0'.repeat(16)}_${'A'.repeat(43)}`;
      const answers = await Promise.all(
        [revoked, wrongSecret, unknown].map(async (key) => {
          const res = await api.app.request('/v1/queue', { headers: { 'x-api-key': key } });
          return `${res.status} ${res.headers.get('www-authenticate')} ${await res.text()}`;
        }),
      );
      expect(answers[0]).toMatch(/^401 Bearer realm="greenlane" /);
      expect(new Set(answers).size).toBe(1);
    });

    it('answers 401 to every spelling of a protected path and every method without a key', async () => {
      for (const [route] of PROTECTED) {
        const { path } = splitRoute(route);
        const [, prefix, rest] = /^(\/\w+)\/(.*)$/.exec(path)!;
        const spellings = [
          path,
          `${path}/`,
          `${prefix}/./${rest}`,
          `${prefix}/log/../${rest}`,
          `/v1/log/%2e%2e${path}`,
          `/v1/witness/%2E%2E/..${path}`,
        ];
        for (const spelling of spellings) {
          for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
            const res = await api.app.request(spelling, { method });
            expect(res.status, `${method} ${spelling}`).toBe(401);
          }
        }
        // Spellings the router does not know reach no handler at all.
        for (const other of [`/${path}`, path.toUpperCase(), `${prefix}%2F${rest}`]) {
          expect((await api.app.request(other)).status, other).toBe(404);
        }
      }
    });

    it('stores a replayed or duplicated declaration once: one version, one decision, the same answer', async () => {
      const body = JSON.stringify(testDeclaration('REPLAY-1', 'CN'));
      const send = () =>
        api.app.request('/v1/declarations', { method: 'POST', headers: bearer(api.keys.XA.ingest), body });
      const answers = [...(await Promise.all([send(), send(), send(), send(), send()])), await send()];
      const lines = await Promise.all(
        answers.map(async (r) => ((await r.json()) as { results: Record<string, unknown>[] }).results[0]!),
      );
      expect(lines.map((l) => l.status).sort()).toEqual([
        'created',
        'unchanged',
        'unchanged',
        'unchanged',
        'unchanged',
        'unchanged',
      ]);
      expect(new Set(lines.map((l) => `${l.version} ${l.channel} ${l.decidedAt}`)).size).toBe(1);
      const stored = await api.store.getDeclaration('XA', 'REPLAY-1');
      expect(stored.versions).toHaveLength(1);
      expect(stored.decisions).toHaveLength(1);
      expect(stored.decisions[0]!.logIndex).not.toBeNull();
    });

    it('refuses U+0000 in the path, the query and outcome notes with a 400 naming the field', async () => {
      const key = api.keys.XA.admin;
      const post = (path: string, body: unknown) =>
        api.app.request(path, { method: 'POST', headers: bearer(key), body: JSON.stringify(body) });
      expect((await post('/v1/declarations', testDeclaration('NUL-1'))).status).toBe(200);

      const path = await api.app.request('/v1/declarations/NUL%00-1', { headers: bearer(key) });
      expect(path.status).toBe(400);
      expect(ApiErrorSchema.parse(await path.json()).error.code).toBe('validation_failed');

      const query = await api.app.request('/v1/queue?office=%00', { headers: bearer(key) });
      expect(query.status).toBe(400);
      expect(ApiErrorSchema.parse(await query.json()).error.details?.[0]?.path).toBe('/office');

      for (const notes of ['a\u0000b', 'lone \ud800 surrogate']) {
        const outcome = await post('/v1/declarations/NUL-1/outcome', { result: 'seizure', notes });
        expect(outcome.status, JSON.stringify(notes)).toBe(400);
        expect(ApiErrorSchema.parse(await outcome.json()).error.details?.[0]?.path).toBe('/notes');
      }
      expect((await api.store.getDeclaration('XA', 'NUL-1')).outcomes).toEqual([]);
    });

    it('counts a chunked body without Content-Length against the body limit', async () => {
      const mib = new TextEncoder().encode(' '.repeat(1024 * 1024));
      let sent = 0;
      const body = new ReadableStream({
        pull: (c) => (sent++ < 12 ? c.enqueue(mib) : c.close()),
      });
      const res = await api.app.request('/v1/declarations', {
        method: 'POST',
        headers: bearer(api.keys.XA.ingest),
        body,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe('payload_too_large');
    });

    it('answers malformed requests with a 4xx that reveals nothing of its internals', async () => {
      const key = api.keys.XA.admin;
      const attempts: Array<[string, RequestInit?]> = [
        ['/v1/declarations', { method: 'POST', headers: bearer(key), body: '{"id":' }],
        ['/v1/declarations', { method: 'POST', headers: bearer(key), body: '"just a string"' }],
        ['/v1/declarations', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: '{}' }],
        ['/v1/declarations/%ff%fe', { headers: bearer(key) }],
        ["/v1/declarations/x'%20or%201=1--", { headers: bearer(key) }],
        ['/v1/queue?cursor=%27%3B%20drop%20table%20decisions', { headers: bearer(key) }],
        ['/v1/queue?limit=1e309', { headers: bearer(key) }],
        ['/v1/queue?from=2026-13-45', { headers: bearer(key) }],
        ['/v1/queue?unknown=1', { headers: bearer(key) }],
        [
          '/v1/screening/hits/%00/adjudication',
          { method: 'POST', headers: bearer(key), body: '{"verdict":"true_positive"}' },
        ],
        ['/v1/declarations/%00', { headers: bearer(key) }],
        ['/v1/log/entries/99999999999999999999'],
        ['/v1/log/proof/consistency?from=5&to=2'],
        [
          '/v1/queue',
          {
            headers: {
              authorization: 'Bearer glk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
            },
          },
        ],
        ['/v1/queue', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }],
        ['/v1/queue', { headers: { 'x-api-key': "' or 1=1 --" } }],
      ];
      for (const [path, init] of attempts) {
        const res = await api.app.request(path, init);
        const text = await res.text();
        expect(res.status, `${path}: ${text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path}: ${text}`).toBeLessThan(500);
        expect(text, path).not.toMatch(INTERNALS);
        expect(ApiErrorSchema.safeParse(JSON.parse(text)).success, path).toBe(true);
      }
    });
  });
}

describe('oversized credentials', () => {
  let calls = 0;
  const app = createApp({
    authenticate: async () => {
      calls++;
      return null;
    },
    routes: [healthRoutes({ ping: async () => {} })],
  });

  it('are refused before they are parsed or looked up', async () => {
    const huge = 'a'.repeat(4 * 1024 * 1024);
    const attempts: Record<string, string>[] = [{ authorization: `Bearer ${huge}` }, { 'x-api-key': huge }];
    for (const headers of attempts) {
      const res = await app.request('/v1/queue', { headers });
      expect(res.status).toBe(401);
      expect(ApiErrorSchema.parse(await res.json()).error.message).toBe('the API key is not valid');
    }
    expect(calls).toBe(0);
  });

  it('over a socket: headers beyond Node’s limit get 431 and the server keeps serving', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const status = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status({ authorization: `Bearer ${'a'.repeat(64 * 1024)}` })).toBe(431);
      expect(await status({})).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

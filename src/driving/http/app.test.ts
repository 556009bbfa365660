import { createRoute, z } from '@hono/zod-openapi';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Principal } from './api-key-auth.ts';
import { createApp } from './app.ts';
import { ApiErrorSchema, HttpError } from './http-error.ts';
import { API_KEY_SECURITY, type RouteModule } from './route-module.ts';
import { healthRoutes } from './routes/health.ts';

const PRINCIPAL: Principal = { administration: 'NL', role: 'officer', keyId: 'k1', name: 'desk 1' };
const authenticate = async (secret: string) => (secret === 'good-key' ? PRINCIPAL : undefined);

/** A tiny protected module exercising auth, validation, HttpError and the body limit. */
const echo: RouteModule = {
  name: 'echo',
  register: (app) => {
    app.openapi(
      createRoute({
        method: 'post',
        path: '/v1/echo',
        security: API_KEY_SECURITY,
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: z.object({ n: z.number().int() }) } },
          },
        },
        responses: { 200: { description: 'echo' } },
      }),
      async (c) => {
        const { n } = c.req.valid('json');
        if (n < 0) throw new HttpError(409, 'conflict', 'negative');
        c.set('activity', { n });
        return c.json({ n, administration: c.get('principal').administration }, 200);
      },
    );
    app.get('/v1/boom', () => {
      throw new Error('secret internals');
    });
  },
};

/** A module with a public route under /v1 (as the transparency log's proofs are). */
const proofs: RouteModule = {
  name: 'proofs',
  publicPaths: ['/v1/proofs/*'],
  register: (app) => {
    app.get('/v1/proofs/latest', (c) => c.text('public'));
    app.get('/v1/proofsecret', (c) => c.text('not public'));
  },
};

function app(ping: () => Promise<void> = async () => {}) {
  return createApp({ authenticate, routes: [healthRoutes({ ping }), echo, proofs], bodyLimitBytes: 100 });
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = ApiErrorSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body;
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
});

describe('createApp', () => {
  it('serves /healthz without a key, and 503 when the database is down', async () => {
    const ok = await app().request('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', database: 'ok' });
    const down = await app(async () => {
      throw new Error('ECONNREFUSED');
    }).request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'unavailable' });
  });

  it('requires an API key on /v1, by bearer token or X-API-Key', async () => {
    const none = await app().request('/v1/echo', json('{"n":1}'));
    await expectError(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="greenlane"');
    await expectError(
      await app().request('/v1/echo', json('{"n":1}', { 'x-api-key': 'bad' })),
      401,
      'unauthorized',
    );
    await expectError(
      await app().request('/v1/echo', json('{"n":1}', { authorization: 'Basic Zm9vOmJhcg==' })),
      401,
      'unauthorized',
    );
    const bearer = await app().request('/v1/echo', json('{"n":1}', { authorization: 'Bearer good-key' }));
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ n: 1, administration: 'NL' });
    const header = await app().request('/v1/echo', json('{"n":2}', { 'x-api-key': 'good-key' }));
    expect(header.status).toBe(200);
  });

  it('lets a module keep some /v1 paths public, and only those', async () => {
    const open = await app().request('/v1/proofs/latest');
    expect(open.status).toBe(200);
    expect(await open.text()).toBe('public');
    await expectError(await app().request('/v1/proofsecret'), 401, 'unauthorized');
  });

  it('answers every failure in the one error shape', async () => {
    const key = { 'x-api-key': 'good-key' };
    const invalid = await expectError(
      await app().request('/v1/echo', json('{"n":"x"}', key)),
      400,
      'validation_failed',
    );
    expect(invalid.error.details?.[0]?.path).toBe('/n');
    await expectError(await app().request('/v1/echo', json('{"n":-1}', key)), 409, 'conflict');
    await expectError(
      await app().request('/v1/echo', json(`{"n":1,"pad":"${'x'.repeat(200)}"}`, key)),
      413,
      'payload_too_large',
    );
    await expectError(await app().request('/nowhere'), 404, 'not_found');
    const boom = await expectError(await app().request('/v1/boom', { headers: key }), 500, 'internal');
    expect(boom.error.message).not.toContain('secret');
  });

  it('publishes an OpenAPI 3.1 document with both security schemes', async () => {
    const res = await app().request('/openapi.json');
    expect(res.status).toBe(200);
    const doc: any = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKeyHeader', 'bearerAuth']);
    expect(doc.paths['/v1/echo'].post.security).toEqual(API_KEY_SECURITY);
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
  });

  it('logs who did what, without the key', async () => {
    const lines: string[] = [];
    const logger = pino({ base: null }, { write: (line: string) => void lines.push(line) });
    const logged = createApp({ authenticate, routes: [echo], logger });
    await logged.request('/v1/echo', json('{"n":7}', { authorization: 'Bearer good-key' }));
    await logged.request('/v1/echo', json('{"n":7}', { 'x-api-key': 'bad' }));
    const [ok, refused] = lines.map((l) => JSON.parse(l));
    expect(ok).toMatchObject({
      method: 'POST',
      path: '/v1/echo',
      status: 200,
      administration: 'NL',
      keyId: 'k1',
      n: 7,
    });
    expect(refused).toMatchObject({ status: 401 });
    expect(refused.administration).toBeUndefined();
    expect(lines.join('')).not.toMatch(/good-key|bad/);
  });
});

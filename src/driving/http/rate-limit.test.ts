import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AuthVariables, Principal } from './api-key-auth.ts';
import { toHttpError } from './http-error.ts';
import { rateLimit } from './rate-limit.ts';

/** An app whose one route is behind the limiter; the clock and the handler's end are the test's. */
function limitedApp(limits: { perMinute: number; burst: number; concurrent: number }) {
  let clock = 0;
  const gates: Array<() => void> = [];
  const app = new Hono<{ Variables: AuthVariables }>();
  app.onError((err, c) => {
    const e = toHttpError(err);
    for (const [name, value] of Object.entries(e.headers)) c.header(name, value);
    return c.json(e.toBody(), e.status);
  });
  app.use('*', async (c, next) => {
    const keyId = c.req.header('x-key') ?? 'k1';
    c.set('principal', { administration: 'XA', keyId, role: 'officer', name: keyId } as Principal);
    await next();
  });
  app.use('*', rateLimit(limits, { now: () => clock }));
  app.post('/work', async (c) => {
    if (c.req.query('hold')) await new Promise<void>((r) => gates.push(r));
    return c.json({ ok: true });
  });
  const post = (key = 'k1', hold = false) =>
    app.request(`/work${hold ? '?hold=1' : ''}`, { method: 'POST', headers: { 'x-key': key } });
  return {
    post,
    advance: (ms: number) => {
      clock += ms;
    },
    release: () => {
      for (const g of gates.splice(0)) g();
    },
  };
}

describe('rateLimit', () => {
  it('lets a burst through, then answers 429 with Retry-After until the bucket refills', async () => {
    const t = limitedApp({ perMinute: 6, burst: 3, concurrent: 10 });
    for (let i = 0; i < 3; i++) expect((await t.post()).status).toBe(200);
    const limited = await t.post();
    expect(limited.status).toBe(429);
    // 6 a minute: one token every 10 s.
    expect(limited.headers.get('retry-after')).toBe('10');
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain('more than 6 requests a minute to POST /work');
    t.advance(4_000);
    const later = await t.post();
    expect(later.status).toBe(429);
    expect(later.headers.get('retry-after')).toBe('6');
    t.advance(6_000);
    expect((await t.post()).status).toBe(200);
    expect((await t.post()).status).toBe(429);
  });

  it('keeps one budget per API key', async () => {
    const t = limitedApp({ perMinute: 1, burst: 1, concurrent: 10 });
    expect((await t.post('a')).status).toBe(200);
    expect((await t.post('a')).status).toBe(429);
    expect((await t.post('b')).status).toBe(200);
  });

  it('refuses a key more requests in progress than its limit, and frees the slot when one ends', async () => {
    const t = limitedApp({ perMinute: 600, burst: 100, concurrent: 2 });
    const first = t.post('a', true);
    const second = t.post('a', true);
    await new Promise((r) => setTimeout(r, 10));
    const third = await t.post('a');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as { error: { message: string } }).error.message).toContain(
      '2 requests to POST /work in progress (the limit is 2 at a time)',
    );
    expect((await t.post('b')).status).toBe(200);
    t.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await t.post('a')).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi, testDeclaration } from '../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../test/support/databases.ts';
import { DEFAULT_RATE_LIMITS } from '../../installation/config.ts';

type Json = any;

/** Declaration batches are a heavy route too: the same per-key limits as `POST /v1/screen`. */
for (const dialect of DIALECTS) {
  describe(`POST /v1/declarations rate limits (${dialect})`, () => {
    let api: TestApi;
    let raised: TestApi;
    const submit = (t: TestApi, key: string, id: string) =>
      t.app.request('/v1/declarations', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(testDeclaration(id)),
      });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      raised = await createTestApi(dialect, {
        rateLimits: { perMinute: 10_000, burst: 1_000, concurrent: 10 },
      });
    });
    afterAll(async () => {
      await api.dispose();
      await raised.dispose();
    });

    it('answers 429 with Retry-After past the burst, per key, and says so in the OpenAPI document', async () => {
      for (let i = 0; i < DEFAULT_RATE_LIMITS.burst; i++) {
        expect((await submit(api, api.keys.ingest, `RL-${i}`)).status).toBe(200);
      }
      const limited = await submit(api, api.keys.ingest, 'RL-over');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body: Json = await limited.json();
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.message).toContain('POST /v1/declarations');
      expect((await submit(api, api.keys.officer, 'RL-officer')).status).toBe(200);
      // Reading is not limited.
      expect(
        (
          await api.app.request('/v1/declarations/RL-0', {
            headers: { authorization: `Bearer ${api.keys.ingest}` },
          })
        ).status,
      ).toBe(200);
      const doc: Json = await (await api.app.request('/openapi.json')).json();
      expect(doc.paths['/v1/declarations'].post.responses['429'].headers['Retry-After']).toBeDefined();
      expect(doc.paths['/v1/declarations/{id}'].get.responses['429']).toBeUndefined();
    });

    it('lets a test suite raise the limits', async () => {
      for (let i = 0; i < DEFAULT_RATE_LIMITS.burst * 2; i++) {
        expect((await submit(raised, raised.keys.ingest, `RR-${i}`)).status).toBe(200);
      }
    });
  });
}

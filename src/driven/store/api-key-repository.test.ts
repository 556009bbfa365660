import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import { ApiKeyRepository } from './api-key-repository.ts';
import type { DeclarationStore } from './declaration-store.ts';

for (const dialect of DIALECTS) {
  describe(`ApiKeyRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let apiKeys: ApiKeyRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      apiKeys = new ApiKeyRepository(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('lists API keys without secrets, with when each was last used', async () => {
      const officer = await apiKeys.createApiKey(A, 'Rotterdam desk 3', 'officer');
      const other = await apiKeys.createApiKey(B, 'Antwerp', 'admin');
      expect((await apiKeys.listApiKeys(A)).map((k) => k.id)).toEqual([officer.id]);
      const before = await apiKeys.listApiKeys();
      expect(before.map((k) => [k.id, k.administration, k.role, k.name, k.lastUsedAt, k.revokedAt])).toEqual([
        [officer.id, A, 'officer', 'Rotterdam desk 3', null, null],
        [other.id, B, 'admin', 'Antwerp', null, null],
      ]);
      await apiKeys.authenticate(officer.secret);
      await apiKeys.revokeApiKey(B, other.id, 'admin-b');
      const [used, revoked] = await apiKeys.listApiKeys();
      expect(used!.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
      expect(revoked!.revokedAt).not.toBeNull();
      const text = JSON.stringify(await apiKeys.listApiKeys());
      expect(text).not.toContain(officer.secret);
      expect(text).not.toContain(createHash('sha256').update(officer.secret).digest('hex'));
    });

    it('mints a once-per-installation key only once, even revoked, even when two starts race', async () => {
      const results = await Promise.all(
        [1, 2, 3].map(() => apiKeys.createApiKeyOnce('demo_key', A, 'demo key', 'admin')),
      );
      const created = results.flatMap((r) => ('created' in r ? [r.created] : []));
      expect(created).toHaveLength(1);
      for (const r of results) if ('existingId' in r) expect(r.existingId).toBe(created[0]!.id);
      await apiKeys.revokeApiKey(A, created[0]!.id, 'admin');
      expect(await apiKeys.createApiKeyOnce('demo_key', A, 'demo key', 'admin')).toEqual({
        existingId: created[0]!.id,
      });
      expect(await apiKeys.listApiKeys(A)).toHaveLength(1);
    });

    it('stores API keys hashed only and authenticates them', async () => {
      const { id, secret } = await apiKeys.createApiKey(A, 'Rotterdam desk 3', 'officer');
      const row = await conn.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(secret.slice(-43));

      expect(await apiKeys.authenticate(secret)).toEqual({
        administration: A,
        keyId: id,
        role: 'officer',
        name: 'Rotterdam desk 3',
      });
      const last = secret.at(-1) === 'A' ? 'B' : 'A';
      expect(await apiKeys.authenticate(`${secret.slice(0, -1)}${last}`)).toBeNull();
      expect(await apiKeys.authenticate('glk_short')).toBeNull();
      expect(await apiKeys.authenticate('')).toBeNull();

      await expectStoreError(apiKeys.revokeApiKey(B, id, 'admin-b'), 'NOT_FOUND');
      await apiKeys.revokeApiKey(A, id, 'admin-a');
      expect(await apiKeys.authenticate(secret)).toBeNull();
      await expectStoreError(apiKeys.revokeApiKey(A, id, 'admin-a'), 'NOT_FOUND');
      await expectStoreError(apiKeys.createApiKey(A, 'x', 'root' as never), 'INVALID_INPUT');
      await expectStoreError(apiKeys.createApiKey('NOBODY', 'x', 'admin'), 'UNKNOWN_ADMINISTRATION');
      expect((await store.auditTrail(A)).map((e) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    });
  });
}

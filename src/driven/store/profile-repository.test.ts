import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import type { DeclarationStore } from './declaration-store.ts';
import { ProfileRepository } from './profile-repository.ts';

for (const dialect of DIALECTS) {
  describe(`ProfileRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let profiles: ProfileRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      profiles = new ProfileRepository(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('versions risk profiles', async () => {
      const p1 = { criteria: { hsChapter: '30' }, weight: 10 };
      const p2 = { criteria: { origin: 'XX' }, weight: 5 };
      expect(
        await profiles.saveProfiles(
          A,
          [
            { id: 'P1', content: p1 },
            { id: 'P2', content: p2 },
          ],
          'analyst-1',
        ),
      ).toEqual([
        { id: 'P1', status: 'created', version: 1 },
        { id: 'P2', status: 'created', version: 1 },
      ]);
      // Key order does not make a new version: the hash is over canonical JSON.
      expect(
        await profiles.saveProfiles(
          A,
          [{ id: 'P1', content: { weight: 10, criteria: { hsChapter: '30' } } }],
          'a',
        ),
      ).toEqual([{ id: 'P1', status: 'unchanged', version: 1 }]);
      expect(
        await profiles.saveProfiles(
          A,
          [
            { id: 'P1', content: { ...p1, weight: 12 } },
            { id: 'P2', content: p2, enabled: false },
          ],
          'analyst-2',
        ),
      ).toEqual([
        { id: 'P1', status: 'amended', version: 2 },
        { id: 'P2', status: 'amended', version: 2 },
      ]);
      await expectStoreError(
        profiles.saveProfiles(A, [{ id: 'P3', content: { at: new Date() } }], 'a'),
        'INVALID_INPUT',
      );
      const active = await profiles.activeProfiles(A);
      expect(active.map((p) => [p.id, p.version, p.content, p.createdBy])).toEqual([
        ['P1', 2, { ...p1, weight: 12 }, 'analyst-2'],
      ]);
      expect((await store.auditTrail(A)).map((e) => e.subject)).toEqual(expect.arrayContaining(['P1', 'P2']));
    });

    it("keeps each administration's risk profiles apart", async () => {
      const p1 = { criteria: { hsChapter: '30' }, weight: 10 };
      await profiles.saveProfiles(A, [{ id: 'P1', content: p1 }], 'analyst-a');
      // B starts from nothing: A's profile is neither B's history nor B's current version.
      expect(await profiles.activeProfiles(B)).toEqual([]);
      expect(await profiles.profileVersions(B)).toEqual([]);
      expect(
        await profiles.saveProfiles(B, [{ id: 'P1', content: { ...p1, weight: 50 } }], 'analyst-b'),
      ).toEqual([{ id: 'P1', status: 'created', version: 1 }]);
      await profiles.saveProfiles(A, [{ id: 'P1', content: { ...p1, weight: 20 } }], 'analyst-a');
      expect((await profiles.activeProfiles(A)).map((p) => [p.id, p.version, p.content])).toEqual([
        ['P1', 2, { ...p1, weight: 20 }],
      ]);
      expect((await profiles.profileVersions(A)).map((p) => p.version)).toEqual([1, 2]);
      expect((await profiles.activeProfiles(B)).map((p) => [p.version, p.createdBy])).toEqual([
        [1, 'analyst-b'],
      ]);
      expect((await store.auditTrail(B)).filter((e) => e.action === 'profile.save')).toHaveLength(1);
      await expectStoreError(
        profiles.saveProfiles('NOBODY', [{ id: 'P1', content: p1 }], 'x'),
        'UNKNOWN_ADMINISTRATION',
      );
    });

    it('keys profiles on the analyst version when one is given', async () => {
      const v1 = { id: 'PV', version: 1, content: { weight: 1, version: 1 } };
      expect(await profiles.saveProfiles(A, [v1], 'a')).toEqual([
        { id: 'PV', status: 'created', version: 1 },
      ]);
      expect(await profiles.saveProfiles(A, [v1], 'a')).toEqual([
        { id: 'PV', status: 'unchanged', version: 1 },
      ]);
      await expectStoreError(
        profiles.saveProfiles(A, [{ ...v1, content: { weight: 2, version: 1 } }], 'a'),
        'CONFLICT',
      );
      expect(
        await profiles.saveProfiles(A, [{ id: 'PV', version: 3, content: { weight: 2, version: 3 } }], 'a'),
      ).toEqual([{ id: 'PV', status: 'amended', version: 3 }]);
    });
  });
}

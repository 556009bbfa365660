import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import {
  A,
  B,
  closeStore,
  countRows,
  declaration,
  expectStoreError,
  item,
  openStore,
} from '../../../test/support/store-fixtures.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { DeclarationStore } from './declaration-store.ts';

for (const dialect of DIALECTS) {
  describe(`DeclarationStore on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
    });

    afterEach(() => closeStore(testDb, conn));

    const count = (table: Parameters<typeof countRows>[1]) => countRows(conn, table);

    it('migrates idempotently', async () => {
      await migrateToLatest(conn);
      await migrateToLatest(conn);
      const applied = await conn.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((r) => (r as { name: string }).name)).toContain('0001-core');
      expect(await count('declarations')).toBe(0);
    });

    it('migrates a second database beside one already migrated (another PostgreSQL schema)', async () => {
      const other = await createTestDatabase(dialect);
      const otherConn = openDatabase(other.url);
      try {
        await migrateToLatest(otherConn);
        const otherStore = new DeclarationStore(otherConn);
        await otherStore.ensureAdministration(A, 'A elsewhere');
        await otherStore.saveAssessments(A, [item(declaration('ELSEWHERE'))]);
        expect((await store.currentVersions(A, ['ELSEWHERE'])).size).toBe(0);
      } finally {
        await otherConn.close();
        await other.dispose();
      }
    });

    it('isolates administrations from each other', async () => {
      await store.saveAssessments(A, [item(declaration('SHARED'))]);
      await store.saveRejects(A, [{ source: 'api', recordNumber: 1, errors: [], raw: '{}' }]);

      await expectStoreError(store.getDeclaration(B, 'SHARED'), 'NOT_FOUND');
      expect((await store.currentVersions(B, ['SHARED'])).size).toBe(0);
      expect((await store.knownParties(B, ['IMP-SHARED'])).size).toBe(0);
      expect((await store.queue(B)).items).toEqual([]);
      expect((await store.listRejects(B)).items).toEqual([]);
      expect(await store.trainingRows(B)).toEqual([]);
      await expectStoreError(
        store.recordOutcome(B, 'SHARED', { result: 'seizure', fraud: true, critical: true }, 'officer-b'),
        'NOT_FOUND',
      );
      await expectStoreError(
        store.overrideDecision(B, 'SHARED', { channel: 'green', reason: 'mine now' }, 'officer-b'),
        'NOT_FOUND',
      );
      await expectStoreError(store.recordEvent(B, 'SHARED', { event: 'release' }, 'officer-b'), 'NOT_FOUND');

      const [own] = await store.saveAssessments(B, [item(declaration('SHARED', { procedure: '4000' }))]);
      expect(own).toMatchObject({ status: 'created', version: 1 });
      expect((await store.getDeclaration(A, 'SHARED')).declaration.procedure).toBeUndefined();
      await expectStoreError(
        store.saveAssessments('NOBODY', [item(declaration('X'))]),
        'UNKNOWN_ADMINISTRATION',
      );
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { testSelectionKey } from '../../../test/support/selection-key.ts';
import { createAssessmentService } from '../../app/assess.ts';
import { openDatabase, type StoreConnection } from '../../driven/database/database.ts';
import { migrateToLatest } from '../../driven/database/migrate.ts';
import { DeclarationStore } from '../../driven/store/declaration-store.ts';
import { dataDir } from '../../installation/config.ts';
import { assessmentDeps } from '../../installation/runtime.ts';
import { createDemoKey, DEMO_ADMINISTRATION, demoDeclarationsFile, seedDemoQueue } from './demo.ts';

for (const dialect of DIALECTS) {
  describe(`serve --demo (${dialect})`, () => {
    let database: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      conn = openDatabase(database.url);
      await migrateToLatest(conn);
      store = new DeclarationStore(conn);
    });
    afterAll(async () => {
      await conn?.close();
      await database?.dispose();
    });

    it('creates the demo administration and an admin key that authenticates, once per installation', async () => {
      const first = await createDemoKey(store);
      if (!('created' in first)) throw new Error('the first start mints the demo key');
      expect(await store.authenticate(first.created.secret)).toMatchObject({
        administration: DEMO_ADMINISTRATION,
        role: 'admin',
      });
      // Before: every start (`npm start`) minted another admin key.
      expect(await createDemoKey(store)).toEqual({ existingId: first.created.id });
      expect(await createDemoKey(store)).toEqual({ existingId: first.created.id });
      expect((await store.listApiKeys(DEMO_ADMINISTRATION)).map((k) => k.id)).toEqual([first.created.id]);
    });

    it('seeds an empty queue once, through the assessment pipeline, without the data set labels', async () => {
      const { assess } = createAssessmentService(assessmentDeps({ store, selectionKey: testSelectionKey() }));
      const file = demoDeclarationsFile(dataDir());
      const seeded = await seedDemoQueue(store, assess, file, 1200);
      expect(seeded).not.toBeNull();
      expect(seeded!.accepted + seeded!.rejected).toBe(1200);
      expect(seeded!.accepted).toBeGreaterThan(1100);
      const page = await store.queue(DEMO_ADMINISTRATION, { limit: 1000 });
      expect(page.items).toHaveLength(1000);
      expect(page.items.every((e) => e.status === 'assessed')).toBe(true);
      expect(new Set(page.items.map((e) => e.channel)).size).toBeGreaterThan(1);
      expect(await seedDemoQueue(store, assess, file, 1200)).toBeNull();
    });
  });
}

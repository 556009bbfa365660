import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { dataDir } from '../../app/config.ts';
import { buildScreeningIndex } from '../../core/screening/candidate-index.ts';
import { partyFingerprint } from '../../core/screening/delta.ts';
import { addName, type ListVersion, newEntity, type SanctionedEntity } from '../../core/screening/entity.ts';
import { screenParty } from '../../core/screening/screen.ts';
import { testNameTables } from '../../core/screening/test-tables.ts';
import { applyListUpdate, hitFingerprints } from '../lists/screening-context.ts';
import { openDatabase, type StoreConnection } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { ScreeningStore } from './screening-store.ts';

function entity(id: string, name: string, dobYear?: number): SanctionedEntity {
  const e = newEntity('un', id, 'person');
  addName(e, name, 'primary');
  if (dobYear) e.birthDates.push({ year: dobYear });
  return e;
}

function version(date: string, hash: string, entities: SanctionedEntity[]): ListVersion {
  return { list: 'un', publishedOn: date, sha256: hash.repeat(64).slice(0, 64), origin: ['test'], entities };
}

const dataDirectory = dataDir();

for (const dialect of DIALECTS) {
  describe(`screening store (${dialect})`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: ScreeningStore;

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      store = new ScreeningStore(conn.db);
    });
    afterEach(async () => {
      await conn.close();
      await testDb.dispose();
    });

    it('stores dated, hashed list versions once and returns the latest with entities', async () => {
      const v1 = version('2026-01-01', 'a', [entity('QDi.1', 'Abdul Rahman Yasin')]);
      expect(await store.saveListVersion(v1, 'tester')).toEqual({
        id: 'un:2026-01-01:aaaaaaaaaaaa',
        stored: true,
      });
      expect((await store.saveListVersion(v1, 'tester')).stored).toBe(false);
      const [stored] = await store.listVersions();
      expect(stored).toMatchObject({
        list: 'un',
        publishedOn: '2026-01-01',
        entityCount: 1,
        loadedBy: 'tester',
      });
      const [latest] = await store.latestVersions();
      expect(latest!.entities[0]!.names[0]!.value).toBe('Abdul Rahman Yasin');
    });

    it('records hits, adjudicates them with who and when, and keeps cleared pairs off until data changes', async () => {
      const v1 = version('2026-01-01', 'a', [entity('QDi.1', 'Abdul Rahman Yasin')]);
      await store.saveListVersion(v1, 'tester');
      const index = buildScreeningIndex([v1], testNameTables());
      const fp = hitFingerprints(index);
      const query = { name: 'Abdul Rahman Yasin', type: 'person' as const };
      const key = await store.recordParty('XA', query);
      const hits = screenParty(query, index);
      const [hit] = await store.recordHits('XA', key, hits, fp, 'screen');
      expect(hit).toMatchObject({ list: 'un', entityId: 'QDi.1', status: 'open', cause: 'screen', query });
      // Re-screening the same party against the same data raises nothing new.
      expect(await store.recordHits('XA', key, hits, fp, 'screen')).toEqual([]);

      // An exact name on the UN list: the first clearance is pending until a second analyst confirms.
      const first = await store.adjudicate('XA', hit!.id, 'false_positive', {
        analyst: 'analyst.a',
        note: 'different person: DOB',
      });
      expect(first.stage).toBe('pending');
      expect(first.hit.status).toBe('pending_clearance');
      expect(await store.isCleared('XA', key, 'un', 'QDi.1', hit!.entityFingerprint)).toBe(false);
      const { hit: adjudicated } = await store.confirmClearance('XA', hit!.id, { analyst: 'analyst.b' });
      expect(adjudicated.status).toBe('false_positive');
      const [record] = await store.adjudications('XA', hit!.id);
      expect(record).toMatchObject({
        verdict: 'false_positive',
        analyst: 'analyst.a',
        note: 'different person: DOB',
      });
      expect(record!.decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(await store.isCleared('XA', key, 'un', 'QDi.1', hit!.entityFingerprint)).toBe(true);
      expect((await store.goodPartyKeys('XA')).size).toBe(1);

      // The party's data changes: a different key, so the pair is screened again.
      const changed = await store.recordParty('XA', { ...query, country: 'IQ' });
      expect(changed).not.toBe(key);
      expect(await store.recordHits('XA', changed, hits, fp, 'screen')).toHaveLength(1);
      await expect(
        store.adjudicate('XA', 'no-such-hit', 'true_positive', { analyst: 'a' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.adjudicate('XA', hit!.id, 'true_positive', { analyst: ' ' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('delta-screens stored parties against added and changed entities on a list update', async () => {
      const v1 = version('2026-01-01', 'a', [
        entity('QDi.1', 'Ivan Petrov'),
        entity('QDi.2', 'Olga Smirnova'),
      ]);
      const first = await applyListUpdate(store, v1, { dataDirectory, loadedBy: 'tester' });
      expect(first).toMatchObject({ stored: true, added: 2, partiesRescreened: 0 });
      await store.recordParty('XA', { name: 'Karim Haddad', type: 'person' });
      await store.recordParty('XA', { name: 'Olga Smirnova', type: 'person' });
      const v2 = version('2026-02-01', 'b', [
        entity('QDi.1', 'Ivan Petrov'),
        entity('QDi.2', 'Olga Smirnova', 1970),
        entity('QDi.3', 'Karim Haddad'),
      ]);
      const update = await applyListUpdate(store, v2, { dataDirectory, loadedBy: 'tester' });
      expect(update).toMatchObject({
        stored: true,
        previousVersionId: 'un:2026-01-01:aaaaaaaaaaaa',
        added: 1,
        changed: 1,
        removed: 0,
      });
      expect(update.partiesRescreened).toBe(2);
      expect(update.newHits.map((h) => h.entityId).sort()).toEqual(['QDi.2', 'QDi.3']);
      expect(
        update.newHits.every((h) => h.cause === 'delta' && h.versionId === 'un:2026-02-01:bbbbbbbbbbbb'),
      ).toBe(true);
      // Loading the same version again changes nothing.
      expect((await applyListUpdate(store, v2, { dataDirectory, loadedBy: 'tester' })).newHits).toEqual([]);
      // A cleared pair is not raised again by a later update that leaves the entity unchanged.
      const hit = update.newHits.find((h) => h.entityId === 'QDi.3')!;
      await store.adjudicate('XA', hit.id, 'false_positive', { analyst: 'analyst.b' });
      await store.confirmClearance('XA', hit.id, { analyst: 'analyst.c' });
      const v3 = version('2026-03-01', 'c', [...v2.entities, entity('QDi.4', 'Someone Else')]);
      const third = await applyListUpdate(store, v3, { dataDirectory, loadedBy: 'tester' });
      expect(third.newHits).toEqual([]);
      expect(
        await store.isCleared(
          'XA',
          partyFingerprint({ name: 'Karim Haddad', type: 'person' }),
          'un',
          'QDi.3',
          hit.entityFingerprint,
        ),
      ).toBe(true);
    });
  });
}

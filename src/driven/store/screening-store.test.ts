import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { migrateTo } from '../../../test/support/migrate-to.ts';
import { buildScreeningIndex } from '../../core/screening/candidate-index.ts';
import { partyFingerprint } from '../../core/screening/delta.ts';
import {
  addName,
  type ListVersion,
  newEntity,
  type SanctionedEntity,
  versionLabel,
} from '../../core/screening/entity.ts';
import { type ScreeningHit, screenParty } from '../../core/screening/screen.ts';
import { testNameTables } from '../../core/screening/test-tables.ts';
import { dataDir } from '../../installation/config.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { applyListUpdate, hitFingerprints } from '../lists/screening-context.ts';
import { goodPartyKey, needsFourEyes, ScreeningStore, type Verdict } from './screening-store.ts';

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

/** An OFAC entry: a near (not exact) name match on it needs one analyst to clear. */
function ofacVersion(entities: SanctionedEntity[]): ListVersion {
  return {
    list: 'ofac',
    publishedOn: '2026-01-01',
    sha256: 'f'.repeat(64),
    origin: ['test'],
    entities: entities.map((e) => ({ ...e, list: 'ofac' as const })),
  };
}

describe('four-eyes rule', () => {
  it('needs two analysts for an exact name or IMO match, and for anything on the UN list', () => {
    expect(needsFourEyes({ list: 'ofac', score: 0.97, nameScore: 1 })).toBe(true);
    expect(needsFourEyes({ list: 'ofac', score: 1, nameScore: 0.4 })).toBe(true);
    expect(needsFourEyes({ list: 'un', score: 0.8, nameScore: 0.8 })).toBe(true);
    expect(needsFourEyes({ list: 'eu', score: 0.95, nameScore: 0.96 })).toBe(false);
  });
});

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

    it("keeps each administration's parties, hits, adjudications and good parties apart", async () => {
      const v = ofacVersion([entity('9001', 'Abdul Rahman Yasin')]);
      await store.saveListVersion(v, 'tester');
      const index = buildScreeningIndex([v], testNameTables());
      const fp = hitFingerprints(index);
      const query = { id: 'A-DECL-1/importer', name: 'Abdul Rahman Yassin', type: 'person' as const };
      const hits = screenParty(query, index);
      expect(hits[0]!.nameScore).toBeLessThan(1);
      const keyA = await store.recordParty('XA', query);
      const [hitA] = await store.recordHits('XA', keyA, hits, fp, 'screen');
      const keyB = await store.recordParty('XB', { ...query, id: 'B-DECL-9/importer' });
      const [hitB] = await store.recordHits('XB', keyB, hits, fp, 'screen');
      expect(keyB).toBe(keyA);
      expect(hitA!.administration).toBe('XA');
      expect(hitB!.query.id).toBe('B-DECL-9/importer');

      // B sees and reaches only its own: A's hit id answers exactly like a missing one.
      expect((await store.hits('XB')).map((h) => h.id)).toEqual([hitB!.id]);
      expect((await store.hits('XA')).map((h) => [h.id, h.query.id])).toEqual([
        [hitA!.id, 'A-DECL-1/importer'],
      ]);
      const missing = await store.hit('XB', 'no-such-hit').catch((e: Error) => e);
      const foreign = await store.hit('XB', hitA!.id).catch((e: Error) => e);
      expect(foreign).toMatchObject({ code: 'NOT_FOUND', message: `no screening hit ${hitA!.id}` });
      expect(missing).toMatchObject({ code: 'NOT_FOUND', message: 'no screening hit no-such-hit' });
      const by = { analyst: 'analyst.b' };
      // One at a time: a rejection created before it is awaited would be reported as unhandled.
      for (const attempt of [
        () => store.adjudicate('XB', hitA!.id, 'false_positive', by),
        () => store.adjudicate('XB', hitA!.id, 'true_positive', by),
        () => store.confirmClearance('XB', hitA!.id, by),
        () => store.adjudications('XB', hitA!.id),
      ])
        await expect(attempt()).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await store.hit('XA', hitA!.id)).status).toBe('open');
      expect(await store.adjudications('XA', hitA!.id)).toEqual([]);

      // A near match off the UN list: one analyst clears it, for A only.
      const cleared = await store.adjudicate('XA', hitA!.id, 'false_positive', { analyst: 'analyst.a' });
      expect(cleared).toMatchObject({ stage: 'final', hit: { status: 'false_positive' } });
      expect(await store.isCleared('XA', keyA, 'ofac', '9001', hitA!.entityFingerprint)).toBe(true);
      expect(await store.isCleared('XB', keyA, 'ofac', '9001', hitA!.entityFingerprint)).toBe(false);
      expect((await store.goodPartyKeys('XA')).size).toBe(1);
      expect((await store.goodPartyKeys('XB')).size).toBe(0);
      expect(await store.goodParties('XB')).toEqual([]);
      expect(await store.goodParties('XA')).toMatchObject([
        { list: 'ofac', entityId: '9001', adjudicationId: cleared.adjudicationId, query },
      ]);
      expect((await store.hit('XB', hitB!.id)).status).toBe('open');

      // A list update re-screens each administration's parties against its own good-party list.
      const v2 = { ...ofacVersion([entity('9001', 'Abdul Rahman Yasin', 1960)]), sha256: 'e'.repeat(64) };
      const update = await applyListUpdate(store, v2, { dataDirectory, loadedBy: 'tester' });
      expect(update.partiesRescreened).toBe(1);
      expect(update.newHits.map((h) => h.administration).sort()).toEqual(['XA', 'XB']);
      await expect(store.recordParty(' ', query)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.hits('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('needs a second analyst of the same administration to clear an exact UN match', async () => {
      const v1 = version('2026-01-01', 'a', [entity('QDi.1', 'Abdul Rahman Yasin')]);
      await store.saveListVersion(v1, 'tester');
      const index = buildScreeningIndex([v1], testNameTables());
      const fp = hitFingerprints(index);
      const query = { name: 'Abdul Rahman Yasin', type: 'person' as const };
      const key = await store.recordParty('XA', query);
      const [hit] = await store.recordHits('XA', key, screenParty(query, index), fp, 'screen');
      expect(hit!.nameScore).toBe(1);
      const id = hit!.id;

      await expect(store.confirmClearance('XA', id, { analyst: 'ana' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `hit ${id} has no clearance waiting for confirmation (status open)`,
      });
      const pending = await store.adjudicate('XA', id, 'false_positive', {
        analyst: 'Ana',
        analystKey: 'k1',
      });
      expect(pending).toMatchObject({ stage: 'pending', hit: { status: 'pending_clearance' } });
      // Until confirmed the hit keeps its effect: nothing is on the good-party list.
      expect((await store.goodPartyKeys('XA')).size).toBe(0);
      await expect(store.adjudicate('XA', id, 'false_positive', { analyst: 'Ben' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      // The same analyst, by name (whatever the case and spacing) or by API key, is refused.
      for (const same of [{ analyst: '  ANA ' }, { analyst: 'Ana Other Label', analystKey: 'k1' }])
        await expect(store.confirmClearance('XA', id, same)).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `hit ${id}: the clearance was proposed by Ana; four-eyes rule: a different analyst must confirm it`,
        });
      await expect(store.confirmClearance('XB', id, { analyst: 'Ben' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect((await store.hit('XA', id)).status).toBe('pending_clearance');
      const confirmed = await store.confirmClearance('XA', id, {
        analyst: 'Ben',
        analystKey: 'k2',
        note: 'ok',
      });
      expect(confirmed).toMatchObject({ stage: 'confirmation', hit: { status: 'false_positive' } });
      expect(await store.isCleared('XA', key, 'un', 'QDi.1', hit!.entityFingerprint)).toBe(true);
      expect((await store.adjudications('XA', id)).map((a) => [a.stage, a.analyst, a.analystKey])).toEqual([
        ['pending', 'Ana', 'k1'],
        ['confirmation', 'Ben', 'k2'],
      ]);
      await expect(store.confirmClearance('XA', id, { analyst: 'Cy' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await expect(store.adjudicate('XA', id, 'false_positive', { analyst: 'Cy' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `hit ${id} is already cleared`,
      });

      // A true positive by one analyst withdraws the clearance, and cancels a pending one.
      expect((await store.adjudicate('XA', id, 'true_positive', { analyst: 'Cy' })).stage).toBe('final');
      expect(await store.isCleared('XA', key, 'un', 'QDi.1', hit!.entityFingerprint)).toBe(false);
      await store.adjudicate('XA', id, 'false_positive', { analyst: 'Ana' });
      await store.adjudicate('XA', id, 'true_positive', { analyst: 'Dee' });
      await expect(store.confirmClearance('XA', id, { analyst: 'Ben' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect((await store.goodPartyKeys('XA')).size).toBe(0);
    });

    it('gives rows stored before migration 0005 to the only administration, and to none when several', async () => {
      for (const admins of [['NL'], ['NL', 'BE']]) {
        const db = await createTestDatabase(dialect);
        const old = openDatabase(db.url);
        try {
          await migrateTo(old, '0004-model');
          const at = '2026-01-01T00:00:00.000Z';
          for (const id of admins)
            await sql`insert into administrations (id, name, created_at) values (${id}, ${id}, ${at})`.execute(
              old.db,
            );
          await sql`insert into screening_parties (party_key, query, first_seen_at, last_screened_at)
            values ('p1', '{"name":"X","type":"any"}', ${at}, ${at})`.execute(old.db);
          await sql`insert into screening_hits (id, party_key, list, entity_id, entity_fingerprint, version_id,
              score, decision, reasons, status, cause, raised_at)
            values ('h1', 'p1', 'un', 'QDi.1', 'fp', 'un:v', 0.9, 'match', '[]', 'false_positive', 'screen', ${at})`.execute(
            old.db,
          );
          await sql`insert into screening_adjudications (id, hit_id, verdict, analyst, note, decided_at)
            values ('a1', 'h1', 'false_positive', 'ana', '', ${at})`.execute(old.db);
          await sql`insert into screening_good_parties (party_key, list, entity_id, entity_fingerprint,
              adjudication_id, cleared_at) values ('p1', 'un', 'QDi.1', 'fp', 'a1', ${at})`.execute(old.db);
          await migrateToLatest(old);
          const migrated = new ScreeningStore(old.db);
          if (admins.length === 1) {
            expect(await migrated.hit('NL', 'h1')).toMatchObject({
              status: 'false_positive',
              nameScore: 0.9,
            });
            expect(await migrated.isCleared('NL', 'p1', 'un', 'QDi.1', 'fp')).toBe(true);
            expect((await migrated.adjudications('NL', 'h1'))[0]).toMatchObject({
              stage: 'final',
              analyst: 'ana',
            });
          } else {
            for (const admin of admins) {
              expect(await migrated.hits(admin)).toEqual([]);
              expect(await migrated.isCleared(admin, 'p1', 'un', 'QDi.1', 'fp')).toBe(false);
            }
          }
        } finally {
          await old.close();
          await db.dispose();
        }
      }
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

/** A hit of `entity` for `name`, as the screening core reports it (no index needed). */
function hitOn(version: ListVersion, entityId: string, score = 0.9): ScreeningHit {
  return {
    list: version.list,
    entityId,
    ids: [`${version.list}:${entityId}`],
    name: entityId,
    matchedName: entityId,
    score,
    nameScore: score,
    decision: 'review',
    reasons: ['test'],
    version: versionLabel(version),
    evidence: [],
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of DIALECTS) {
  describe(`screening store, method by method (${dialect})`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: ScreeningStore;
    const unV1 = version('2026-01-01', 'a', [
      entity('QDi.1', 'Ivan Petrov'),
      entity('QDi.2', 'Olga Smirnova'),
    ]);
    const unV2 = version('2026-02-01', 'b', [entity('QDi.1', 'Ivan Petrov', 1960)]);
    const ofac = ofacVersion([entity('9001', 'Karim Haddad')]);
    const fp = (h: ScreeningHit) => `fp-${h.entityId}`;

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      store = new ScreeningStore(conn.db);
      // Loaded one after the other, so the load times order them.
      for (const v of [unV1, ofac, unV2]) {
        expect((await store.saveListVersion(v, 'loader')).stored).toBe(true);
        await sleep(5);
      }
    });
    afterAll(async () => {
      await conn.close();
      await testDb.dispose();
    });

    it('listVersions: every stored version, newest load first, with its metadata', async () => {
      const all = await store.listVersions();
      expect(all.map((v) => v.id)).toEqual([versionLabel(unV2), versionLabel(ofac), versionLabel(unV1)]);
      expect(all[2]).toEqual({
        id: 'un:2026-01-01:aaaaaaaaaaaa',
        list: 'un',
        publishedOn: '2026-01-01',
        sha256: 'a'.repeat(64),
        origin: ['test'],
        entityCount: 2,
        loadedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        loadedBy: 'loader',
      });
    });

    it('latestVersions: the newest version of each list with its entities, or of the lists asked for', async () => {
      const latest = await store.latestVersions();
      expect(latest.map((v) => [v.list, v.publishedOn, v.entities.map((e) => e.entityId)]).sort()).toEqual([
        ['ofac', '2026-01-01', ['9001']],
        ['un', '2026-02-01', ['QDi.1']],
      ]);
      expect(latest.find((v) => v.list === 'un')!.entities[0]!.birthDates).toEqual([{ year: 1960 }]);
      expect((await store.latestVersions(['ofac'])).map((v) => v.list)).toEqual(['ofac']);
      expect(await store.latestVersions(['eu'])).toEqual([]);
    });

    it('previousVersion: the version of the same list loaded before; the latest for an unknown id', async () => {
      expect(await store.previousVersion('un', versionLabel(unV2))).toBe(versionLabel(unV1));
      expect(await store.previousVersion('un', versionLabel(unV1))).toBeUndefined();
      expect(await store.previousVersion('ofac', versionLabel(ofac))).toBeUndefined();
      expect(await store.previousVersion('un', 'un:not-stored')).toBe(versionLabel(unV2));
      expect(await store.previousVersion('eu', 'eu:not-stored')).toBeUndefined();
    });

    it('fingerprints: entity id to data fingerprint of one version; a changed entity changes it', async () => {
      const v1 = await store.fingerprints(versionLabel(unV1));
      const v2 = await store.fingerprints(versionLabel(unV2));
      expect([...v1.keys()].sort()).toEqual(['QDi.1', 'QDi.2']);
      expect(v1.get('QDi.2')).toMatch(/\S/);
      expect(v2.get('QDi.1')).not.toBe(v1.get('QDi.1'));
      expect((await store.fingerprints('un:not-stored')).size).toBe(0);
    });

    it('recordParty and parties: one row per administration and party data, for delta screening', async () => {
      const query = { name: 'Ivan  PETROV', type: 'person' as const };
      const key = await store.recordParty('PA', query);
      expect(key).toBe(partyFingerprint(query));
      expect(await store.recordParty('PA', { ...query, name: 'ivan petrov' })).toBe(key);
      expect(await store.recordParty('PB', query)).toBe(key);
      const parties = (await store.parties()).filter((p) => p.partyKey === key);
      expect(parties).toEqual([
        { administration: 'PA', partyKey: key, query },
        { administration: 'PB', partyKey: key, query },
      ]);
      await expect(store.recordParty('', query)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('recordHits and hits: new hits only, filtered by status, limited, newest first, per administration', async () => {
      const key = await store.recordParty('HA', { name: 'Karim Haddad', type: 'person' });
      const hits = [hitOn(unV2, 'QDi.1'), hitOn(ofac, '9001', 0.95)];
      const created = await store.recordHits('HA', key, hits, fp, 'screen');
      expect(created.map((h) => [h.entityId, h.entityFingerprint, h.status, h.cause, h.score])).toEqual([
        ['QDi.1', 'fp-QDi.1', 'open', 'screen', 0.9],
        ['9001', 'fp-9001', 'open', 'screen', 0.95],
      ]);
      // The same pair with the same entity data is not raised twice; changed data raises it again.
      expect(await store.recordHits('HA', key, hits, fp, 'delta')).toEqual([]);
      const changed = await store.recordHits('HA', key, [hitOn(unV2, 'QDi.1')], () => 'fp-changed', 'delta');
      expect(changed.map((h) => [h.entityId, h.cause])).toEqual([['QDi.1', 'delta']]);

      expect((await store.hits('HA')).map((h) => h.id)).toEqual(
        [...created, ...changed].map((h) => h.id).reverse(),
      );
      expect((await store.hits('HA', { limit: 1 })).map((h) => h.id)).toEqual([changed[0]!.id]);
      await store.adjudicate('HA', created[1]!.id, 'true_positive', { analyst: 'ana' });
      expect((await store.hits('HA', { status: 'true_positive' })).map((h) => h.id)).toEqual([
        created[1]!.id,
      ]);
      expect((await store.hits('HA', { status: 'open' })).map((h) => h.entityFingerprint)).toEqual([
        'fp-changed',
        'fp-QDi.1',
      ]);
      expect(await store.hits('HB')).toEqual([]);
      await expect(store.recordHits(' ', key, hits, fp, 'screen')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it("hit: one of the administration's hits with its party query; NOT_FOUND otherwise", async () => {
      const query = { name: 'Olga Smirnova', type: 'person' as const, country: 'RU' };
      const key = await store.recordParty('TA', query);
      const [created] = await store.recordHits('TA', key, [hitOn(unV1, 'QDi.2')], fp, 'screen');
      expect(await store.hit('TA', created!.id)).toEqual(created);
      expect((await store.hit('TA', created!.id)).query).toEqual(query);
      await expect(store.hit('TB', created!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.hit('TA', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.hit('', created!.id)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('adjudicate: refuses an unknown verdict and an analyst name or note beyond its limit, storing nothing', async () => {
      const key = await store.recordParty('VA', { name: 'Ivan Petrov', type: 'person' });
      const [hit] = await store.recordHits('VA', key, [hitOn(ofac, '9001')], fp, 'screen');
      const refused = [
        () => store.adjudicate('VA', hit!.id, 'maybe' as Verdict, { analyst: 'ana' }),
        () => store.adjudicate('VA', hit!.id, 'false_positive', { analyst: 'a'.repeat(201) }),
        () => store.adjudicate('VA', hit!.id, 'false_positive', { analyst: 'ana', note: 'n'.repeat(2001) }),
        () => store.adjudicate('', hit!.id, 'false_positive', { analyst: 'ana' }),
        () => store.confirmClearance('VA', hit!.id, { analyst: '' }),
      ];
      for (const attempt of refused) await expect(attempt()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await store.adjudications('VA', hit!.id)).toEqual([]);
      expect((await store.hit('VA', hit!.id)).status).toBe('open');
      // At the limits it is accepted, and stored as given (the name trimmed).
      const done = await store.adjudicate('VA', hit!.id, 'false_positive', {
        analyst: ` ${'a'.repeat(200)} `,
        note: 'n'.repeat(2000),
      });
      expect(done.stage).toBe('final');
      const [stored] = await store.adjudications('VA', hit!.id);
      expect([stored!.analyst.length, stored!.note.length, stored!.analystKey]).toEqual([200, 2000, null]);
    });

    it('goodParties, goodPartyKeys and isCleared: the cleared pairs of one administration, newest first', async () => {
      const cleared: string[] = [];
      for (const [i, name] of ['Ivan Petrov', 'Olga Smirnova', 'Karim Haddad'].entries()) {
        const key = await store.recordParty('GA', { name, type: 'person' });
        const [hit] = await store.recordHits(
          'GA',
          key,
          [hitOn(ofac, '9001')],
          (h) => `fp-${h.entityId}-${i}`,
          'screen',
        );
        await store.adjudicate('GA', hit!.id, 'false_positive', { analyst: 'ana' });
        cleared.push(key);
        await sleep(5);
      }
      const good = await store.goodParties('GA');
      expect(good.map((g) => g.query.name)).toEqual(['Karim Haddad', 'Olga Smirnova', 'Ivan Petrov']);
      expect(good[0]).toMatchObject({ list: 'ofac', entityId: '9001', entityFingerprint: 'fp-9001-2' });
      expect((await store.goodParties('GA', { limit: 2 })).map((g) => g.query.name)).toEqual([
        'Karim Haddad',
        'Olga Smirnova',
      ]);
      expect([...(await store.goodPartyKeys('GA'))].sort()).toEqual(
        cleared.map((key, i) => goodPartyKey(key, 'ofac', '9001', `fp-9001-${i}`)).sort(),
      );
      expect(await store.isCleared('GA', cleared[0]!, 'ofac', '9001', 'fp-9001-0')).toBe(true);
      // Another fingerprint (the entity's data changed) or another administration is not cleared.
      expect(await store.isCleared('GA', cleared[0]!, 'ofac', '9001', 'fp-9001-1')).toBe(false);
      expect(await store.isCleared('GB', cleared[0]!, 'ofac', '9001', 'fp-9001-0')).toBe(false);
      expect(await store.goodParties('GB')).toEqual([]);
      expect((await store.goodPartyKeys('GB')).size).toBe(0);
      await expect(store.goodParties(' ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.goodPartyKeys('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(store.isCleared('', cleared[0]!, 'ofac', '9001', 'x')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      // A cleared pair is not raised again by recordHits.
      const again = await store.recordHits(
        'GA',
        cleared[1]!,
        [hitOn(ofac, '9001')],
        () => 'fp-9001-1',
        'delta',
      );
      expect(again).toEqual([]);
    });
  });
}

import type { Kysely } from 'kysely';
import { entityFingerprint, partyFingerprint } from '../../core/screening/delta.ts';
import {
  type ListSource,
  type ListVersion,
  type SanctionedEntity,
  versionLabel,
} from '../../core/screening/entity.ts';
import type { ScreeningHit, ScreeningQuery } from '../../core/screening/screen.ts';
import { adjudicationRecord, writeLedgerRecords } from '../ledger/ledger-records.ts';
import type { Database } from './schema.ts';
import { StoreError } from './store-error.ts';
import { timeOrderedId } from './time-ordered-id.ts';

/** An analyst's verdict on a hit. */
export const VERDICTS = ['true_positive', 'false_positive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A stored hit as the CLI and the API show it. */
export interface StoredHit {
  id: string;
  partyKey: string;
  query: ScreeningQuery;
  list: string;
  entityId: string;
  entityFingerprint: string;
  versionId: string;
  score: number;
  decision: string;
  reasons: string[];
  status: 'open' | Verdict;
  cause: 'screen' | 'delta';
  raisedAt: string;
}

export interface StoredListVersion {
  id: string;
  list: string;
  publishedOn: string;
  sha256: string;
  origin: string[];
  entityCount: number;
  loadedAt: string;
  loadedBy: string;
}

const BATCH = 400;

/**
 * Persistence of party screening: list versions with their entities (so a result always names
 * the exact version, and updates can be diffed), screened parties, hits, adjudications and the
 * good-party list. Works on SQLite and PostgreSQL alike.
 */
export class ScreeningStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a list version and its entities. Loading the same bytes again is a no-op
   * (`stored: false`): the version id is derived from the list, date and hash.
   */
  async saveListVersion(version: ListVersion, loadedBy: string): Promise<{ id: string; stored: boolean }> {
    const id = versionLabel(version);
    const existing = await this.db
      .selectFrom('screening_list_versions')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (existing) return { id, stored: false };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('screening_list_versions')
        .values({
          id,
          list: version.list,
          published_on: version.publishedOn,
          sha256: version.sha256,
          origin: JSON.stringify(version.origin),
          entity_count: version.entities.length,
          loaded_at: new Date().toISOString(),
          loaded_by: loadedBy,
        })
        .execute();
      for (let i = 0; i < version.entities.length; i += BATCH) {
        await trx
          .insertInto('screening_entities')
          .values(
            version.entities.slice(i, i + BATCH).map((e) => ({
              version_id: id,
              entity_id: e.entityId,
              fingerprint: entityFingerprint(e),
              data: JSON.stringify(e),
            })),
          )
          .execute();
      }
    });
    return { id, stored: true };
  }

  /** All stored versions, newest load first. */
  async listVersions(): Promise<StoredListVersion[]> {
    const rows = await this.db
      .selectFrom('screening_list_versions')
      .selectAll()
      .orderBy('loaded_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      list: r.list,
      publishedOn: r.published_on,
      sha256: r.sha256,
      origin: JSON.parse(r.origin) as string[],
      entityCount: Number(r.entity_count),
      loadedAt: r.loaded_at,
      loadedBy: r.loaded_by,
    }));
  }

  /** The latest loaded version of each list (or of the given lists), with entities. */
  async latestVersions(lists?: readonly ListSource[]): Promise<ListVersion[]> {
    const all = await this.listVersions();
    const latest = new Map<string, StoredListVersion>();
    for (const v of all)
      if (!latest.has(v.list) && (!lists || lists.includes(v.list as ListSource))) latest.set(v.list, v);
    const out: ListVersion[] = [];
    for (const v of latest.values()) {
      const rows = await this.db
        .selectFrom('screening_entities')
        .select('data')
        .where('version_id', '=', v.id)
        .execute();
      out.push({
        list: v.list as ListSource,
        publishedOn: v.publishedOn,
        sha256: v.sha256,
        origin: v.origin,
        entities: rows.map((r) => JSON.parse(r.data) as SanctionedEntity),
      });
    }
    return out;
  }

  /** The version of `list` loaded before `versionId`, if any. */
  async previousVersion(list: string, versionId: string): Promise<string | undefined> {
    const all = (await this.listVersions()).filter((v) => v.list === list);
    const at = all.findIndex((v) => v.id === versionId);
    return at >= 0 ? all[at + 1]?.id : all[0]?.id;
  }

  /** Entity id -> fingerprint of a stored version. */
  async fingerprints(versionId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('screening_entities')
      .select(['entity_id', 'fingerprint'])
      .where('version_id', '=', versionId)
      .execute();
    return new Map(rows.map((r) => [r.entity_id, r.fingerprint]));
  }

  /** Records a screened party (idempotent) and returns its key. */
  async recordParty(query: ScreeningQuery): Promise<string> {
    const key = partyFingerprint(query);
    const now = new Date().toISOString();
    const stored = { ...query };
    const updated = await this.db
      .updateTable('screening_parties')
      .set({ last_screened_at: now })
      .where('party_key', '=', key)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await this.db
        .insertInto('screening_parties')
        .values({ party_key: key, query: JSON.stringify(stored), first_seen_at: now, last_screened_at: now })
        .execute();
    }
    return key;
  }

  /** Every screened party, for delta screening. */
  async parties(): Promise<Array<{ partyKey: string; query: ScreeningQuery }>> {
    const rows = await this.db
      .selectFrom('screening_parties')
      .select(['party_key', 'query'])
      .orderBy('party_key')
      .execute();
    return rows.map((r) => ({ partyKey: r.party_key, query: JSON.parse(r.query) as ScreeningQuery }));
  }

  /**
   * Records hits for a party, skipping a pair already raised for the same entity data (so
   * re-screening does not duplicate) and pairs on the good-party list. Returns the new hits.
   */
  async recordHits(
    partyKey: string,
    hits: ScreeningHit[],
    fingerprintOf: (hit: ScreeningHit) => string,
    cause: 'screen' | 'delta',
  ): Promise<StoredHit[]> {
    const created: StoredHit[] = [];
    for (const hit of hits) {
      const fp = fingerprintOf(hit);
      const already = await this.db
        .selectFrom('screening_hits')
        .select('id')
        .where('party_key', '=', partyKey)
        .where('list', '=', hit.list)
        .where('entity_id', '=', hit.entityId)
        .where('entity_fingerprint', '=', fp)
        .executeTakeFirst();
      if (already || (await this.isCleared(partyKey, hit.list, hit.entityId, fp))) continue;
      const row = {
        id: timeOrderedId(),
        party_key: partyKey,
        list: hit.list,
        entity_id: hit.entityId,
        entity_fingerprint: fp,
        version_id: hit.version,
        score: hit.score,
        decision: hit.decision,
        reasons: JSON.stringify(hit.reasons),
        status: 'open',
        cause,
        raised_at: new Date().toISOString(),
      };
      await this.db.insertInto('screening_hits').values(row).execute();
      const party = await this.db
        .selectFrom('screening_parties')
        .select('query')
        .where('party_key', '=', partyKey)
        .executeTakeFirst();
      created.push(toStoredHit(row, party?.query ?? '{}'));
    }
    return created;
  }

  /** Hits, newest first, optionally only those with a status. */
  async hits(options: { status?: 'open' | Verdict; limit?: number } = {}): Promise<StoredHit[]> {
    let q = this.db
      .selectFrom('screening_hits')
      .innerJoin('screening_parties', 'screening_parties.party_key', 'screening_hits.party_key')
      .selectAll('screening_hits')
      .select('screening_parties.query');
    if (options.status) q = q.where('screening_hits.status', '=', options.status);
    const rows = await q
      .orderBy('screening_hits.id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map((r) => toStoredHit(r, r.query));
  }

  /**
   * Records an analyst's verdict on a hit (who, when, why). A false positive puts the
   * party-entity pair, keyed on both sides' data fingerprints, on the good-party list.
   */
  async adjudicate(
    hitId: string,
    verdict: Verdict,
    analyst: string,
    note = '',
  ): Promise<{ adjudicationId: string; hit: StoredHit }> {
    if (!analyst.trim())
      throw new StoreError('INVALID_INPUT', 'an adjudication needs the analyst who made it');
    const hit = await this.db
      .selectFrom('screening_hits')
      .selectAll()
      .where('id', '=', hitId)
      .executeTakeFirst();
    if (!hit) throw new StoreError('NOT_FOUND', `no screening hit ${hitId}`);
    const adjudicationId = timeOrderedId();
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('screening_adjudications')
        .values({ id: adjudicationId, hit_id: hitId, verdict, analyst, note, decided_at: now })
        .execute();
      // Its log entry commits with it (the outbox the transparency log drains).
      await writeLedgerRecords(trx, [
        adjudicationRecord(
          { adjudicationId, hitId, list: hit.list, entityId: hit.entity_id },
          verdict,
          analyst,
          note,
          now,
        ),
      ]);
      await trx.updateTable('screening_hits').set({ status: verdict }).where('id', '=', hitId).execute();
      if (verdict === 'false_positive') {
        await trx
          .deleteFrom('screening_good_parties')
          .where('party_key', '=', hit.party_key)
          .where('list', '=', hit.list)
          .where('entity_id', '=', hit.entity_id)
          .where('entity_fingerprint', '=', hit.entity_fingerprint)
          .execute();
        await trx
          .insertInto('screening_good_parties')
          .values({
            party_key: hit.party_key,
            list: hit.list,
            entity_id: hit.entity_id,
            entity_fingerprint: hit.entity_fingerprint,
            adjudication_id: adjudicationId,
            cleared_at: now,
          })
          .execute();
      } else {
        // A confirmed hit revokes an earlier clearance of the same pair.
        await trx
          .deleteFrom('screening_good_parties')
          .where('party_key', '=', hit.party_key)
          .where('list', '=', hit.list)
          .where('entity_id', '=', hit.entity_id)
          .execute();
      }
    });
    const party = await this.db
      .selectFrom('screening_parties')
      .select('query')
      .where('party_key', '=', hit.party_key)
      .executeTakeFirst();
    return { adjudicationId, hit: toStoredHit({ ...hit, status: verdict }, party?.query ?? '{}') };
  }

  /** Adjudications of a hit, oldest first. */
  async adjudications(
    hitId: string,
  ): Promise<Array<{ id: string; verdict: string; analyst: string; note: string; decidedAt: string }>> {
    const rows = await this.db
      .selectFrom('screening_adjudications')
      .selectAll()
      .where('hit_id', '=', hitId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      verdict: r.verdict,
      analyst: r.analyst,
      note: r.note,
      decidedAt: r.decided_at,
    }));
  }

  async isCleared(partyKey: string, list: string, entityId: string, entityFp: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('screening_good_parties')
      .select('party_key')
      .where('party_key', '=', partyKey)
      .where('list', '=', list)
      .where('entity_id', '=', entityId)
      .where('entity_fingerprint', '=', entityFp)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The whole good-party list as `partyKey|list|entityId|entityFingerprint` keys, for in-memory checks. */
  async goodPartyKeys(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('screening_good_parties').selectAll().execute();
    return new Set(rows.map((r) => goodPartyKey(r.party_key, r.list, r.entity_id, r.entity_fingerprint)));
  }
}

export function goodPartyKey(partyKey: string, list: string, entityId: string, entityFp: string): string {
  return `${partyKey}|${list}|${entityId}|${entityFp}`;
}

function toStoredHit(
  r: {
    id: string;
    party_key: string;
    list: string;
    entity_id: string;
    entity_fingerprint: string;
    version_id: string;
    score: number;
    decision: string;
    reasons: string;
    status: string;
    cause: string;
    raised_at: string;
  },
  query: string,
): StoredHit {
  return {
    id: r.id,
    partyKey: r.party_key,
    query: JSON.parse(query) as ScreeningQuery,
    list: r.list,
    entityId: r.entity_id,
    entityFingerprint: r.entity_fingerprint,
    versionId: r.version_id,
    score: Number(r.score),
    decision: r.decision,
    reasons: JSON.parse(r.reasons) as string[],
    status: r.status as StoredHit['status'],
    cause: r.cause as StoredHit['cause'],
    raisedAt: r.raised_at,
  };
}

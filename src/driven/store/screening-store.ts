import type { Kysely, Selectable } from 'kysely';
import { entityFingerprint, partyFingerprint } from '../../core/screening/delta.ts';
import {
  type ListSource,
  type ListVersion,
  type SanctionedEntity,
  versionLabel,
} from '../../core/screening/entity.ts';
import type { ScreeningHit, ScreeningQuery } from '../../core/screening/screen.ts';
import type { Database } from '../database/schema.ts';
import type { ScreeningHitsTable } from '../database/screening-tables.ts';
import { StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { adjudicationRecord, writeLedgerRecords } from './ledger-records.ts';

/** An analyst's verdict on a hit. */
export const VERDICTS = ['true_positive', 'false_positive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Where a hit stands: `pending_clearance` is a clearance waiting for a second analyst (four-eyes). */
export const HIT_STATUSES = ['open', 'pending_clearance', ...VERDICTS] as const;
export type HitStatus = (typeof HIT_STATUSES)[number];

/** `final`, or the two halves of a four-eyes clearance: `pending` then `confirmation`. */
export type AdjudicationStage = 'final' | 'pending' | 'confirmation';

/** A stored hit as the CLI and the API show it. */
export interface StoredHit {
  id: string;
  administration: string;
  partyKey: string;
  query: ScreeningQuery;
  list: string;
  entityId: string;
  entityFingerprint: string;
  versionId: string;
  score: number;
  /** Name score before evidence; 1 is an exact name match. */
  nameScore: number;
  decision: string;
  reasons: string[];
  status: HitStatus;
  cause: 'screen' | 'delta';
  raisedAt: string;
}

/** Who adjudicates: the analyst's name, and the API key used when it came through the API. */
export interface AnalystInput {
  analyst: string;
  analystKey?: string;
  note?: string;
}

export interface StoredAdjudication {
  id: string;
  verdict: Verdict;
  stage: AdjudicationStage;
  analyst: string;
  analystKey: string | null;
  note: string;
  decidedAt: string;
}

export interface AdjudicationResult {
  adjudicationId: string;
  stage: AdjudicationStage;
  hit: StoredHit;
}

/** A cleared party-entity pair of one administration. */
export interface GoodParty {
  partyKey: string;
  query: ScreeningQuery;
  list: string;
  entityId: string;
  entityFingerprint: string;
  adjudicationId: string;
  clearedAt: string;
}

/**
 * Clearing these hits needs a second analyst (four-eyes): an exact name match (name score 1, or a
 * score of 1 from an IMO number), or any hit on the UN Security Council list, whose measures every
 * member state must apply.
 */
export function needsFourEyes(hit: Pick<StoredHit, 'list' | 'score' | 'nameScore'>): boolean {
  return hit.list === 'un' || hit.nameScore >= 1 || hit.score >= 1;
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
 * the exact version, and updates can be diffed), shared by the installation; and screened
 * parties, hits, adjudications and the good-party list, which belong to one administration:
 * every method on them takes the caller's administration and never reads or writes another's.
 * Works on SQLite and PostgreSQL alike.
 *
 * @example
 * const store = new ScreeningStore(conn.db);
 * const pending = await store.adjudicate('NL', hitId, 'false_positive', { analyst: 'ana' });
 * await store.confirmClearance('NL', hitId, { analyst: 'ben' }); // four-eyes: another analyst
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

  /** Records a party screened for an administration (idempotent) and returns its key. */
  async recordParty(administration: string, query: ScreeningQuery): Promise<string> {
    const admin = requireAdministration(administration);
    const key = partyFingerprint(query);
    const now = new Date().toISOString();
    await this.db
      .insertInto('screening_parties')
      .values({
        administration: admin,
        party_key: key,
        query: JSON.stringify(query),
        first_seen_at: now,
        last_screened_at: now,
      })
      .onConflict((oc) => oc.columns(['administration', 'party_key']).doUpdateSet({ last_screened_at: now }))
      .execute();
    return key;
  }

  /**
   * Every screened party with the administration that screened it, for delta screening (an
   * installation-wide list update re-screens each administration's parties for that administration).
   */
  async parties(): Promise<Array<{ administration: string; partyKey: string; query: ScreeningQuery }>> {
    const rows = await this.db
      .selectFrom('screening_parties')
      .select(['administration', 'party_key', 'query'])
      .orderBy('party_key')
      .orderBy('administration')
      .execute();
    return rows.map((r) => ({
      administration: r.administration,
      partyKey: r.party_key,
      query: JSON.parse(r.query) as ScreeningQuery,
    }));
  }

  /**
   * Records an administration's hits for a party, skipping a pair already raised for the same
   * entity data (so re-screening does not duplicate) and pairs on its good-party list. Returns the
   * new hits.
   */
  async recordHits(
    administration: string,
    partyKey: string,
    hits: ScreeningHit[],
    fingerprintOf: (hit: ScreeningHit) => string,
    cause: 'screen' | 'delta',
  ): Promise<StoredHit[]> {
    const admin = requireAdministration(administration);
    const created: StoredHit[] = [];
    for (const hit of hits) {
      const fp = fingerprintOf(hit);
      const already = await this.db
        .selectFrom('screening_hits')
        .select('id')
        .where('administration', '=', admin)
        .where('party_key', '=', partyKey)
        .where('list', '=', hit.list)
        .where('entity_id', '=', hit.entityId)
        .where('entity_fingerprint', '=', fp)
        .executeTakeFirst();
      if (already || (await this.isCleared(admin, partyKey, hit.list, hit.entityId, fp))) continue;
      const row = {
        id: timeOrderedId(),
        administration: admin,
        party_key: partyKey,
        list: hit.list,
        entity_id: hit.entityId,
        entity_fingerprint: fp,
        version_id: hit.version,
        score: hit.score,
        name_score: hit.nameScore,
        decision: hit.decision,
        reasons: JSON.stringify(hit.reasons),
        status: 'open',
        cause,
        raised_at: new Date().toISOString(),
      };
      await this.db.insertInto('screening_hits').values(row).execute();
      created.push(toStoredHit(row, await this.partyQuery(this.db, admin, partyKey)));
    }
    return created;
  }

  /** An administration's hits, newest first, optionally only those with a status. */
  async hits(
    administration: string,
    options: { status?: HitStatus; limit?: number } = {},
  ): Promise<StoredHit[]> {
    const admin = requireAdministration(administration);
    let q = this.db
      .selectFrom('screening_hits')
      .innerJoin('screening_parties', (join) =>
        join
          .onRef('screening_parties.administration', '=', 'screening_hits.administration')
          .onRef('screening_parties.party_key', '=', 'screening_hits.party_key'),
      )
      .selectAll('screening_hits')
      .select('screening_parties.query')
      .where('screening_hits.administration', '=', admin);
    if (options.status) q = q.where('screening_hits.status', '=', options.status);
    const rows = await q
      .orderBy('screening_hits.id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map((r) => toStoredHit(r, r.query));
  }

  /**
   * One hit of an administration. Another administration's hit is `NOT_FOUND` exactly like a
   * missing one, so ids cannot be probed across administrations.
   */
  async hit(administration: string, hitId: string): Promise<StoredHit> {
    const admin = requireAdministration(administration);
    const row = await this.hitRow(this.db, admin, hitId);
    return toStoredHit(row, await this.partyQuery(this.db, admin, row.party_key));
  }

  /**
   * Records an analyst's verdict on one of the administration's hits (who, when, why). A false
   * positive puts the party-entity pair, keyed on both sides' data fingerprints, on the
   * administration's good-party list; when the hit {@link needsFourEyes}, the clearance is only
   * `pending` (the hit keeps its effect) until a second analyst confirms it
   * ({@link confirmClearance}). A true positive is final at once and withdraws any clearance of
   * the pair, pending or not.
   */
  async adjudicate(
    administration: string,
    hitId: string,
    verdict: Verdict,
    by: AnalystInput,
  ): Promise<AdjudicationResult> {
    const admin = requireAdministration(administration);
    const analyst = requireAnalyst(by);
    if (!(VERDICTS as readonly string[]).includes(verdict))
      throw new StoreError('INVALID_INPUT', `verdict must be one of ${VERDICTS.join(', ')}`);
    return this.db.transaction().execute(async (trx) => {
      const hit = await this.hitRow(trx, admin, hitId);
      const query = await this.partyQuery(trx, admin, hit.party_key);
      const stored = toStoredHit(hit, query);
      if (verdict === 'false_positive' && hit.status === 'pending_clearance')
        throw new StoreError(
          'CONFLICT',
          `hit ${hitId} already has a clearance waiting for a second analyst: confirm it instead`,
        );
      if (verdict === 'false_positive' && hit.status === 'false_positive')
        throw new StoreError('CONFLICT', `hit ${hitId} is already cleared`);
      const stage: AdjudicationStage =
        verdict === 'false_positive' && needsFourEyes(stored) ? 'pending' : 'final';
      const { adjudicationId, now } = await this.insertAdjudication(trx, admin, hit, verdict, stage, analyst);
      const status: HitStatus = stage === 'pending' ? 'pending_clearance' : verdict;
      await trx
        .updateTable('screening_hits')
        .set({ status })
        .where('administration', '=', admin)
        .where('id', '=', hitId)
        .execute();
      if (stage === 'final' && verdict === 'false_positive') {
        await this.clearPair(trx, admin, hit, adjudicationId, now);
      } else if (verdict === 'true_positive') {
        // A confirmed hit revokes an earlier clearance of the same pair.
        await trx
          .deleteFrom('screening_good_parties')
          .where('administration', '=', admin)
          .where('party_key', '=', hit.party_key)
          .where('list', '=', hit.list)
          .where('entity_id', '=', hit.entity_id)
          .execute();
      }
      return { adjudicationId, stage, hit: { ...stored, status } };
    });
  }

  /**
   * The second half of a four-eyes clearance: a different analyst of the same administration
   * (another person, and through the API another key) confirms a pending clearance, and only then
   * does the pair go on the good-party list. The analyst who proposed it is refused.
   */
  async confirmClearance(
    administration: string,
    hitId: string,
    by: AnalystInput,
  ): Promise<AdjudicationResult> {
    const admin = requireAdministration(administration);
    const analyst = requireAnalyst(by);
    return this.db.transaction().execute(async (trx) => {
      const hit = await this.hitRow(trx, admin, hitId);
      if (hit.status !== 'pending_clearance')
        throw new StoreError(
          'CONFLICT',
          `hit ${hitId} has no clearance waiting for confirmation (status ${hit.status})`,
        );
      const pending = await trx
        .selectFrom('screening_adjudications')
        .select(['analyst', 'analyst_key'])
        .where('administration', '=', admin)
        .where('hit_id', '=', hitId)
        .where('stage', '=', 'pending')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      if (sameAnalyst(pending, analyst))
        throw new StoreError(
          'CONFLICT',
          `hit ${hitId}: the clearance was proposed by ${pending.analyst}; four-eyes rule: a different analyst must confirm it`,
        );
      const { adjudicationId, now } = await this.insertAdjudication(
        trx,
        admin,
        hit,
        'false_positive',
        'confirmation',
        analyst,
      );
      await trx
        .updateTable('screening_hits')
        .set({ status: 'false_positive' })
        .where('administration', '=', admin)
        .where('id', '=', hitId)
        .execute();
      await this.clearPair(trx, admin, hit, adjudicationId, now);
      const query = await this.partyQuery(trx, admin, hit.party_key);
      return {
        adjudicationId,
        stage: 'confirmation' as const,
        hit: toStoredHit({ ...hit, status: 'false_positive' }, query),
      };
    });
  }

  /** Adjudications of one of the administration's hits, oldest first (`NOT_FOUND` for another's). */
  async adjudications(administration: string, hitId: string): Promise<StoredAdjudication[]> {
    const admin = requireAdministration(administration);
    await this.hitRow(this.db, admin, hitId);
    const rows = await this.db
      .selectFrom('screening_adjudications')
      .selectAll()
      .where('administration', '=', admin)
      .where('hit_id', '=', hitId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      verdict: r.verdict as Verdict,
      stage: r.stage as AdjudicationStage,
      analyst: r.analyst,
      analystKey: r.analyst_key,
      note: r.note,
      decidedAt: r.decided_at,
    }));
  }

  async isCleared(
    administration: string,
    partyKey: string,
    list: string,
    entityId: string,
    entityFp: string,
  ): Promise<boolean> {
    const row = await this.db
      .selectFrom('screening_good_parties')
      .select('party_key')
      .where('administration', '=', requireAdministration(administration))
      .where('party_key', '=', partyKey)
      .where('list', '=', list)
      .where('entity_id', '=', entityId)
      .where('entity_fingerprint', '=', entityFp)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** An administration's good-party list, newest clearance first. */
  async goodParties(administration: string, options: { limit?: number } = {}): Promise<GoodParty[]> {
    const admin = requireAdministration(administration);
    const rows = await this.db
      .selectFrom('screening_good_parties as g')
      .innerJoin('screening_parties as p', (join) =>
        join.onRef('p.administration', '=', 'g.administration').onRef('p.party_key', '=', 'g.party_key'),
      )
      .selectAll('g')
      .select('p.query')
      .where('g.administration', '=', admin)
      .orderBy('g.cleared_at', 'desc')
      .orderBy('g.adjudication_id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map((r) => ({
      partyKey: r.party_key,
      query: JSON.parse(r.query) as ScreeningQuery,
      list: r.list,
      entityId: r.entity_id,
      entityFingerprint: r.entity_fingerprint,
      adjudicationId: r.adjudication_id,
      clearedAt: r.cleared_at,
    }));
  }

  /**
   * An administration's good-party list as `partyKey|list|entityId|entityFingerprint` keys, for
   * in-memory checks (read again before each batch, so a clearance takes effect at once).
   */
  async goodPartyKeys(administration: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('screening_good_parties')
      .select(['party_key', 'list', 'entity_id', 'entity_fingerprint'])
      .where('administration', '=', requireAdministration(administration))
      .execute();
    return new Set(rows.map((r) => goodPartyKey(r.party_key, r.list, r.entity_id, r.entity_fingerprint)));
  }

  /** Stores one adjudication row and, in the same transaction, its pending log entry (the outbox). */
  private async insertAdjudication(
    trx: Kysely<Database>,
    admin: string,
    hit: { id: string; list: string; entity_id: string },
    verdict: Verdict,
    stage: AdjudicationStage,
    analyst: { name: string; key: string | null; note: string },
  ): Promise<{ adjudicationId: string; now: string }> {
    const adjudicationId = timeOrderedId();
    const now = new Date().toISOString();
    await trx
      .insertInto('screening_adjudications')
      .values({
        id: adjudicationId,
        administration: admin,
        hit_id: hit.id,
        verdict,
        stage,
        analyst: analyst.name,
        analyst_key: analyst.key,
        note: analyst.note,
        decided_at: now,
      })
      .execute();
    await writeLedgerRecords(trx, [
      adjudicationRecord(
        {
          adjudicationId,
          hitId: hit.id,
          list: hit.list,
          entityId: hit.entity_id,
          administration: admin,
          stage,
        },
        verdict,
        analyst.name,
        analyst.note,
        now,
      ),
    ]);
    return { adjudicationId, now };
  }

  private async hitRow(db: Kysely<Database>, admin: string, hitId: string) {
    const row = await db
      .selectFrom('screening_hits')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', hitId)
      .executeTakeFirst();
    if (!row) throw new StoreError('NOT_FOUND', `no screening hit ${hitId}`);
    return row;
  }

  private async partyQuery(db: Kysely<Database>, admin: string, partyKey: string): Promise<string> {
    const party = await db
      .selectFrom('screening_parties')
      .select('query')
      .where('administration', '=', admin)
      .where('party_key', '=', partyKey)
      .executeTakeFirst();
    return party?.query ?? '{}';
  }

  private async clearPair(
    trx: Kysely<Database>,
    admin: string,
    hit: { party_key: string; list: string; entity_id: string; entity_fingerprint: string },
    adjudicationId: string,
    now: string,
  ): Promise<void> {
    await trx
      .deleteFrom('screening_good_parties')
      .where('administration', '=', admin)
      .where('party_key', '=', hit.party_key)
      .where('list', '=', hit.list)
      .where('entity_id', '=', hit.entity_id)
      .where('entity_fingerprint', '=', hit.entity_fingerprint)
      .execute();
    await trx
      .insertInto('screening_good_parties')
      .values({
        administration: admin,
        party_key: hit.party_key,
        list: hit.list,
        entity_id: hit.entity_id,
        entity_fingerprint: hit.entity_fingerprint,
        adjudication_id: adjudicationId,
        cleared_at: now,
      })
      .execute();
  }
}

export function goodPartyKey(partyKey: string, list: string, entityId: string, entityFp: string): string {
  return `${partyKey}|${list}|${entityId}|${entityFp}`;
}

function requireAdministration(administration: string): string {
  if (typeof administration !== 'string' || administration.trim() === '')
    throw new StoreError('INVALID_INPUT', 'administration is required: screening records belong to one');
  return administration;
}

function requireAnalyst(by: AnalystInput): { name: string; key: string | null; note: string } {
  const name = by.analyst.trim();
  if (!name) throw new StoreError('INVALID_INPUT', 'an adjudication needs the analyst who made it');
  if (name.length > 200) throw new StoreError('INVALID_INPUT', 'analyst: at most 200 characters');
  const note = by.note ?? '';
  if (note.length > 2000) throw new StoreError('INVALID_INPUT', 'note: at most 2000 characters');
  return { name, key: by.analystKey ?? null, note };
}

/** Same person for the four-eyes rule: the same API key, or the same name (case and spacing aside). */
function sameAnalyst(
  first: { analyst: string; analyst_key: string | null },
  second: { name: string; key: string | null },
): boolean {
  if (first.analyst_key !== null && first.analyst_key === second.key) return true;
  const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(first.analyst) === norm(second.name);
}

function toStoredHit(r: Selectable<ScreeningHitsTable>, query: string): StoredHit {
  return {
    id: r.id,
    administration: r.administration,
    partyKey: r.party_key,
    query: JSON.parse(query) as ScreeningQuery,
    list: r.list,
    entityId: r.entity_id,
    entityFingerprint: r.entity_fingerprint,
    versionId: r.version_id,
    score: Number(r.score),
    nameScore: Number(r.name_score),
    decision: r.decision,
    reasons: JSON.parse(r.reasons) as string[],
    status: r.status as HitStatus,
    cause: r.cause as StoredHit['cause'],
    raisedAt: r.raised_at,
  };
}

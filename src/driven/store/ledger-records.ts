import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { StoredDecision } from '../../app/ports/decision-records.ts';
import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { commitmentLeaf, RECORD_SALT_BYTES, recordCommitment } from '../../core/ledger/record-commitment.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import type { StoredOutcome } from './lifecycle-records.ts';

/** What the log records; each stored record of these kinds has exactly one log entry. */
export type RecordKind =
  | 'decision'
  | 'override'
  | 'outcome'
  | 'risk-profile'
  | 'adjudication'
  | 'model-activation'
  | 'list-version'
  | 'seizure'
  | 'cash-declaration'
  /** A permit balance or quota taken at release (`<admin>/<id>`), or given back (`<admin>/<id>/return`). */
  | 'permit-consumption'
  /** An item shared with partners (its content is the SharedItem: the leaf is `sharedItemLogEntry`). */
  | 'shared-item';

/** A record to log, written with {@link writeLedgerRecords} in the transaction that stores it. */
export interface LedgerRecordInput {
  kind: RecordKind;
  /** The stored record's id (decision id, outcome id, `<profile id>@<version>`, ...). */
  recordId: string;
  /** The administration the record belongs to; null for installation-wide records. */
  administration: string | null;
  /** What the leaf commits to; must be JSON (a lone surrogate or NaN refuses the whole write). */
  content: object;
}

/** A record as kept in `ledger_records`. */
export interface LedgerRecord {
  kind: RecordKind;
  recordId: string;
  administration: string | null;
  /** Canonical JSON; null for legacy records (stored before commitments, their entry is plaintext). */
  content: string | null;
  /** Hex; null for legacy records. */
  salt: string | null;
  logIndex: number | null;
  legacy: boolean;
}

const CHUNK = 500;

/**
 * Writes the records' pending log entries in the caller's transaction (the outbox): the record
 * and its entry commit together or not at all, and the log's appender drains them. Content that
 * is not canonical JSON throws `NOT_CANONICAL_JSON` here, so the caller's whole write rolls back.
 */
export async function writeLedgerRecords(
  trx: Kysely<Database>,
  records: readonly LedgerRecordInput[],
): Promise<void> {
  if (records.length === 0) return;
  const rows = ledgerRecordRows(records);
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('ledger_records')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

/** The `ledger_records` rows of records: canonical content, a fresh salt, no log index yet. */
export function ledgerRecordRows(records: readonly LedgerRecordInput[]) {
  const createdAt = new Date().toISOString();
  // One draw from the CSPRNG for the whole batch: each record still gets its own fresh salt.
  const salts = randomBytes(RECORD_SALT_BYTES * records.length).toString('hex');
  const saltChars = RECORD_SALT_BYTES * 2;
  return records.map((r, k) => ({
    kind: r.kind,
    record_id: r.recordId,
    administration: r.administration,
    content: canonicalJson(r.content),
    salt: salts.slice(k * saltChars, (k + 1) * saltChars),
    log_index: null,
    created_at: createdAt,
  }));
}

/** The public leaf of a stored record: its salted commitment, or the plaintext entry of a legacy one. */
export function leafOf(record: { content: string | null; salt: string | null }): string {
  if (record.content === null || record.salt === null)
    throw new Error('a legacy record has no commitment leaf');
  return commitmentLeaf(recordCommitment(Buffer.from(record.salt, 'hex'), record.content));
}

/**
 * What an allowed reader (or the operator) is shown of a logged record: the content and salt
 * an auditor checks against the public leaf; nothing for a legacy record, which has neither.
 */
export function disclosedRecord(
  record: LedgerRecord | undefined,
):
  | { kind: RecordKind; recordId: string; administration: string | null; content: string; salt: string }
  | undefined {
  if (!record || record.content === null || record.salt === null) return undefined;
  const { kind, recordId, administration, content, salt } = record;
  return { kind, recordId, administration, content, salt };
}

const toRecord = (r: {
  kind: string;
  record_id: string;
  administration: string | null;
  content: string | null;
  salt: string | null;
  log_index: number | string | null;
  legacy: number;
}): LedgerRecord => ({
  kind: r.kind as RecordKind,
  recordId: r.record_id,
  administration: r.administration,
  content: r.content,
  salt: r.salt,
  logIndex: r.log_index === null ? null : Number(r.log_index),
  legacy: Number(r.legacy) === 1,
});

/** Reads of `ledger_records` for the appender, the audit and the entry endpoints. */
export class LedgerRecordStore {
  constructor(private readonly conn: StoreConnection) {}

  /** The oldest pending records (no log index yet), at most `limit`. */
  async pending(limit: number): Promise<LedgerRecord[]> {
    const rows = await this.conn.db
      .selectFrom('ledger_records')
      .selectAll()
      .where('log_index', 'is', null)
      .where('legacy', '=', 0)
      .orderBy('created_at')
      .orderBy('record_id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  /**
   * In the append transaction: gives each record its index and the decisions theirs
   * (`decisions.log_index`). False when another appender claimed one of them first.
   */
  async claim(trx: Kysely<Database>, records: readonly LedgerRecord[], from: number): Promise<boolean> {
    if (this.conn.dialect === 'postgres') return claimInOneStatement(trx, records, from);
    // SQLite: per-row statements on the one connection are cheap (no round trips).
    for (let k = 0; k < records.length; k += 1) {
      const r = records[k]!;
      const updated = await trx
        .updateTable('ledger_records')
        .set({ log_index: from + k })
        .where('kind', '=', r.kind)
        .where('record_id', '=', r.recordId)
        .where('log_index', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      if (r.kind === 'decision' || r.kind === 'override') {
        await trx
          .updateTable('decisions')
          .set({ log_index: from + k })
          .where('id', '=', r.recordId)
          .execute();
      }
    }
    return true;
  }

  /** The record logged at `index`, if any. */
  async atIndex(index: number): Promise<LedgerRecord | undefined> {
    const row = await this.conn.db
      .selectFrom('ledger_records')
      .selectAll()
      .where('log_index', '=', index)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** Records logged at indexes [from, to), by index. */
  async inRange(from: number, to: number): Promise<Map<number, LedgerRecord>> {
    const rows = await this.conn.db
      .selectFrom('ledger_records')
      .selectAll()
      .where('log_index', '>=', from)
      .where('log_index', '<', to)
      .execute();
    return new Map(rows.map((r) => [Number(r.log_index), toRecord(r)]));
  }

  /** The log index of one record, null while pending, undefined when there is no such record. */
  async indexOf(kind: RecordKind, recordId: string): Promise<number | null | undefined> {
    const row = await this.conn.db
      .selectFrom('ledger_records')
      .select('log_index')
      .where('kind', '=', kind)
      .where('record_id', '=', recordId)
      .executeTakeFirst();
    return row === undefined ? undefined : row.log_index === null ? null : Number(row.log_index);
  }

  /**
   * Stored records that are not (yet) in a log of `size` entries, oldest first, at most `limit`:
   * a decision, outcome, profile version, adjudication, model activation, own seizure or cash
   * declaration without its `ledger_records` row, or whose row has no index or one beyond the tree.
   */
  async unlogged(
    size: number,
    limit: number,
  ): Promise<Array<{ kind: string; recordId: string; detail: string }>> {
    const db = this.conn.db;
    const found: Array<{ kind: string; recordId: string; detail: string }> = [];
    const missing = (kind: string, key: string, table: string, label: string, where = '1 = 1') =>
      sql<{ record_id: string; detail: string }>`
        select t.record_id, t.detail from (select ${sql.raw(key)} as record_id, ${sql.raw(label)} as detail
          from ${sql.table(table)} where ${sql.raw(where)}) t
        left join ledger_records r on r.kind in (${sql.join(kind.split('|'))}) and r.record_id = t.record_id
        where r.record_id is null or r.log_index >= ${size}
          or (r.log_index is null and (r.legacy = 0 or r.kind in ('decision', 'override')))
        order by t.record_id limit ${limit}`;
    const checks: Array<[string, ReturnType<typeof missing>]> = [
      [
        'decision',
        missing(
          'decision|override',
          'id',
          'decisions',
          "'declaration ' || declaration_id || ' version ' || cast(version as text) || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'outcome',
        missing(
          'outcome',
          'id',
          'inspection_outcomes',
          "'declaration ' || declaration_id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'risk-profile',
        missing(
          'risk-profile',
          "administration || '/' || id || '@' || cast(version as text)",
          'risk_profiles',
          "'profile ' || id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'adjudication',
        missing(
          'adjudication',
          'id',
          'screening_adjudications',
          "'hit ' || hit_id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'model-activation',
        missing(
          'model-activation',
          'id',
          'model_activations',
          "'model ' || model_id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'seizure',
        // Only the administration's own records: a partner's seizure is in the partner's log.
        missing(
          'seizure',
          "administration || '/' || id",
          'seizures',
          "'seizure ' || id || ' (administration ' || administration || ')'",
          "source = 'local'",
        ),
      ],
      [
        'cash-declaration',
        missing(
          'cash-declaration',
          "administration || '/' || id",
          'cash_declarations',
          "'cash declaration ' || id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'permit-consumption',
        missing(
          'permit-consumption',
          "administration || '/' || id",
          'permit_consumptions',
          "'consumption of permit ' || permit_number || ' by ' || declaration_id || ' (administration ' || administration || ')'",
        ),
      ],
      [
        'shared-item',
        missing(
          'shared-item',
          'item_id',
          'federation_shared_items',
          "'shared ' || kind || ' seq ' || cast(seq as text) || ' (administration ' || administration || ')'",
        ),
      ],
    ];
    for (const [kind, query] of checks) {
      const { rows } = await query.execute(db);
      for (const r of rows) found.push({ kind, recordId: r.record_id, detail: r.detail });
    }
    const pending = await db
      .selectFrom('ledger_records')
      .select(['kind', 'record_id'])
      .where((eb) => eb.or([eb('log_index', 'is', null), eb('log_index', '>=', size)]))
      .where('legacy', '=', 0)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    for (const r of pending) {
      if (!found.some((f) => f.recordId === r.record_id))
        found.push({ kind: r.kind, recordId: r.record_id, detail: 'its pending entry was never appended' });
    }
    return found.slice(0, limit);
  }
}

/** PostgreSQL: the whole claim in two statements over arrays, not one round trip per record. */
async function claimInOneStatement(
  trx: Kysely<Database>,
  records: readonly LedgerRecord[],
  from: number,
): Promise<boolean> {
  const kinds = records.map((r) => r.kind);
  const ids = records.map((r) => r.recordId);
  const indexes = records.map((_, k) => from + k);
  const claimed = await sql`
    update ledger_records r set log_index = v.i
    from (select unnest(${kinds}::text[]) as k, unnest(${ids}::text[]) as id, unnest(${indexes}::bigint[]) as i) v
    where r.kind = v.k and r.record_id = v.id and r.log_index is null`.execute(trx);
  if (Number(claimed.numAffectedRows) !== records.length) return false;
  await sql`
    update decisions d set log_index = v.i
    from (select unnest(${kinds}::text[]) as k, unnest(${ids}::text[]) as id, unnest(${indexes}::bigint[]) as i) v
    where v.k in ('decision', 'override') and d.id = v.id`.execute(trx);
  return true;
}

/**
 * The content of each kind of record (what the leaf commits to and what an allowed reader gets):
 * enough to prove later who was selected, why, under which versions, and what the inspection found.
 */
export function decisionRecord(admin: string, contentHash: string, d: StoredDecision): LedgerRecordInput {
  return {
    kind: 'decision',
    recordId: d.id,
    administration: admin,
    content: {
      type: 'decision',
      administration: admin,
      declarationId: d.declarationId,
      version: d.version,
      decisionId: d.id,
      contentHash,
      channel: d.channel,
      score: d.score,
      signals: d.reasons.map((r) => ({
        source: r.source,
        code: r.code,
        score: r.score,
        minChannel: r.minChannel ?? null,
      })),
      selection: { keyId: d.selection.keyId, draw: d.selection.draw },
      profileVersions: d.profileVersions,
      referenceVersion: d.referenceVersion,
      modelVersion: d.modelVersion ?? null,
      listVersions: d.listVersions ?? null,
      decidedAt: d.decidedAt,
    },
  };
}

export function overrideRecord(admin: string, d: StoredDecision): LedgerRecordInput {
  return {
    kind: 'override',
    recordId: d.id,
    administration: admin,
    content: {
      type: 'override',
      administration: admin,
      declarationId: d.declarationId,
      version: d.version,
      decisionId: d.id,
      supersedes: d.supersedes,
      channel: d.channel,
      officer: d.officer,
      reason: d.reason,
      decidedAt: d.decidedAt,
    },
  };
}

export function outcomeRecord(admin: string, declarationId: string, o: StoredOutcome): LedgerRecordInput {
  return {
    kind: 'outcome',
    recordId: o.id,
    administration: admin,
    content: {
      type: 'outcome',
      administration: admin,
      declarationId,
      version: o.version,
      outcomeId: o.id,
      decisionId: o.decisionId,
      result: o.result,
      fraud: o.fraud,
      critical: o.critical,
      revenueRecovered: o.revenueRecovered,
      officer: o.officer,
      recordedAt: o.recordedAt,
    },
  };
}

/** A risk-profile version of one administration; its record id is `<administration>/<id>@<version>`. */
export function profileRecord(
  administration: string,
  p: { id: string; version: number; status: string; contentHash: string },
  by: string,
): LedgerRecordInput {
  return {
    kind: 'risk-profile',
    recordId: `${administration}/${p.id}@${p.version}`,
    administration,
    content: {
      type: 'risk-profile',
      administration,
      id: p.id,
      version: p.version,
      status: p.status,
      contentHash: p.contentHash,
      by,
    },
  };
}

/** An analyst's verdict on a screening hit. */
export function adjudicationRecord(
  a: {
    adjudicationId: string;
    hitId: string;
    list: string;
    entityId: string;
    administration: string;
    /** `final`, `pending` (the first half of a four-eyes clearance) or `confirmation` (its second). */
    stage: string;
  },
  verdict: string,
  analyst: string,
  note: string,
  at: string,
): LedgerRecordInput {
  return {
    kind: 'adjudication',
    recordId: a.adjudicationId,
    administration: a.administration,
    content: {
      type: 'adjudication',
      administration: a.administration,
      adjudicationId: a.adjudicationId,
      hitId: a.hitId,
      list: a.list,
      entityId: a.entityId,
      stage: a.stage,
      verdict,
      analyst,
      note,
      at,
    },
  };
}

/** A model version put in force (who, which policy). */
export function modelActivationRecord(
  id: string,
  administration: string,
  activation: object,
): LedgerRecordInput {
  return {
    kind: 'model-activation',
    recordId: id,
    administration,
    content: { type: 'model-activation', administration, activation },
  };
}

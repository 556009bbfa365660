import type { Insertable, Kysely, Selectable } from 'kysely';
import {
  applyOverride,
  type ChannelFloor,
  checkOverrideReason,
  type SelectionRecord,
} from '../../core/decision/decide.ts';
import { DecisionError } from '../../core/decision/decision-error.ts';
import { CHANNEL_RANK, CHANNELS, type Channel, type RiskSignal } from '../../core/decision/signal.ts';
import { type Declaration, type PartyRole, partiesOf } from '../../core/declaration/declaration.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';
import type {
  AuditLogTable,
  DecisionsTable,
  DeclarationPartiesTable,
  DeclarationsTable,
  DeclarationVersionsTable,
  InspectionOutcomesTable,
  LifecycleEventsTable,
  RejectsTable,
} from '../database/core-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { decodeCursor, encodeCursor } from '../database/keyset-cursor.ts';
import type { Database } from '../database/schema.ts';
import { chunked } from '../database/sql-batches.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { utc } from '../database/utc-instant.ts';
import { apiKeyIdOf, hashApiKeySecret, newApiKeySecret, sameHash } from './api-key-secret.ts';
import { BulkWriter } from './bulk-writer.ts';
import * as clearanceReads from './clearance-reads.ts';
import { contentHash } from './content-hash.ts';
import {
  decisionRecord,
  type LedgerRecordInput,
  outcomeRecord,
  overrideRecord,
  profileRecord,
  writeLedgerRecords,
} from './ledger-records.ts';
import {
  API_KEY_ROLES,
  type ApiKeyRole,
  type ApiKeySummary,
  type ApiPrincipal,
  type AssessmentItem,
  type AssessmentResult,
  type AuditEntry,
  type ClearanceSummary,
  type CreatedApiKey,
  type CurrentVersion,
  type DecisionInput,
  type DecisionKind,
  type DeclarationDetail,
  type DeclarationStatus,
  type EventInput,
  INSPECTION_RESULTS,
  type InspectionResult,
  LIFECYCLE_EVENTS,
  type LifecycleEventName,
  MAX_RAW_CHARS,
  type OutcomeInput,
  type Page,
  type PartyRecord,
  type ProfileInput,
  type ProfileSaveResult,
  type QueueEntry,
  type QueueFilter,
  type RejectFilter,
  type RejectInput,
  type StoredDecision,
  type StoredEvent,
  type StoredOutcome,
  type StoredProfile,
  type StoredReject,
  type TrainingRow,
} from './store-records.ts';

/** The actor of what the engine does by itself (automatic decisions, derived events). */
export const SYSTEM_ACTOR = 'system';

/** Ids per `IN (...)` list: far below both databases' parameter limits. */
const IN_LIST = 500;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;
const MAX_TEXT = 4000;
/** A unique violation under concurrency is retried this many times before `CONFLICT`. */
const ATTEMPTS = 3;

/** Events a client may report; `decision` and `outcome` come only from their own methods. */
const REPORTABLE_EVENTS: ReadonlySet<LifecycleEventName> = new Set([
  'arrival',
  'lodgement',
  'inspection_start',
  'inspection_end',
  'release',
]);

/** How a reported event moves the declaration's status. */
const STATUS_AFTER: Partial<Record<LifecycleEventName, DeclarationStatus>> = {
  inspection_start: 'under_inspection',
  release: 'released',
};

type Db = Kysely<Database>;

/** The `decisions.explanation` JSON: what the officer reads and what re-checks the random draw. */
interface Explanation {
  summary: string;
  signals: RiskSignal[];
  selection: SelectionRecord;
}

function boundedText(value: string, field: string, max = MAX_TEXT): string {
  const text = value.trim();
  if (text === '') throw new StoreError('INVALID_INPUT', `${field} must not be empty`);
  if (text.length > max) throw new StoreError('INVALID_INPUT', `${field} is longer than ${max} characters`);
  return text;
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new StoreError('INVALID_INPUT', 'limit must be a positive integer');
  return Math.min(limit, MAX_PAGE);
}

/** A decision as stored, from the engine's decision and who/what it replaces. */
function storedDecision(
  id: string,
  declarationId: string,
  version: number,
  decision: DecisionInput,
  override: { officer: string; reason: string; supersedes: string } | null,
): StoredDecision {
  return {
    id,
    declarationId,
    version,
    channel: decision.channel,
    score: decision.score,
    summary: decision.summary,
    reasons: decision.reasons,
    selection: decision.selection,
    decidedAt: decision.decidedAt,
    profileVersions: decision.profileVersions,
    referenceVersion: decision.referenceVersion,
    modelVersion: decision.modelVersion ?? null,
    listVersions: decision.listVersions ?? null,
    kind: override ? 'override' : 'auto',
    officer: override?.officer ?? null,
    reason: override?.reason ?? null,
    supersedes: override?.supersedes ?? null,
    logIndex: null,
  };
}

function decisionRow(admin: string, d: StoredDecision): Insertable<DecisionsTable> {
  return {
    id: d.id,
    administration: admin,
    declaration_id: d.declarationId,
    version: d.version,
    channel: d.channel,
    score: d.score,
    explanation: JSON.stringify({
      summary: d.summary,
      signals: d.reasons,
      selection: d.selection,
    } satisfies Explanation),
    profile_versions: JSON.stringify(d.profileVersions),
    reference_version: d.referenceVersion,
    model_version: d.modelVersion ?? null,
    list_versions: d.listVersions ? JSON.stringify(d.listVersions) : null,
    kind: d.kind,
    officer: d.officer,
    reason: d.reason,
    supersedes: d.supersedes,
    decided_at: d.decidedAt,
    log_index: d.logIndex,
  };
}

function toDecision(row: Selectable<DecisionsTable>): StoredDecision {
  const explanation = JSON.parse(row.explanation) as Explanation;
  return {
    id: row.id,
    declarationId: row.declaration_id,
    version: Number(row.version),
    channel: row.channel as Channel,
    score: Number(row.score),
    summary: explanation.summary,
    reasons: explanation.signals,
    selection: explanation.selection,
    decidedAt: row.decided_at,
    profileVersions: JSON.parse(row.profile_versions) as Record<string, number>,
    referenceVersion: row.reference_version,
    modelVersion: row.model_version,
    listVersions: row.list_versions ? (JSON.parse(row.list_versions) as Record<string, string>) : null,
    kind: row.kind as DecisionKind,
    officer: row.officer,
    reason: row.reason,
    supersedes: row.supersedes,
    logIndex: row.log_index === null ? null : Number(row.log_index),
  };
}

/** The override reason rule of the core, as a store error naming the field. */
function overrideReason(reason: unknown): string {
  try {
    return checkOverrideReason(reason);
  } catch (err) {
    if (err instanceof DecisionError) throw new StoreError('INVALID_INPUT', err.message, { cause: err });
    throw err;
  }
}

function checkedKeyFields(label: string, role: ApiKeyRole): string {
  if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
    throw new StoreError('INVALID_INPUT', `role must be one of ${API_KEY_ROLES.join(', ')}`);
  }
  return boundedText(label, 'label', 200);
}

function checkChannel(channel: string): Channel {
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    throw new StoreError('INVALID_INPUT', `channel must be one of ${CHANNELS.join(', ')}`);
  }
  return channel as Channel;
}

function normalisedDecision(decision: DecisionInput, declarationId: string): DecisionInput {
  checkChannel(decision.channel);
  if (!Number.isFinite(decision.score)) {
    throw new StoreError('INVALID_INPUT', `${declarationId}: the decision score must be a finite number`);
  }
  return { ...decision, decidedAt: utc(decision.decidedAt, `${declarationId}: decidedAt`) };
}

function storedProfile(r: Database['risk_profiles']): StoredProfile {
  return {
    id: r.id,
    version: Number(r.version),
    content: JSON.parse(r.content) as unknown,
    contentHash: r.content_hash,
    enabled: Number(r.enabled) === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

async function requireAdministration(db: Db, admin: string): Promise<void> {
  const row = await db.selectFrom('administrations').select('id').where('id', '=', admin).executeTakeFirst();
  if (!row) throw new StoreError('UNKNOWN_ADMINISTRATION', `administration "${admin}" does not exist`);
}

/** Runs a write, retrying when a concurrent writer took the same key first (PostgreSQL races). */
async function retryingConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new StoreError('CONFLICT', 'a concurrent writer changed the same records; retry the request', {
          cause: error,
        });
      }
    }
  }
}

interface Head {
  version: number;
  contentHash: string;
  decisionId: string;
}

/**
 * The optimistic check of {@link AssessmentItem.expected}, inside the save transaction: the
 * pipeline decided against `expected` (version, amendment floor); if another writer moved the
 * declaration on since (a new version, an override), that decision is stale.
 */
function checkExpectedHead(
  id: string,
  expected: { version: number; decisionId: string } | null,
  head: Head | undefined,
): void {
  const same =
    expected === null
      ? head === undefined
      : head !== undefined && head.version === expected.version && head.decisionId === expected.decisionId;
  if (!same) {
    const was = expected === null ? 'new' : `at version ${expected.version}`;
    const now = head === undefined ? 'absent' : `at version ${head.version} (decision ${head.decisionId})`;
    throw new StoreError(
      'STALE_VERSION',
      `${id} was assessed ${was} but is now ${now}: another submission landed meanwhile; assess it again`,
    );
  }
}

/**
 * Persistence of declarations, their versions and decisions, rejects, lifecycle events,
 * inspection outcomes, risk profiles, API keys and the audit log, over SQLite or PostgreSQL.
 * Every tenant-owned read and write is scoped by the administration passed in.
 *
 * @example
 * const conn = openDatabase(defaultDatabaseUrl());
 * await migrateToLatest(conn);
 * const store = new DeclarationStore(conn);
 * await store.ensureAdministration('NL', 'Netherlands Customs');
 * const [result] = await store.saveAssessments('NL', [{ declaration, contentHash, source: 'api', decision }]);
 */
export class DeclarationStore {
  private readonly db: Db;
  private readonly bulk: BulkWriter;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
    this.bulk = new BulkWriter(conn.sqlite);
  }

  /** Creates the administration (tenant) if it does not exist yet. */
  async ensureAdministration(id: string, name: string): Promise<void> {
    await this.db
      .insertInto('administrations')
      .values({ id: boundedText(id, 'administration id', 64), name, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /**
   * Saves a batch of assessed declarations in one transaction, all or nothing. Per declaration:
   * a new id is `created` (version 1); the same content as the current version is `unchanged`
   * (nothing written, the current decision returned); different content is `amended` (next
   * version, new decision). Rows go through the {@link BulkWriter}: no per-declaration round trips.
   *
   * The batch's rejects, when given, are written in the same transaction, so a batch that fails
   * leaves neither its decisions nor its rejects behind.
   *
   * @returns one result per item, in order.
   */
  async saveAssessments(
    admin: string,
    items: readonly AssessmentItem[],
    rejects: readonly RejectInput[] = [],
  ): Promise<AssessmentResult[]> {
    if (items.length === 0 && rejects.length === 0) return [];
    const rejectRows = this.rejectRows(admin, rejects);
    return retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        const results = await this.writeAssessments(trx, admin, items);
        await this.bulk.insert(trx, 'rejects', rejectRows);
        return results;
      }),
    );
  }

  private async writeAssessments(
    trx: Db,
    admin: string,
    items: readonly AssessmentItem[],
  ): Promise<AssessmentResult[]> {
    await requireAdministration(trx, admin);
    const heads = await this.heads(trx, admin, [...new Set(items.map((i) => i.declaration.id))]);
    const storedBefore = new Set(heads.keys());
    const receivedAt = new Date().toISOString();

    const declarations = new Map<string, Insertable<DeclarationsTable>>();
    const parties = new Map<string, Insertable<DeclarationPartiesTable>[]>();
    const versions: Insertable<DeclarationVersionsTable>[] = [];
    const decisions: Insertable<DecisionsTable>[] = [];
    const events: Insertable<LifecycleEventsTable>[] = [];
    const records: LedgerRecordInput[] = [];
    const written = new Map<string, StoredDecision>();
    const results: Array<AssessmentResult | (Omit<AssessmentResult, 'decision'> & { decisionId: string })> =
      [];

    const checked = new Set<string>();
    for (const item of items) {
      const d = item.declaration;
      const head = heads.get(d.id);
      if (item.expected !== undefined && !checked.has(d.id)) {
        checked.add(d.id);
        checkExpectedHead(d.id, item.expected, head);
      }
      if (head && head.contentHash === item.contentHash) {
        results.push({ id: d.id, status: 'unchanged', version: head.version, decisionId: head.decisionId });
        continue;
      }
      const version = head ? head.version + 1 : 1;
      const decision = normalisedDecision(item.decision, d.id);
      const lodgedAt = utc(d.lodgedAt, `${d.id}: lodgedAt`);
      const decisionId = timeOrderedId();
      const stored = storedDecision(decisionId, d.id, version, decision, null);
      decisions.push(decisionRow(admin, stored));
      records.push(decisionRecord(admin, item.contentHash, stored));
      written.set(decisionId, stored);
      declarations.set(d.id, {
        administration: admin,
        id: d.id,
        current_version: version,
        content_hash: item.contentHash,
        type: d.type,
        customs_office: d.customsOffice,
        lodged_at: lodgedAt,
        status: 'assessed',
        current_decision_id: decisionId,
        channel: decision.channel,
        decided_at: decision.decidedAt,
      });
      versions.push({
        administration: admin,
        declaration_id: d.id,
        version,
        content: JSON.stringify(d),
        content_hash: item.contentHash,
        received_at: receivedAt,
        source: item.source,
      });
      parties.set(d.id, this.partyRows(admin, d));
      const event = (name: LifecycleEventName, at: string): Insertable<LifecycleEventsTable> => ({
        id: timeOrderedId(),
        administration: admin,
        declaration_id: d.id,
        version,
        event: name,
        at,
        actor: SYSTEM_ACTOR,
      });
      if (!head) {
        if (d.arrivalAt !== undefined) events.push(event('arrival', utc(d.arrivalAt, `${d.id}: arrivalAt`)));
        events.push(event('lodgement', lodgedAt));
      }
      events.push(event('decision', decision.decidedAt));
      heads.set(d.id, { version, contentHash: item.contentHash, decisionId });
      results.push({ id: d.id, status: head ? 'amended' : 'created', version, decision: stored });
    }

    await this.bulk.insert(trx, 'declarations', [...declarations.values()], {
      key: ['administration', 'id'],
      update: [
        'current_version',
        'content_hash',
        'type',
        'customs_office',
        'lodged_at',
        'status',
        'current_decision_id',
        'channel',
        'decided_at',
      ],
    });
    const amendedStored = [...declarations.keys()].filter((id) => storedBefore.has(id));
    for (const ids of chunked(amendedStored, IN_LIST)) {
      await trx
        .deleteFrom('declaration_parties')
        .where('administration', '=', admin)
        .where('declaration_id', 'in', ids)
        .execute();
    }
    await this.bulk.insert(trx, 'declaration_versions', versions);
    await this.bulk.insert(trx, 'decisions', decisions);
    await writeLedgerRecords(trx, records);
    await this.bulk.insert(trx, 'lifecycle_events', events);
    await this.bulk.insert(trx, 'declaration_parties', [...parties.values()].flat());

    const missing = results.flatMap((r) =>
      'decisionId' in r && !written.has(r.decisionId) ? [r.decisionId] : [],
    );
    for (const ids of chunked([...new Set(missing)], IN_LIST)) {
      const rows = await trx
        .selectFrom('decisions')
        .selectAll()
        .where('administration', '=', admin)
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) written.set(row.id, toDecision(row));
    }
    return results.map((r) => {
      if (!('decisionId' in r)) return r;
      const { decisionId, ...rest } = r;
      return { ...rest, decision: written.get(decisionId)! };
    });
  }

  private partyRows(admin: string, d: Declaration): Insertable<DeclarationPartiesTable>[] {
    return partiesOf(d).map(({ role, party }) => ({
      administration: admin,
      declaration_id: d.id,
      role,
      party_id: party.id ?? null,
      party_name: party.name ?? null,
      country: party.country ?? party.address?.country ?? null,
    }));
  }

  private async heads(db: Db, admin: string, ids: readonly string[]): Promise<Map<string, Head>> {
    const heads = new Map<string, Head>();
    for (const chunk of chunked(ids, IN_LIST)) {
      const rows = await db
        .selectFrom('declarations')
        .select(['id', 'current_version', 'content_hash', 'current_decision_id'])
        .where('administration', '=', admin)
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) {
        heads.set(row.id, {
          version: Number(row.current_version),
          contentHash: row.content_hash,
          decisionId: row.current_decision_id,
        });
      }
    }
    return heads;
  }

  /**
   * The current version and content hash of each known id, so the pipeline can skip re-scoring
   * declarations that did not change. Unknown ids are absent from the map.
   */
  async currentVersions(admin: string, ids: readonly string[]): Promise<Map<string, CurrentVersion>> {
    const heads = await this.heads(this.db, admin, [...new Set(ids)]);
    const floors = new Map<string, ChannelFloor>();
    for (const chunk of chunked([...heads.keys()], IN_LIST)) {
      const rows = await this.db
        .selectFrom('decisions')
        .select(['declaration_id', 'version', 'channel'])
        .where('administration', '=', admin)
        .where('declaration_id', 'in', chunk)
        .execute();
      for (const row of rows) {
        const channel = row.channel as Channel;
        const version = Number(row.version);
        const floor = floors.get(row.declaration_id);
        const rank = CHANNEL_RANK[channel] - (floor ? CHANNEL_RANK[floor.channel] : -1);
        // The highest channel, and the first version that reached it.
        if (!floor || rank > 0 || (rank === 0 && version < floor.version)) {
          floors.set(row.declaration_id, { channel, version });
        }
      }
    }
    return new Map(
      [...heads].map(([id, h]) => [
        id,
        {
          version: h.version,
          contentHash: h.contentHash,
          decisionId: h.decisionId,
          floor: floors.get(id) ?? { channel: 'green', version: h.version },
        },
      ]),
    );
  }

  /** The party ids among `partyIds` that appear on any stored declaration (first-time trader check). */
  async knownParties(admin: string, partyIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const chunk of chunked([...new Set(partyIds)], IN_LIST)) {
      const rows = await this.db
        .selectFrom('declaration_parties')
        .select('party_id')
        .distinct()
        .where('administration', '=', admin)
        .where('party_id', 'in', chunk)
        .execute();
      for (const row of rows) if (row.party_id !== null) known.add(row.party_id);
    }
    return known;
  }

  /** Keeps records that failed validation with their errors; returns their ids, in order. */
  async saveRejects(admin: string, rejects: readonly RejectInput[]): Promise<string[]> {
    if (rejects.length === 0) return [];
    const rows = this.rejectRows(admin, rejects);
    await this.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, admin);
      await this.bulk.insert(trx, 'rejects', rows);
    });
    return rows.map((r) => r.id);
  }

  private rejectRows(admin: string, rejects: readonly RejectInput[]): Insertable<RejectsTable>[] {
    const now = new Date().toISOString();
    return rejects.map((r) => ({
      id: timeOrderedId(),
      administration: admin,
      source: r.source,
      batch_id: r.batchId ?? null,
      record_number: r.recordNumber,
      declaration_id: r.declarationId ?? null,
      errors: JSON.stringify(r.errors),
      raw: r.raw.length > MAX_RAW_CHARS ? r.raw.slice(0, MAX_RAW_CHARS) : r.raw,
      raw_length: r.raw.length,
      received_at: r.receivedAt === undefined ? now : utc(r.receivedAt, 'receivedAt'),
    }));
  }

  /** Rejected records, newest first, filtered by source, batch, declaration id or time. */
  async listRejects(admin: string, filter: RejectFilter = {}): Promise<Page<StoredReject>> {
    const limit = pageSize(filter.limit);
    let query = this.db.selectFrom('rejects').selectAll().where('administration', '=', admin);
    if (filter.source !== undefined) query = query.where('source', '=', filter.source);
    if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
    if (filter.declarationId !== undefined) query = query.where('declaration_id', '=', filter.declarationId);
    if (filter.from !== undefined) query = query.where('received_at', '>=', utc(filter.from, 'from'));
    if (filter.to !== undefined) query = query.where('received_at', '<', utc(filter.to, 'to'));
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      query = query.where((eb) =>
        eb.or([eb('received_at', '<', c.at), eb.and([eb('received_at', '=', c.at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.id,
        source: r.source,
        batchId: r.batch_id,
        recordNumber: Number(r.record_number),
        declarationId: r.declaration_id,
        errors: JSON.parse(r.errors) as ValidationIssue[],
        raw: r.raw,
        rawLength: Number(r.raw_length),
        truncated: Number(r.raw_length) > r.raw.length,
        receivedAt: r.received_at,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.received_at, id: last.id }) : null,
    };
  }

  /**
   * One declaration: its current content, every version, the current decision with its full
   * explanation, the decision history, lifecycle events and inspection outcomes.
   *
   * @throws StoreError `NOT_FOUND` when the id is unknown to this administration.
   */
  async getDeclaration(admin: string, id: string): Promise<DeclarationDetail> {
    const head = await this.db
      .selectFrom('declarations')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!head) throw notFound(id);
    const [versions, decisions, events, outcomes] = await Promise.all([
      this.db
        .selectFrom('declaration_versions')
        .selectAll()
        .where('administration', '=', admin)
        .where('declaration_id', '=', id)
        .orderBy('version')
        .execute(),
      this.db
        .selectFrom('decisions')
        .selectAll()
        .where('administration', '=', admin)
        .where('declaration_id', '=', id)
        .orderBy('decided_at')
        .orderBy('version')
        .execute(),
      this.db
        .selectFrom('lifecycle_events')
        .selectAll()
        .where('administration', '=', admin)
        .where('declaration_id', '=', id)
        .orderBy('at')
        .execute(),
      this.db
        .selectFrom('inspection_outcomes')
        .selectAll()
        .where('administration', '=', admin)
        .where('declaration_id', '=', id)
        .orderBy('recorded_at')
        .execute(),
    ]);
    const current = versions.find((v) => Number(v.version) === Number(head.current_version));
    const history = decisions.map(toDecision);
    const decision = history.find((d) => d.id === head.current_decision_id);
    if (!current || !decision)
      throw new Error(`declaration ${id}: current version or decision row is missing`);
    return {
      id,
      version: Number(head.current_version),
      status: head.status as DeclarationStatus,
      declaration: JSON.parse(current.content) as Declaration,
      versions: versions.map((v) => ({
        version: Number(v.version),
        contentHash: v.content_hash,
        receivedAt: v.received_at,
        source: v.source,
      })),
      decision,
      decisions: history,
      events: events.map((e) => ({
        id: e.id,
        version: e.version === null ? null : Number(e.version),
        event: e.event as LifecycleEventName,
        at: e.at,
        actor: e.actor,
      })),
      outcomes: outcomes.map(toOutcome),
    };
  }

  /**
   * The inspection queue: declarations by their current decision, newest first, filtered by
   * channel, office, status and decision time, with keyset pagination (`nextCursor`).
   */
  async queue(admin: string, filter: QueueFilter = {}): Promise<Page<QueueEntry>> {
    const limit = pageSize(filter.limit);
    let query = this.db
      .selectFrom('declarations as h')
      .innerJoin('decisions as d', 'd.id', 'h.current_decision_id')
      .select([
        'h.id',
        'h.current_version',
        'h.type',
        'h.customs_office',
        'h.lodged_at',
        'h.status',
        'h.channel',
        'h.decided_at',
        'h.current_decision_id',
        'd.score',
        'd.kind',
        'd.explanation',
      ])
      .where('h.administration', '=', admin);
    if (filter.channel !== undefined) {
      const channels = (typeof filter.channel === 'string' ? [filter.channel] : filter.channel).map(
        checkChannel,
      );
      query = query.where('h.channel', 'in', channels);
    }
    if (filter.office !== undefined) query = query.where('h.customs_office', '=', filter.office);
    if (filter.status !== undefined) query = query.where('h.status', '=', filter.status);
    if (filter.from !== undefined) query = query.where('h.decided_at', '>=', utc(filter.from, 'from'));
    if (filter.to !== undefined) query = query.where('h.decided_at', '<', utc(filter.to, 'to'));
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('h.decided_at', '<', c.at),
          eb.and([eb('h.decided_at', '=', c.at), eb('h.id', '<', c.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('h.decided_at', 'desc')
      .orderBy('h.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        declarationId: r.id,
        version: Number(r.current_version),
        type: r.type,
        customsOffice: r.customs_office,
        lodgedAt: r.lodged_at,
        status: r.status as DeclarationStatus,
        channel: r.channel as Channel,
        score: Number(r.score),
        decidedAt: r.decided_at,
        decisionId: r.current_decision_id,
        kind: r.kind as DecisionKind,
        ...queueExplanation(JSON.parse(r.explanation) as Explanation),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.decided_at, id: last.id }) : null,
    };
  }

  /**
   * Records what an inspection found, against the current version unless another is named;
   * moves the declaration to `inspected` (unless already released) and writes an `outcome` event.
   *
   * @throws StoreError `NOT_FOUND` for an unknown declaration, `INVALID_INPUT` for a bad value.
   */
  async recordOutcome(
    admin: string,
    id: string,
    outcome: OutcomeInput,
    actor: string,
  ): Promise<StoredOutcome> {
    const [stored] = await this.recordOutcomes(admin, [{ id, outcome }], actor);
    return stored!;
  }

  /**
   * {@link recordOutcome} for many declarations in one transaction, all or nothing: what a
   * clearance system or a labelled historical import sends in bulk.
   */
  async recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ): Promise<StoredOutcome[]> {
    const officer = boundedText(actor, 'actor', 200);
    const now = new Date().toISOString();
    const checked = entries.map(({ id, outcome }) => {
      if (!(INSPECTION_RESULTS as readonly string[]).includes(outcome.result)) {
        throw new StoreError(
          'INVALID_INPUT',
          `${id}: result must be one of ${INSPECTION_RESULTS.join(', ')}`,
        );
      }
      const revenue = outcome.revenueRecovered ?? null;
      if (revenue !== null && (!Number.isFinite(revenue) || revenue < 0)) {
        throw new StoreError('INVALID_INPUT', `${id}: revenueRecovered must be a finite number >= 0`);
      }
      return {
        id,
        outcome,
        revenue,
        notes: outcome.notes ? boundedText(outcome.notes, `${id}: notes`) : null,
        recordedAt: outcome.recordedAt === undefined ? now : utc(outcome.recordedAt, `${id}: recordedAt`),
      };
    });
    if (checked.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const heads = await this.heads(trx, admin, [...new Set(checked.map((c) => c.id))]);
      const rows: Insertable<InspectionOutcomesTable>[] = [];
      const events: Insertable<LifecycleEventsTable>[] = [];
      const audits: Insertable<AuditLogTable>[] = [];
      for (const c of checked) {
        const head = heads.get(c.id);
        if (!head) throw notFound(c.id);
        const version = c.outcome.version ?? head.version;
        if (!Number.isInteger(version) || version < 1 || version > head.version) {
          throw new StoreError('INVALID_INPUT', `${c.id} has no version ${version}`);
        }
        const decisionId =
          version === head.version ? head.decisionId : await this.latestDecisionOf(trx, admin, c.id, version);
        rows.push({
          id: timeOrderedId(),
          administration: admin,
          declaration_id: c.id,
          version,
          decision_id: decisionId,
          result: c.outcome.result,
          fraud: c.outcome.fraud ? 1 : 0,
          critical: c.outcome.critical ? 1 : 0,
          revenue_recovered: c.revenue,
          notes: c.notes,
          officer,
          recorded_at: c.recordedAt,
        });
        events.push({
          id: timeOrderedId(),
          administration: admin,
          declaration_id: c.id,
          version,
          event: 'outcome',
          at: c.recordedAt,
          actor: officer,
        });
        audits.push(
          auditRow(admin, officer, 'outcome.record', c.id, {
            version,
            result: c.outcome.result,
            fraud: c.outcome.fraud,
            critical: c.outcome.critical,
          }),
        );
      }
      await this.bulk.insert(trx, 'inspection_outcomes', rows);
      await writeLedgerRecords(
        trx,
        rows.map((r) => outcomeRecord(admin, r.declaration_id, toOutcome(r))),
      );
      await this.bulk.insert(trx, 'lifecycle_events', events);
      await this.bulk.insert(trx, 'audit_log', audits);
      for (const ids of chunked([...heads.keys()], IN_LIST)) {
        await trx
          .updateTable('declarations')
          .set({ status: 'inspected' })
          .where('administration', '=', admin)
          .where('id', 'in', ids)
          .where('status', '!=', 'released')
          .execute();
      }
      return rows.map(toOutcome);
    });
  }

  /**
   * An officer changes the channel: a new decision of kind `override` that keeps the engine's
   * explanation, names the officer and reason, and points to the decision it replaces.
   *
   * @throws StoreError `NOT_FOUND`; `CONFLICT` when another decision landed meanwhile.
   */
  async overrideDecision(
    admin: string,
    id: string,
    change: { channel: Channel; reason: string },
    actor: string,
  ): Promise<StoredDecision> {
    const channel = checkChannel(change.channel);
    const reason = overrideReason(change.reason);
    const officer = boundedText(actor, 'actor', 200);
    return this.db.transaction().execute(async (trx) => {
      const head = await this.requireHead(trx, admin, id);
      const previous = await trx
        .selectFrom('decisions')
        .selectAll()
        .where('administration', '=', admin)
        .where('id', '=', head.decisionId)
        .executeTakeFirstOrThrow();
      const before = toDecision(previous);
      const decidedAt = new Date().toISOString();
      // The core writes the officer-facing explanation: an override signal first, the engine's after.
      const changed = applyOverride(
        { ...before, declarationId: id },
        { channel, reason, officer, at: decidedAt },
      );
      const next = storedDecision(
        timeOrderedId(),
        id,
        head.version,
        { ...before, channel, summary: changed.summary, reasons: changed.reasons, decidedAt },
        { officer, reason, supersedes: before.id },
      );
      await trx.insertInto('decisions').values(decisionRow(admin, next)).execute();
      await writeLedgerRecords(trx, [overrideRecord(admin, next)]);
      const updated = await trx
        .updateTable('declarations')
        .set({ current_decision_id: next.id, channel, decided_at: decidedAt })
        .where('administration', '=', admin)
        .where('id', '=', id)
        .where('current_decision_id', '=', before.id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new StoreError('CONFLICT', `the decision on ${id} changed meanwhile; reload and retry`);
      }
      await this.insertEvent(trx, admin, id, head.version, 'decision', decidedAt, officer);
      await this.writeAudit(trx, admin, officer, 'decision.override', id, {
        from: before.channel,
        to: channel,
        reason,
        supersedes: before.id,
      });
      return next;
    });
  }

  /**
   * Records a Time Release Study milestone reported by the clearance system or an officer
   * (`arrival`, `lodgement`, `inspection_start`, `inspection_end`, `release`).
   */
  async recordEvent(admin: string, id: string, input: EventInput, actor: string): Promise<StoredEvent> {
    if (!(LIFECYCLE_EVENTS as readonly string[]).includes(input.event)) {
      throw new StoreError('INVALID_INPUT', `event must be one of ${LIFECYCLE_EVENTS.join(', ')}`);
    }
    if (!REPORTABLE_EVENTS.has(input.event)) {
      throw new StoreError('INVALID_INPUT', `"${input.event}" events are written by the store itself`);
    }
    const who = boundedText(actor, 'actor', 200);
    const at = input.at === undefined ? new Date().toISOString() : utc(input.at, 'at');
    return this.db.transaction().execute(async (trx) => {
      const head = await this.requireHead(trx, admin, id);
      const version = input.version ?? head.version;
      if (!Number.isInteger(version) || version < 1 || version > head.version) {
        throw new StoreError('INVALID_INPUT', `${id} has no version ${version}`);
      }
      const event = await this.insertEvent(trx, admin, id, version, input.event, at, who);
      const status = STATUS_AFTER[input.event];
      if (status) {
        await trx
          .updateTable('declarations')
          .set({ status })
          .where('administration', '=', admin)
          .where('id', '=', id)
          .execute();
      }
      return event;
    });
  }

  private async requireHead(db: Db, admin: string, id: string): Promise<Head> {
    const heads = await this.heads(db, admin, [id]);
    const head = heads.get(id);
    if (!head) throw notFound(id);
    return head;
  }

  private async latestDecisionOf(db: Db, admin: string, id: string, version: number): Promise<string> {
    const row = await db
      .selectFrom('decisions')
      .select('id')
      .where('administration', '=', admin)
      .where('declaration_id', '=', id)
      .where('version', '=', version)
      .orderBy('decided_at', 'desc')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  private async insertEvent(
    db: Db,
    admin: string,
    declarationId: string,
    version: number,
    event: LifecycleEventName,
    at: string,
    actor: string,
  ): Promise<StoredEvent> {
    const id = timeOrderedId();
    await db
      .insertInto('lifecycle_events')
      .values({ id, administration: admin, declaration_id: declarationId, version, event, at, actor })
      .execute();
    return { id, version, event, at, actor };
  }

  /**
   * Saves an administration's risk profiles as versions: the same id with the same content and
   * enabled flag is `unchanged`; anything different becomes the next version (`created` for a new
   * id, `amended` otherwise). Profiles belong to one administration and never change another's
   * decisions; each change is audited.
   */
  async saveProfiles(
    admin: string,
    profiles: readonly ProfileInput[],
    actor: string,
  ): Promise<ProfileSaveResult[]> {
    const who = boundedText(actor, 'actor', 200);
    return retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        await requireAdministration(trx, admin);
        // Every stored version of each id: (id, version) -> content hash and enabled flag.
        const stored = new Map<string, { version: number; hash: string; enabled: boolean }>();
        const latest = new Map<string, { version: number; hash: string; enabled: boolean }>();
        for (const ids of chunked([...new Set(profiles.map((p) => p.id))], IN_LIST)) {
          const rows = await trx
            .selectFrom('risk_profiles')
            .select(['id', 'version', 'content_hash', 'enabled'])
            .where('administration', '=', admin)
            .where('id', 'in', ids)
            .orderBy('version')
            .execute();
          for (const r of rows) {
            const row = {
              version: Number(r.version),
              hash: r.content_hash,
              enabled: Number(r.enabled) === 1,
            };
            stored.set(`${r.id}\u0000${row.version}`, row);
            latest.set(r.id, row);
          }
        }
        const now = new Date().toISOString();
        const results: ProfileSaveResult[] = [];
        for (const p of profiles) {
          const id = boundedText(p.id, 'profile id', 100);
          const hash = contentHash(p.content);
          const enabled = p.enabled ?? true;
          const prev = p.version === undefined ? latest.get(id) : stored.get(`${id}\u0000${p.version}`);
          if (prev && prev.hash === hash && prev.enabled === enabled) {
            results.push({ id, status: 'unchanged', version: p.version ?? prev.version });
            continue;
          }
          if (p.version !== undefined && prev) {
            // The analyst's version number names one content: changing it needs a new version.
            throw new StoreError(
              'CONFLICT',
              `risk profile ${id} version ${p.version} is already stored with different content; give the changed profile a new version`,
            );
          }
          const version = p.version ?? (latest.get(id)?.version ?? 0) + 1;
          if (!Number.isInteger(version) || version < 1) {
            throw new StoreError('INVALID_INPUT', `risk profile ${id}: version must be a positive integer`);
          }
          await trx
            .insertInto('risk_profiles')
            .values({
              administration: admin,
              id,
              version,
              content: JSON.stringify(p.content),
              content_hash: hash,
              enabled: enabled ? 1 : 0,
              created_at: now,
              created_by: who,
            })
            .execute();
          await this.writeAudit(trx, admin, who, 'profile.save', id, { version, enabled, contentHash: hash });
          const row = { version, hash, enabled };
          const existed = latest.has(id);
          await writeLedgerRecords(trx, [
            profileRecord(
              admin,
              { id, version, status: existed ? 'amended' : 'created', contentHash: hash },
              who,
            ),
          ]);
          stored.set(`${id}\u0000${version}`, row);
          if (version >= (latest.get(id)?.version ?? 0)) latest.set(id, row);
          results.push({ id, status: existed ? 'amended' : 'created', version });
        }
        return results;
      }),
    );
  }

  /** An administration's latest version of every profile whose latest version is enabled, by id. */
  async activeProfiles(admin: string): Promise<StoredProfile[]> {
    const rows = await this.db
      .selectFrom('risk_profiles as p')
      .selectAll('p')
      .where('p.administration', '=', admin)
      .where('p.enabled', '=', 1)
      .where((eb) =>
        eb(
          'p.version',
          '=',
          eb
            .selectFrom('risk_profiles as q')
            .select((q) => q.fn.max('q.version').as('v'))
            .whereRef('q.administration', '=', 'p.administration')
            .whereRef('q.id', '=', 'p.id'),
        ),
      )
      .orderBy('p.id')
      .execute();
    return rows.map(storedProfile);
  }

  /**
   * Every stored version of an administration's profiles, by id and version: what its assessments
   * apply (each declaration gets the newest version enabled and valid at its lodgement time).
   */
  async profileVersions(admin: string): Promise<StoredProfile[]> {
    const rows = await this.db
      .selectFrom('risk_profiles')
      .selectAll()
      .where('administration', '=', admin)
      .orderBy('id')
      .orderBy('version')
      .execute();
    return rows.map(storedProfile);
  }

  /**
   * Issues an API key bound to an administration. The secret is returned once and only its
   * SHA-256 is stored.
   */
  async createApiKey(
    admin: string,
    label: string,
    role: ApiKeyRole,
    actor = SYSTEM_ACTOR,
  ): Promise<CreatedApiKey> {
    const name = checkedKeyFields(label, role);
    return this.db.transaction().execute((trx) => this.insertApiKey(trx, admin, name, role, actor));
  }

  /**
   * Issues an API key once per installation under a one-time name (e.g. `demo_key`): the first
   * call creates it and returns the secret; every later call, even after the key was revoked,
   * creates nothing and returns the id of the key minted then.
   */
  async createApiKeyOnce(
    once: string,
    admin: string,
    label: string,
    role: ApiKeyRole,
    actor = SYSTEM_ACTOR,
  ): Promise<{ created: CreatedApiKey } | { existingId: string }> {
    const name = checkedKeyFields(label, role);
    return retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('installation_state')
          .select('value')
          .where('name', '=', once)
          .executeTakeFirst();
        if (existing) return { existingId: existing.value };
        const created = await this.insertApiKey(trx, admin, name, role, actor);
        // A concurrent first start inserts the same name: unique violation, retried, sees it.
        await trx
          .insertInto('installation_state')
          .values({ name: once, value: created.id, set_at: new Date().toISOString() })
          .execute();
        return { created };
      }),
    );
  }

  private async insertApiKey(
    trx: Db,
    admin: string,
    name: string,
    role: ApiKeyRole,
    actor: string,
  ): Promise<CreatedApiKey> {
    const { id, secret } = newApiKeySecret();
    await requireAdministration(trx, admin);
    await trx
      .insertInto('api_keys')
      .values({
        id,
        administration: admin,
        label: name,
        role,
        key_hash: hashApiKeySecret(secret),
        created_at: new Date().toISOString(),
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    await this.writeAudit(trx, admin, actor, 'api_key.create', id, { label: name, role });
    return { id, secret };
  }

  /**
   * Every API key (of one administration, or of all), by administration, oldest first: id, role,
   * name, created, last used, revoked. Never the secret or its hash.
   */
  async listApiKeys(admin?: string): Promise<ApiKeySummary[]> {
    let query = this.db
      .selectFrom('api_keys')
      .select(['id', 'administration', 'role', 'label', 'created_at', 'last_used_at', 'revoked_at'])
      .orderBy('administration')
      .orderBy('created_at')
      .orderBy('id');
    if (admin !== undefined) query = query.where('administration', '=', admin);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      administration: r.administration,
      role: r.role as ApiKeyRole,
      name: r.label,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a key of this administration; `NOT_FOUND` if it does not exist or is already revoked. */
  async revokeApiKey(admin: string, keyId: string, actor: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('api_keys')
        .set({ revoked_at: new Date().toISOString() })
        .where('administration', '=', admin)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw notFound(`API key ${keyId}`);
      await this.writeAudit(trx, admin, actor, 'api_key.revoke', keyId, {});
    });
  }

  /**
   * Resolves a presented secret to its administration and role, or null when it is malformed,
   * unknown or revoked. An arrow property so it can be handed to the HTTP layer unbound.
   */
  readonly authenticate = async (secret: string): Promise<ApiPrincipal | null> => {
    const keyId = apiKeyIdOf(secret);
    if (keyId === null) return null;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['administration', 'role', 'label', 'key_hash', 'last_used_at'])
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row || !sameHash(hashApiKeySecret(secret), row.key_hash)) return null;
    // To the minute: one write per key and minute at most, not one per request.
    const minute = `${new Date().toISOString().slice(0, 16)}:00.000Z`;
    if (row.last_used_at !== minute) {
      await this.db.updateTable('api_keys').set({ last_used_at: minute }).where('id', '=', keyId).execute();
    }
    return { administration: row.administration, keyId, role: row.role as ApiKeyRole, name: row.label };
  };

  /**
   * Appends to the audit log: who (`actor`) did what (`action`) to what (`subject`). Pass the
   * administration for tenant actions; null marks an installation-wide one.
   */
  async audit(
    actor: string,
    action: string,
    subject: string,
    details: Record<string, unknown> = {},
    administration: string | null = null,
  ): Promise<void> {
    await this.writeAudit(this.db, administration, actor, action, subject, details);
  }

  /** Audit entries of one administration (or installation-wide ones for null), newest first. */
  async auditTrail(
    administration: string | null,
    filter: { subject?: string; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('administration', administration === null ? 'is' : '=', administration);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      administration: r.administration,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      at: r.at,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }

  private async writeAudit(
    db: Db,
    administration: string | null,
    actor: string,
    action: string,
    subject: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await db
      .insertInto('audit_log')
      .values(auditRow(administration, actor, action, subject, details))
      .execute();
  }

  /**
   * Labelled examples for retraining: every inspected declaration lodged in `[from, to)`, with
   * the content of the version inspected and its latest outcome, oldest lodgement first.
   */
  trainingRows(admin: string, range: { from?: string; to?: string } = {}): Promise<TrainingRow[]> {
    return clearanceReads.trainingRows(this.db, admin, range);
  }

  /** Clearance figures of an administration over `[from, to)` (see `clearance-reads.ts`). */
  summary(admin: string, range: { from?: string; to?: string } = {}): Promise<ClearanceSummary> {
    return clearanceReads.summary(this.db, admin, range);
  }

  /** The parties an administration's declarations name, optionally of one role. */
  parties(admin: string, role?: PartyRole): Promise<PartyRecord[]> {
    return clearanceReads.parties(this.db, admin, role);
  }
}

/** The parts of an explanation the queue shows. */
function queueExplanation(explanation: Explanation): { summary: string; reasons: RiskSignal[] } {
  return { summary: explanation.summary, reasons: explanation.signals };
}

function auditRow(
  administration: string | null,
  actor: string,
  action: string,
  subject: string,
  details: Record<string, unknown>,
): Insertable<AuditLogTable> {
  return {
    id: timeOrderedId(),
    administration,
    actor: boundedText(actor, 'actor', 200),
    action: boundedText(action, 'action', 100),
    subject,
    at: new Date().toISOString(),
    details: JSON.stringify(details),
  };
}

function notFound(what: string): StoreError {
  return new StoreError('NOT_FOUND', `${what} not found`);
}

function toOutcome(
  row: Selectable<InspectionOutcomesTable> | Insertable<InspectionOutcomesTable>,
): StoredOutcome {
  return {
    id: row.id,
    version: Number(row.version),
    decisionId: row.decision_id,
    result: row.result as InspectionResult,
    fraud: Number(row.fraud) === 1,
    critical: Number(row.critical) === 1,
    revenueRecovered: row.revenue_recovered == null ? null : Number(row.revenue_recovered),
    notes: row.notes ?? null,
    officer: row.officer,
    recordedAt: row.recorded_at,
  };
}

import type { Insertable } from 'kysely';
import { INSPECTION_RESULTS, type OutcomeInput } from '../../app/ports/assessment-store.ts';
import type { StoredDecision } from '../../app/ports/decision-records.ts';
import { applyOverride, checkOverrideReason } from '../../core/decision/decide.ts';
import { DecisionError } from '../../core/decision/decision-error.ts';
import type { Channel } from '../../core/decision/signal.ts';
import type {
  AuditLogTable,
  InspectionOutcomesTable,
  LifecycleEventsTable,
} from '../database/core-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { GroupCommit } from '../database/group-commit.ts';
import { chunked } from '../database/sql-batches.ts';
import { StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { utc } from '../database/utc-instant.ts';
import { auditRow, writeAudit } from './audit-log.ts';
import { BulkWriter } from './bulk-writer.ts';
import type { DeclarationStatus } from './declaration-records.ts';
import {
  decisionRow,
  heads,
  requireHead,
  storedDecision,
  toDecision,
  toOutcome,
} from './declaration-rows.ts';
import { outcomeRecord, overrideRecord, writeLedgerRecords } from './ledger-records.ts';
import {
  type EventInput,
  LIFECYCLE_EVENTS,
  type LifecycleEventName,
  type StoredEvent,
  type StoredOutcome,
} from './lifecycle-records.ts';
import { consumeOnRelease, returnConsumptions, statementsOf } from './permit-consumption.ts';
import { boundedText, checkChannel, type Db, IN_LIST, notFound } from './store-support.ts';

/** Events a client may report; `decision` and `outcome` come only from their own methods. */
const REPORTABLE_EVENTS: ReadonlySet<LifecycleEventName> = new Set([
  'arrival',
  'lodgement',
  'inspection_start',
  'inspection_end',
  'release',
  'cancellation',
]);

/** Milestones that happen once in a declaration's life (WCO TRS Guide): a second report is a replay or a conflict. */
const ONCE_ONLY: ReadonlySet<LifecycleEventName> = new Set(['arrival', 'lodgement', 'release']);
/** Once-only milestones that happen once per version: an amended declaration is released again. */
const ONCE_PER_VERSION: ReadonlySet<LifecycleEventName> = new Set(['release']);
/** An inspection opens and closes, possibly more than once. */
const INSPECTION_EVENTS: ReadonlySet<LifecycleEventName> = new Set(['inspection_start', 'inspection_end']);

/** A reported milestone as stored, and whether the report was a replay of one stored before. */
export interface RecordedEvent extends StoredEvent {
  replayed: boolean;
  /** The declaration's status after the report. */
  status: DeclarationStatus;
}

/**
 * The stored event a report repeats, if it is a replay. `earlier` holds the declaration's events
 * of the reported kind (both inspection kinds for an inspection event), oldest first; `at` is the
 * reported time, undefined when the report gave none.
 *
 * - arrival, lodgement: once per declaration; release: once per version (an amendment after
 *   release is released again, and takes its permit quantities anew). Reported again with no time
 *   or the same time, it is a replay; at another time, a `CONFLICT` (the first report stands).
 * - inspection_start / inspection_end: a replay when that event at that time exists, or, with no
 *   time given, when the inspection is already in that state (the last inspection event is of the
 *   same kind).
 */
export function replayOf(
  earlier: readonly StoredEvent[],
  event: LifecycleEventName,
  at: string | undefined,
  version?: number,
): StoredEvent | undefined {
  if (ONCE_ONLY.has(event)) {
    const first = earlier.find(
      (e) =>
        e.event === event && (!ONCE_PER_VERSION.has(event) || version === undefined || e.version === version),
    );
    if (!first) return undefined;
    if (at === undefined || at === first.at) return first;
    throw new StoreError(
      'CONFLICT',
      ONCE_PER_VERSION.has(event)
        ? `${event} of version ${first.version} is already recorded at ${first.at}; a version has one ${event}`
        : `${event} is already recorded at ${first.at}; a declaration has one ${event}`,
    );
  }
  if (at !== undefined) return earlier.find((e) => e.event === event && e.at === at);
  const last = earlier.at(-1);
  return last?.event === event ? last : undefined;
}

/** How a reported event moves the declaration's status. */
const STATUS_AFTER: Partial<Record<LifecycleEventName, DeclarationStatus>> = {
  inspection_start: 'under_inspection',
  release: 'released',
};

/** The override reason rule of the core, as a store error naming the field. */
function overrideReason(reason: unknown): string {
  try {
    return checkOverrideReason(reason);
  } catch (err) {
    if (err instanceof DecisionError) throw new StoreError('INVALID_INPUT', err.message, { cause: err });
    throw err;
  }
}

/**
 * What happens to a declaration after its decision: inspection outcomes, an officer's override of
 * the channel, and the Time Release Study milestones. Each write is one transaction with its
 * lifecycle event, audit entry and (outcomes, overrides) pending log entry.
 */
export class LifecycleRepository {
  private readonly db: Db;
  private readonly bulk: BulkWriter;
  private readonly events: GroupCommit;
  private readonly sqlite: StoreConnection['sqlite'];

  constructor(conn: StoreConnection) {
    this.db = conn.db;
    this.sqlite = conn.sqlite;
    this.bulk = new BulkWriter(conn.sqlite);
    this.events = GroupCommit.of(conn);
  }

  /**
   * Records what an inspection found, against the current version unless another is named
   * (see {@link recordOutcomes}).
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
   * Records inspection outcomes, against each declaration's current version unless another is
   * named, in one transaction, all or nothing: what an officer, a clearance system or a labelled
   * historical import sends. Moves each declaration to `inspected` (unless already released) and
   * writes an `outcome` event.
   *
   * @throws StoreError `NOT_FOUND` for an unknown declaration, `INVALID_INPUT` for a bad value.
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
      const found = await heads(trx, admin, [...new Set(checked.map((c) => c.id))]);
      const rows: Insertable<InspectionOutcomesTable>[] = [];
      const events: Insertable<LifecycleEventsTable>[] = [];
      const audits: Insertable<AuditLogTable>[] = [];
      for (const c of checked) {
        const head = found.get(c.id);
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
      for (const ids of chunked([...found.keys()], IN_LIST)) {
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
      const head = await requireHead(trx, admin, id);
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
      await writeAudit(trx, admin, officer, 'decision.override', id, {
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
   * (`arrival`, `lodgement`, `inspection_start`, `inspection_end`, `release`). A replayed report
   * writes nothing and returns the stored event with `replayed: true` (see {@link replayOf}); a
   * once-only milestone reported again at another time is a `CONFLICT`.
   */
  async recordEvent(admin: string, id: string, input: EventInput, actor: string): Promise<RecordedEvent> {
    if (!(LIFECYCLE_EVENTS as readonly string[]).includes(input.event)) {
      throw new StoreError('INVALID_INPUT', `event must be one of ${LIFECYCLE_EVENTS.join(', ')}`);
    }
    if (!REPORTABLE_EVENTS.has(input.event)) {
      throw new StoreError('INVALID_INPUT', `"${input.event}" events are written by the store itself`);
    }
    const who = boundedText(actor, 'actor', 200);
    const at = input.at === undefined ? new Date().toISOString() : utc(input.at, 'at');
    // Each report is atomic; on SQLite, reports that arrive together share a commit (GroupCommit).
    // On SQLite the report's statements are prepared once on the raw handle (the same connection).
    const fast = this.sqlite ? statementsOf(this.sqlite) : undefined;
    const kinds = [...(INSPECTION_EVENTS.has(input.event) ? INSPECTION_EVENTS : [input.event])];
    return this.events.run(async (trx) => {
      const current = fast
        ? (fast
            .get('select current_version, status from declarations where administration = ? and id = ?')
            .get(admin, id) as { current_version: number; status: string } | undefined)
        : await trx
            .selectFrom('declarations')
            .select(['current_version', 'status'])
            .where('administration', '=', admin)
            .where('id', '=', id)
            .executeTakeFirst();
      if (!current) throw notFound(id);
      const head = { version: Number(current.current_version) };
      const version = input.version ?? head.version;
      if (!Number.isInteger(version) || version < 1 || version > head.version) {
        throw new StoreError('INVALID_INPUT', `${id} has no version ${version}`);
      }
      const earlier = fast
        ? (fast
            .get(
              `select * from lifecycle_events where administration = ? and declaration_id = ? and event in (${kinds.map(() => '?').join(', ')}) order by at, id`,
            )
            .all(admin, id, ...kinds) as Awaited<ReturnType<typeof this.earlierEvents>>)
        : await this.earlierEvents(trx, admin, id, kinds);
      const replay = replayOf(
        earlier.map((e) => ({
          id: e.id,
          version: e.version === null ? null : Number(e.version),
          event: e.event as LifecycleEventName,
          at: e.at,
          actor: e.actor,
        })),
        input.event,
        input.at === undefined ? undefined : at,
        version,
      );
      if (replay) return { ...replay, replayed: true, status: current.status as DeclarationStatus };
      const event = await this.insertEvent(trx, admin, id, version, input.event, at, who);
      // Permit balances and quotas move in the release's own transaction (docs/ENVIRONMENT.md).
      if (input.event === 'release') await consumeOnRelease(trx, admin, id, version, who, at, this.sqlite);
      if (input.event === 'cancellation') await returnConsumptions(trx, admin, [id], 'cancellation', who, at);
      const status = STATUS_AFTER[input.event];
      if (status && fast)
        fast
          .get('update declarations set status = ? where administration = ? and id = ?')
          .run(status, admin, id);
      else if (status) {
        await trx
          .updateTable('declarations')
          .set({ status })
          .where('administration', '=', admin)
          .where('id', '=', id)
          .execute();
      }
      return { ...event, replayed: false, status: status ?? (current.status as DeclarationStatus) };
    });
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

  private earlierEvents(trx: Db, admin: string, id: string, kinds: readonly string[]) {
    return trx
      .selectFrom('lifecycle_events')
      .selectAll()
      .where('administration', '=', admin)
      .where('declaration_id', '=', id)
      .where('event', 'in', kinds)
      .orderBy('at')
      .orderBy('id')
      .execute();
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
    if (this.sqlite)
      statementsOf(this.sqlite)
        .get(
          'insert into lifecycle_events (id, administration, declaration_id, version, event, at, actor) values (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, admin, declarationId, version, event, at, actor);
    else
      await db
        .insertInto('lifecycle_events')
        .values({ id, administration: admin, declaration_id: declarationId, version, event, at, actor })
        .execute();
    return { id, version, event, at, actor };
  }
}

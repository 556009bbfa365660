import type { DecisionKind } from '../../app/ports/decision-records.ts';
import type { Channel, RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { StoreConnection } from '../database/database.ts';
import { decodeCursor, encodeCursor } from '../database/keyset-cursor.ts';
import { utc } from '../database/utc-instant.ts';
import type { DeclarationDetail, DeclarationStatus, QueueEntry, QueueFilter } from './declaration-records.ts';
import { type Explanation, toDecision, toOutcome } from './declaration-rows.ts';
import type { LifecycleEventName } from './lifecycle-records.ts';
import { type Page, pageSize } from './page.ts';
import { checkChannel, type Db, notFound } from './store-support.ts';

/** The parts of an explanation the queue shows. */
function queueExplanation(explanation: Explanation): { summary: string; reasons: RiskSignal[] } {
  return { summary: explanation.summary, reasons: explanation.signals };
}

/** What officers read: one declaration in full, and the inspection queue. Writes nothing. */
export class DeclarationReads {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
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
}

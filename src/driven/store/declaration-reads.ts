import type { DecisionKind } from '../../app/ports/decision-records.ts';
import { CHANNELS, type Channel, type RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { StoreConnection } from '../database/database.ts';
import { decodeCursor, encodeCursor } from '../database/keyset-cursor.ts';
import { chunked } from '../database/sql-batches.ts';
import { utc } from '../database/utc-instant.ts';
import type { DeclarationDetail, DeclarationStatus, QueueEntry, QueueFilter } from './declaration-records.ts';
import { type Explanation, toDecision, toOutcome } from './declaration-rows.ts';
import type { LifecycleEventName } from './lifecycle-records.ts';
import { type Page, pageSize } from './page.ts';
import { checkChannel, type Db, IN_LIST, notFound } from './store-support.ts';

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
   *
   * Each channel is read on its own, as a walk of an index already in `(decided_at, id)` order
   * from the cursor on (migration 0020), and the pages are merged: a query over several channels
   * at once would have the database sort every matching row before it could return the first
   * 200. The decisions (score, kind, explanation) are read for the page's rows only.
   */
  async queue(admin: string, filter: QueueFilter = {}): Promise<Page<QueueEntry>> {
    const limit = pageSize(filter.limit);
    const channels =
      filter.channel === undefined
        ? CHANNELS
        : [
            ...new Set(
              (typeof filter.channel === 'string' ? [filter.channel] : filter.channel).map(checkChannel),
            ),
          ];
    const from = filter.from === undefined ? undefined : utc(filter.from, 'from');
    const to = filter.to === undefined ? undefined : utc(filter.to, 'to');
    const cursor = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const perChannel = await Promise.all(
      channels.map((channel) => {
        let query = this.db
          .selectFrom('declarations')
          .select([
            'id',
            'current_version',
            'type',
            'customs_office',
            'lodged_at',
            'status',
            'channel',
            'decided_at',
            'current_decision_id',
          ])
          .where('administration', '=', admin)
          .where('channel', '=', channel);
        if (filter.office !== undefined) query = query.where('customs_office', '=', filter.office);
        if (filter.status !== undefined) query = query.where('status', '=', filter.status);
        if (from !== undefined) query = query.where('decided_at', '>=', from);
        if (to !== undefined) query = query.where('decided_at', '<', to);
        if (cursor !== undefined)
          query = query.where((eb) =>
            eb(eb.refTuple('decided_at', 'id'), '<', eb.tuple(cursor.at, cursor.id)),
          );
        return query
          .orderBy('decided_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1)
          .execute();
      }),
    );
    const rows = perChannel
      .flat()
      .sort((a, b) =>
        a.decided_at === b.decided_at ? (a.id < b.id ? 1 : -1) : a.decided_at < b.decided_at ? 1 : -1,
      )
      .slice(0, limit + 1);
    const page = rows.slice(0, limit);
    // By primary key alone: with `administration = ?` beside it SQLite walks the administration's
    // whole `decisions_by_declaration` range (every decision it ever took) to find 200 of them.
    // The ids come from this administration's rows; the check below keeps it that way.
    const decisions = new Map<string, { score: number; kind: string; explanation: string }>();
    for (const ids of chunked(
      page.map((r) => r.current_decision_id),
      IN_LIST,
    )) {
      const found = await this.db
        .selectFrom('decisions')
        .select(['id', 'administration', 'score', 'kind', 'explanation'])
        .where('id', 'in', ids)
        .execute();
      for (const d of found) if (d.administration === admin) decisions.set(d.id, d);
    }
    const last = page.at(-1);
    return {
      items: page.map((r) => {
        const d = decisions.get(r.current_decision_id);
        if (!d) throw new Error(`declaration ${r.id}: current decision row is missing`);
        return {
          declarationId: r.id,
          version: Number(r.current_version),
          type: r.type,
          customsOffice: r.customs_office,
          lodgedAt: r.lodged_at,
          status: r.status as DeclarationStatus,
          channel: r.channel as Channel,
          score: Number(d.score),
          decidedAt: r.decided_at,
          decisionId: r.current_decision_id,
          kind: d.kind as DecisionKind,
          ...queueExplanation(JSON.parse(d.explanation) as Explanation),
        };
      }),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.decided_at, id: last.id }) : null,
    };
  }
}

import type { HistoryRow } from '../../app/profile-backtest.ts';
import type { Channel } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Explanation } from './declaration-rows.ts';

/** Declarations per page: large enough to keep round trips few, small enough to bound memory. */
export const HISTORY_PAGE = 2000;

/**
 * An administration's stored declarations lodged in `[from, to)`, a page at a time in id order
 * (keyset: each page starts after the last id of the one before), with their current content,
 * current channel, the profiles among the reasons of the current decision and whether an
 * inspection found something. Memory holds one page.
 */
export async function* historyPages(
  conn: StoreConnection,
  admin: string,
  range: { from?: string; to?: string },
  pageSize = HISTORY_PAGE,
): AsyncGenerator<HistoryRow[]> {
  let after: string | undefined;
  for (;;) {
    let q = conn.db
      .selectFrom('declarations as h')
      .innerJoin('declaration_versions as v', (j) =>
        j
          .onRef('v.administration', '=', 'h.administration')
          .onRef('v.declaration_id', '=', 'h.id')
          .onRef('v.version', '=', 'h.current_version'),
      )
      .innerJoin('decisions as d', (j) =>
        j.onRef('d.administration', '=', 'h.administration').onRef('d.id', '=', 'h.current_decision_id'),
      )
      .select((eb) => [
        'h.id',
        'h.channel',
        'v.content',
        'd.explanation',
        eb
          .selectFrom('inspection_outcomes as o')
          .select((o) =>
            o.fn
              .max(o.case().when('o.result', 'in', ['discrepancy', 'seizure']).then(1).else(0).end())
              .as('p'),
          )
          .whereRef('o.administration', '=', 'h.administration')
          .whereRef('o.declaration_id', '=', 'h.id')
          .as('positive'),
      ])
      .where('h.administration', '=', admin);
    if (range.from !== undefined) q = q.where('h.lodged_at', '>=', range.from);
    if (range.to !== undefined) q = q.where('h.lodged_at', '<', range.to);
    if (after !== undefined) q = q.where('h.id', '>', after);
    const rows = await q.orderBy('h.id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const explanation = JSON.parse(r.explanation) as Explanation;
      return {
        declaration: JSON.parse(r.content) as Declaration,
        channel: r.channel as Channel,
        profiles: explanation.signals.filter((s) => s.source === 'profile').map((s) => s.code),
        positive: r.positive === null || r.positive === undefined ? null : Number(r.positive) === 1,
      };
    });
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

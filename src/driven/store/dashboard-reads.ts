import { type RawBuilder, sql } from 'kysely';
import type { DialectName, StoreConnection } from '../database/database.ts';

/**
 * Manager dashboards of one administration, computed in SQL from lifecycle events, decisions,
 * inspection outcomes and seizure records, the same on SQLite and PostgreSQL: the database
 * groups and ranks, so a dashboard over hundreds of thousands of declarations holds only its
 * result rows in memory. Instants are ISO 8601 UTC text in every table, so periods are cut from
 * the text and durations computed by each dialect's date arithmetic.
 */

export const DASHBOARD_PERIODS = ['day', 'week', 'month'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

export interface DashboardFilter {
  office?: string;
  channel?: string;
  /** Inclusive lower bound (ISO 8601 UTC instant). */
  from?: string;
  /** Exclusive upper bound. */
  to?: string;
  period: DashboardPeriod;
}

/** Steps of the WCO Time Release Study measured between milestones, and the whole span. */
export const TRS_STEPS = [
  'arrival_to_lodgement',
  'lodgement_to_decision',
  'decision_to_release',
  'arrival_to_release',
] as const;
export type TrsStep = (typeof TRS_STEPS)[number];

export interface TimeReleaseRow {
  period: string;
  office: string;
  channel: string;
  step: TrsStep;
  count: number;
  medianSeconds: number;
  p90Seconds: number;
}

type Expr = RawBuilder<unknown>;

/** Seconds from instant `a` to instant `b` (ISO 8601 text columns). */
function secondsBetween(dialect: DialectName, a: Expr, b: Expr): Expr {
  return dialect === 'postgres'
    ? sql`extract(epoch from (cast(${b} as timestamptz) - cast(${a} as timestamptz)))`
    : // julianday is a double of days: about 10 µs of noise, so round to the stored millisecond.
      sql`round((julianday(${b}) - julianday(${a})) * 86400.0, 3)`;
}

/**
 * The period an instant falls in: `YYYY-MM-DD` (day), the Monday that starts its ISO week
 * (`YYYY-MM-DD`), or `YYYY-MM` (month). Timestamps are UTC, so PostgreSQL's `timestamp` (which
 * ignores the `Z`) and SQLite's date functions agree.
 */
function periodOf(dialect: DialectName, at: Expr, period: DashboardPeriod): Expr {
  if (period === 'day') return sql`substr(${at}, 1, 10)`;
  if (period === 'month') return sql`substr(${at}, 1, 7)`;
  return dialect === 'postgres'
    ? sql`to_char(date_trunc('week', cast(${at} as timestamp)), 'YYYY-MM-DD')`
    : sql`date(${at}, '-6 days', 'weekday 1')`;
}

/** floor() of a non-negative number, as an integer-valued number on both dialects. */
function floorOf(dialect: DialectName, x: Expr): Expr {
  return dialect === 'postgres' ? sql`floor(${x})` : sql`cast(${x} as integer)`;
}

/**
 * The q-quantile of `value` over ranked rows (`rn` 1-based, `n` rows in the group) by linear
 * interpolation between the closest ranks: the definition of PostgreSQL's `percentile_cont`
 * (Hyndman & Fan type 7), written with window ranks because SQLite has no percentile function.
 * Use inside a GROUP BY of the ranked rows.
 */
function quantile(dialect: DialectName, q: number, value: Expr): Expr {
  const h = sql`((n - 1) * ${sql.lit(q)})`;
  const lo = floorOf(dialect, h);
  const frac = sql`(${h} - ${lo})`;
  return sql`sum(case when rn = ${lo} + 1 then ${value} * (1 - ${frac}) when rn = ${lo} + 2 then ${value} * ${frac} else 0 end)`;
}

/** Rows `{name: value}` as JS numbers where the column is numeric (PostgreSQL sends numeric as text). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Signals of a decision's explanation as rows `(decision id, source, code)`, for JOIN LATERAL-free use. */
function signalRows(dialect: DialectName): Expr {
  return dialect === 'postgres'
    ? sql`select d.id as decision_id, s.v->>'source' as source, s.v->>'code' as code
          from decisions d cross join lateral jsonb_array_elements(cast(d.explanation as jsonb)->'signals') as s(v)`
    : sql`select d.id as decision_id, json_extract(s.value, '$.source') as source, json_extract(s.value, '$.code') as code
          from decisions d, json_each(d.explanation, '$.signals') as s`;
}

/** Reads of the manager dashboards; every query is scoped by the administration. */
export class DashboardReads {
  constructor(private readonly conn: StoreConnection) {}

  private get dialect(): DialectName {
    return this.conn.dialect;
  }

  /**
   * Time Release Study (WCO Guide to Measure the Time Required for the Release of Goods): per
   * step, office, current channel and period (of the step's end), the number of declarations,
   * median and 90th percentile in seconds. A declaration's milestone is its first event of that
   * kind; a step counts when both ends are recorded. `from`/`to` bound the step's end.
   */
  async timeRelease(admin: string, f: DashboardFilter): Promise<TimeReleaseRow[]> {
    const d = this.dialect;
    const step = (name: TrsStep, a: string, b: string) =>
      sql`select ${name} as step, office, channel, ${sql.ref(b)} as ended,
                 ${secondsBetween(d, sql.ref(a), sql.ref(b))} as secs
          from m where ${sql.ref(a)} is not null and ${sql.ref(b)} is not null`;
    const result = await sql<Record<string, unknown>>`
      with m as (
        select e.declaration_id as id, h.customs_office as office, h.channel as channel,
               min(case when e.event = 'arrival' then e.at end) as arrival,
               min(case when e.event = 'lodgement' then e.at end) as lodgement,
               min(case when e.event = 'decision' then e.at end) as decision,
               min(case when e.event = 'release' then e.at end) as release
        from lifecycle_events e
        join declarations h on h.administration = e.administration and h.id = e.declaration_id
        where e.administration = ${admin}
          ${f.office === undefined ? sql`` : sql`and h.customs_office = ${f.office}`}
          ${f.channel === undefined ? sql`` : sql`and h.channel = ${f.channel}`}
        group by e.declaration_id, h.customs_office, h.channel
      ),
      s as (
        ${step('arrival_to_lodgement', 'arrival', 'lodgement')}
        union all ${step('lodgement_to_decision', 'lodgement', 'decision')}
        union all ${step('decision_to_release', 'decision', 'release')}
        union all ${step('arrival_to_release', 'arrival', 'release')}
      ),
      p as (
        select step, office, channel, ${periodOf(d, sql.ref('ended'), f.period)} as period, secs from s
        where 1 = 1
          ${f.from === undefined ? sql`` : sql`and ended >= ${f.from}`}
          ${f.to === undefined ? sql`` : sql`and ended < ${f.to}`}
      ),
      r as (
        select step, office, channel, period, secs,
               row_number() over (partition by step, office, channel, period order by secs) as rn,
               count(*) over (partition by step, office, channel, period) as n
        from p
      )
      select period, office, channel, step, max(n) as count,
             ${quantile(d, 0.5, sql.ref('secs'))} as median,
             ${quantile(d, 0.9, sql.ref('secs'))} as p90
      from r group by period, office, channel, step
      order by period, office, channel, step`.execute(this.conn.db);
    return result.rows.map((r) => ({
      period: String(r.period),
      office: String(r.office),
      channel: String(r.channel),
      step: r.step as TrsStep,
      count: num(r.count),
      medianSeconds: num(r.median),
      p90Seconds: num(r.p90),
    }));
  }

  /** Current decisions by period of decision (and office): how many went green, yellow, red. */
  async channelMix(admin: string, f: DashboardFilter) {
    const d = this.dialect;
    const result = await sql<Record<string, unknown>>`
      select ${periodOf(d, sql.ref('decided_at'), f.period)} as period, customs_office as office,
             sum(case when channel = 'green' then 1 else 0 end) as green,
             sum(case when channel = 'yellow' then 1 else 0 end) as yellow,
             sum(case when channel = 'red' then 1 else 0 end) as red,
             count(*) as total
      from declarations
      where administration = ${admin}
        ${f.office === undefined ? sql`` : sql`and customs_office = ${f.office}`}
        ${f.channel === undefined ? sql`` : sql`and channel = ${f.channel}`}
        ${f.from === undefined ? sql`` : sql`and decided_at >= ${f.from}`}
        ${f.to === undefined ? sql`` : sql`and decided_at < ${f.to}`}
      group by 1, 2 order by 1, 2`.execute(this.conn.db);
    return result.rows.map((r) => ({
      period: String(r.period),
      office: String(r.office),
      green: num(r.green),
      yellow: num(r.yellow),
      red: num(r.red),
      total: num(r.total),
    }));
  }

  /**
   * Inspection hit rate: outcomes (by recording time) and how many found something (discrepancy
   * or seizure), per risk profile among the reasons of the decision inspected, or per channel of
   * that decision.
   */
  async hitRates(admin: string, f: DashboardFilter, by: 'profile' | 'channel') {
    const where = sql`o.administration = ${admin}
        ${f.office === undefined ? sql`` : sql`and h.customs_office = ${f.office}`}
        ${f.channel === undefined ? sql`` : sql`and d.channel = ${f.channel}`}
        ${f.from === undefined ? sql`` : sql`and o.recorded_at >= ${f.from}`}
        ${f.to === undefined ? sql`` : sql`and o.recorded_at < ${f.to}`}`;
    const from = sql`inspection_outcomes o
        join decisions d on d.administration = o.administration and d.id = o.decision_id
        join declarations h on h.administration = o.administration and h.id = o.declaration_id`;
    const positive = sql`sum(case when o.result in ('discrepancy', 'seizure') then 1 else 0 end)`;
    const result =
      by === 'channel'
        ? await sql<Record<string, unknown>>`
            select d.channel as key, count(*) as inspected, ${positive} as positive
            from ${from} where ${where} group by d.channel order by d.channel`.execute(this.conn.db)
        : await sql<Record<string, unknown>>`
            with sig as (${signalRows(this.dialect)})
            select sig.code as key, count(*) as inspected, ${positive} as positive
            from ${from} join sig on sig.decision_id = d.id and sig.source = 'profile'
            where ${where} group by sig.code order by sig.code`.execute(this.conn.db);
    return result.rows.map((r) => {
      const inspected = num(r.inspected);
      const pos = num(r.positive);
      return { key: String(r.key), inspected, positive: pos, rate: inspected > 0 ? pos / inspected : 0 };
    });
  }

  /** Revenue recovered by inspections, per period of recording and office. */
  async revenue(admin: string, f: DashboardFilter) {
    const result = await sql<Record<string, unknown>>`
      select ${periodOf(this.dialect, sql.ref('o.recorded_at'), f.period)} as period, h.customs_office as office,
             count(*) as outcomes, coalesce(sum(o.revenue_recovered), 0) as revenue
      from inspection_outcomes o
      join declarations h on h.administration = o.administration and h.id = o.declaration_id
      where o.administration = ${admin}
        ${f.office === undefined ? sql`` : sql`and h.customs_office = ${f.office}`}
        ${f.channel === undefined ? sql`` : sql`and h.channel = ${f.channel}`}
        ${f.from === undefined ? sql`` : sql`and o.recorded_at >= ${f.from}`}
        ${f.to === undefined ? sql`` : sql`and o.recorded_at < ${f.to}`}
      group by 1, 2 order by 1, 2`.execute(this.conn.db);
    return result.rows.map((r) => ({
      period: String(r.period),
      office: String(r.office),
      outcomes: num(r.outcomes),
      revenueRecovered: num(r.revenue),
    }));
  }

  /** The administration's own seizure records, per period of the seizure and category. */
  async seizures(admin: string, f: DashboardFilter) {
    const result = await sql<Record<string, unknown>>`
      select ${periodOf(this.dialect, sql.ref('date'), f.period)} as period, category, count(*) as count
      from seizures
      where administration = ${admin} and source = 'local'
        ${f.office === undefined ? sql`` : sql`and office = ${f.office}`}
        ${f.from === undefined ? sql`` : sql`and date >= ${f.from.slice(0, 10)}`}
        ${f.to === undefined ? sql`` : sql`and date < ${f.to}`}
      group by 1, 2 order by 1, 2`.execute(this.conn.db);
    return result.rows.map((r) => ({
      period: String(r.period),
      category: String(r.category),
      count: num(r.count),
    }));
  }

  /**
   * The model's precision per period of decision and model version: decisions with a model
   * signal (the model asked for a check), how many were inspected, how many found something.
   */
  async modelPrecision(admin: string, f: DashboardFilter) {
    const result = await sql<Record<string, unknown>>`
      with sig as (${signalRows(this.dialect)}),
      sel as (
        select distinct d.id, d.decided_at, coalesce(d.model_version, '') as model_version
        from decisions d
        join declarations h on h.administration = d.administration and h.id = d.declaration_id
        join sig on sig.decision_id = d.id and sig.source = 'model'
        where d.administration = ${admin}
          ${f.office === undefined ? sql`` : sql`and h.customs_office = ${f.office}`}
          ${f.channel === undefined ? sql`` : sql`and d.channel = ${f.channel}`}
          ${f.from === undefined ? sql`` : sql`and d.decided_at >= ${f.from}`}
          ${f.to === undefined ? sql`` : sql`and d.decided_at < ${f.to}`}
      ),
      out as (
        select decision_id, max(case when result in ('discrepancy', 'seizure') then 1 else 0 end) as positive
        from inspection_outcomes where administration = ${admin} group by decision_id
      )
      select ${periodOf(this.dialect, sql.ref('sel.decided_at'), f.period)} as period, sel.model_version as model,
             count(*) as selected, count(out.decision_id) as inspected, coalesce(sum(out.positive), 0) as positive
      from sel left join out on out.decision_id = sel.id
      group by 1, 2 order by 1, 2`.execute(this.conn.db);
    return result.rows.map((r) => {
      const inspected = num(r.inspected);
      const positive = num(r.positive);
      return {
        period: String(r.period),
        modelVersion: String(r.model),
        selected: num(r.selected),
        inspected,
        positive,
        precision: inspected > 0 ? positive / inspected : 0,
      };
    });
  }
}

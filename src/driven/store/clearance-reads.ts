import type { Kysely } from 'kysely';
import { CHANNELS, type Channel, type RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration, PartyRole } from '../../core/declaration/declaration.ts';
import type { Database } from '../database/schema.ts';
import { utc } from '../database/utc-instant.ts';
import {
  type ClearanceSummary,
  DECLARATION_STATUSES,
  type DeclarationStatus,
  type InspectionResult,
  type PartyRecord,
  type TrainingRow,
} from './store-records.ts';

/**
 * Read-only queries over an administration's cleared declarations: labelled rows for retraining,
 * clearance figures, the parties named. `DeclarationStore` exposes them; they write nothing.
 */

type Db = Kysely<Database>;

/**
 * Labelled examples for retraining: every inspected declaration lodged in `[from, to)`, with
 * the content of the version inspected and its latest outcome, oldest lodgement first.
 */
export async function trainingRows(
  db: Db,
  admin: string,
  range: { from?: string; to?: string } = {},
): Promise<TrainingRow[]> {
  let query = db
    .selectFrom('inspection_outcomes as o')
    .innerJoin('declarations as h', (j) =>
      j.onRef('h.administration', '=', 'o.administration').onRef('h.id', '=', 'o.declaration_id'),
    )
    .innerJoin('declaration_versions as v', (j) =>
      j
        .onRef('v.administration', '=', 'o.administration')
        .onRef('v.declaration_id', '=', 'o.declaration_id')
        .onRef('v.version', '=', 'o.version'),
    )
    .innerJoin('decisions as d', 'd.id', 'o.decision_id')
    .select([
      'o.declaration_id',
      'o.version',
      'o.result',
      'o.fraud',
      'o.critical',
      'o.revenue_recovered',
      'o.recorded_at',
      'h.lodged_at',
      'v.content',
      'd.channel',
      'd.explanation',
    ])
    .where('o.administration', '=', admin);
  if (range.from !== undefined) query = query.where('h.lodged_at', '>=', utc(range.from, 'from'));
  if (range.to !== undefined) query = query.where('h.lodged_at', '<', utc(range.to, 'to'));
  const rows = await query
    .orderBy('h.lodged_at')
    .orderBy('o.declaration_id')
    .orderBy('o.recorded_at')
    .execute();
  const latest = new Map<string, TrainingRow>();
  for (const r of rows) {
    const signals = (JSON.parse(r.explanation) as { signals: RiskSignal[] }).signals;
    latest.set(r.declaration_id, {
      declarationId: r.declaration_id,
      version: Number(r.version),
      declaration: JSON.parse(r.content) as Declaration,
      lodgedAt: r.lodged_at,
      channel: r.channel as Channel,
      randomlySelected: signals.some((s) => s.source === 'random'),
      result: r.result as InspectionResult,
      fraud: Number(r.fraud) === 1,
      critical: Number(r.critical) === 1,
      revenueRecovered: r.revenue_recovered === null ? null : Number(r.revenue_recovered),
      recordedAt: r.recorded_at,
    });
  }
  return [...latest.values()];
}

/**
 * Counts by channel and status, inspections, hits, seizures and revenue recovered, for the
 * declarations whose current decision falls in `[from, to)`.
 */
export async function summary(
  db: Db,
  admin: string,
  range: { from?: string; to?: string } = {},
): Promise<ClearanceSummary> {
  let heads = db
    .selectFrom('declarations')
    .select(['channel', 'status', (eb) => eb.fn.countAll().as('n')])
    .where('administration', '=', admin)
    .groupBy(['channel', 'status']);
  let outcomes = db
    .selectFrom('inspection_outcomes as o')
    .innerJoin('declarations as h', (j) =>
      j.onRef('h.administration', '=', 'o.administration').onRef('h.id', '=', 'o.declaration_id'),
    )
    .select((eb) => [
      eb.fn.countAll().as('inspections'),
      eb.fn.sum<number | string | null>('o.fraud').as('hits'),
      eb.fn
        .sum<number | string | null>(eb.case().when('o.result', '=', 'seizure').then(1).else(0).end())
        .as('seizures'),
      eb.fn.sum<number | string | null>('o.revenue_recovered').as('revenue'),
    ])
    .where('o.administration', '=', admin);
  if (range.from !== undefined) {
    const from = utc(range.from, 'from');
    heads = heads.where('decided_at', '>=', from);
    outcomes = outcomes.where('h.decided_at', '>=', from);
  }
  if (range.to !== undefined) {
    const to = utc(range.to, 'to');
    heads = heads.where('decided_at', '<', to);
    outcomes = outcomes.where('h.decided_at', '<', to);
  }
  const [groups, totals] = await Promise.all([heads.execute(), outcomes.executeTakeFirstOrThrow()]);
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  const byStatus = Object.fromEntries(DECLARATION_STATUSES.map((s) => [s, 0])) as Record<
    DeclarationStatus,
    number
  >;
  let declarations = 0;
  for (const g of groups) {
    // PostgreSQL returns count(*) and sum() as strings (int8 / numeric), SQLite as numbers.
    const n = Number(g.n);
    declarations += n;
    byChannel[g.channel as Channel] += n;
    byStatus[g.status as DeclarationStatus] += n;
  }
  return {
    declarations,
    byChannel,
    byStatus,
    inspections: Number(totals.inspections),
    hits: Number(totals.hits ?? 0),
    seizures: Number(totals.seizures ?? 0),
    revenueRecovered: Number(totals.revenue ?? 0),
  };
}

/** Stored parties of this administration's declarations with the given role, for re-screening. */
export async function parties(db: Db, admin: string, role?: PartyRole): Promise<PartyRecord[]> {
  let query = db.selectFrom('declaration_parties').selectAll().where('administration', '=', admin);
  if (role !== undefined) query = query.where('role', '=', role);
  const rows = await query.orderBy('declaration_id').orderBy('role').execute();
  return rows.map((r) => ({
    declarationId: r.declaration_id,
    role: r.role as PartyRole,
    partyId: r.party_id,
    partyName: r.party_name,
    country: r.country,
  }));
}

import type { InspectionResult } from '../../app/ports/assessment-store.ts';
import { CHANNELS, type Channel, type RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration, PartyRole } from '../../core/declaration/declaration.ts';
import type { StoreConnection } from '../database/database.ts';
import { utc } from '../database/utc-instant.ts';
import { DECLARATION_STATUSES, type DeclarationStatus } from './declaration-records.ts';
import type { Db } from './store-support.ts';

/** A labelled example for model training: the inspected version and what the inspection found. */
export interface TrainingRow {
  declarationId: string;
  version: number;
  declaration: Declaration;
  lodgedAt: string;
  /** The channel of the decision the inspection followed. */
  channel: Channel;
  /** True when the inspection was drawn at random (unbiased sample for evaluation). */
  randomlySelected: boolean;
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
  revenueRecovered: number | null;
  recordedAt: string;
}

/** Headline figures for managers over declarations decided in a period. */
export interface ClearanceSummary {
  declarations: number;
  byChannel: Record<Channel, number>;
  byStatus: Record<DeclarationStatus, number>;
  /** Outcomes recorded on those declarations. */
  inspections: number;
  /** Inspections that found fraud: the hit rate is `hits / inspections`. */
  hits: number;
  seizures: number;
  revenueRecovered: number;
}

/** A party named on a stored declaration. */
export interface PartyRecord {
  declarationId: string;
  role: PartyRole;
  partyId: string | null;
  partyName: string | null;
  country: string | null;
}

/**
 * Read-only queries over an administration's cleared declarations: labelled rows for retraining,
 * clearance figures, the parties named. They write nothing.
 */
export class ClearanceReads {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Labelled examples for retraining: every inspected declaration lodged in `[from, to)`, with
   * the content of the version inspected and its latest outcome, oldest lodgement first.
   */
  async trainingRows(admin: string, range: { from?: string; to?: string } = {}): Promise<TrainingRow[]> {
    let query = this.db
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
  async summary(admin: string, range: { from?: string; to?: string } = {}): Promise<ClearanceSummary> {
    let heads = this.db
      .selectFrom('declarations')
      .select(['channel', 'status', (eb) => eb.fn.countAll().as('n')])
      .where('administration', '=', admin)
      .groupBy(['channel', 'status']);
    let outcomes = this.db
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
  async parties(admin: string, role?: PartyRole): Promise<PartyRecord[]> {
    let query = this.db.selectFrom('declaration_parties').selectAll().where('administration', '=', admin);
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
}

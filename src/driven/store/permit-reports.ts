import { sql } from 'kysely';
import type { StoreConnection } from '../database/database.ts';
import type { Db } from './store-support.ts';

/**
 * Reports over what releases consumed (docs/ENVIRONMENT.md, "Reports"), per administration and
 * year; returned consumptions (amendments, cancellations) do not count.
 */
export const PERMIT_REPORTS = ['quota', 'imports', 'cites'] as const;
export type PermitReport = (typeof PERMIT_REPORTS)[number];

export type ReportRow = Record<string, string | number | null>;

const round = (v: unknown) => Math.round(Number(v ?? 0) * 1e6) / 1e6;

export class PermitReports {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  run(admin: string, report: PermitReport, year: number): Promise<ReportRow[]> {
    if (report === 'quota') return this.quota(admin, year);
    if (report === 'imports') return this.imports(admin, year);
    return this.cites(admin, year);
  }

  /** Per trader and substance: tonnes, ODP tonnes and CO2-eq tonnes used, and what is left of the trader's quota. */
  private async quota(admin: string, year: number): Promise<ReportRow[]> {
    const used = await this.db
      .selectFrom('permit_consumptions')
      .select([
        'trader',
        'control',
        'subject',
        sql<number>`sum(tonnes)`.as('tonnes'),
        sql<number>`sum(odp_tonnes)`.as('odp'),
        sql<number>`sum(co2eq_tonnes)`.as('co2eq'),
      ])
      .where('administration', '=', admin)
      .where('year', '=', year)
      .where('control', 'is not', null)
      .where('returned_at', 'is', null)
      .groupBy(['trader', 'control', 'subject'])
      .orderBy('trader')
      .orderBy('subject')
      .execute();
    const quotas = await this.db
      .selectFrom('permit_quotas')
      .selectAll()
      .where('administration', '=', admin)
      .where('year', '=', year)
      .execute();
    const left = (limit: unknown, usedTotal: unknown) =>
      limit === null ? null : round(Number(limit) - Number(usedTotal));
    return used.map((u) => {
      const q = quotas.find((x) => x.trader === u.trader && x.control === u.control);
      return {
        year,
        trader: u.trader,
        control: u.control,
        substance: u.subject,
        tonnes: round(u.tonnes),
        odpTonnes: round(u.odp),
        co2eqTonnes: round(u.co2eq),
        quotaTonnesLeft: q ? left(q.limit_tonnes, q.used_tonnes) : null,
        quotaOdpTonnesLeft: q ? left(q.limit_odp_tonnes, q.used_odp_tonnes) : null,
        quotaCo2eqTonnesLeft: q ? left(q.limit_co2eq_tonnes, q.used_co2eq_tonnes) : null,
      };
    });
  }

  /** Imports per controlled substance in the year, as national ozone units report them under Article 7. */
  private async imports(admin: string, year: number): Promise<ReportRow[]> {
    const rows = await this.db
      .selectFrom('permit_consumptions')
      .select([
        'subject',
        'control',
        sql<number>`sum(tonnes)`.as('tonnes'),
        sql<number>`sum(odp_tonnes)`.as('odp'),
        sql<number>`sum(co2eq_tonnes)`.as('co2eq'),
        sql<number>`count(*)`.as('releases'),
      ])
      .where('administration', '=', admin)
      .where('year', '=', year)
      .where('direction', '=', 'import')
      .where('control', 'is not', null)
      .where('returned_at', 'is', null)
      .groupBy(['subject', 'control'])
      .orderBy('subject')
      .execute();
    return rows.map((r) => ({
      year,
      substance: r.subject,
      control: r.control,
      metricTonnes: round(r.tonnes),
      odpTonnes: round(r.odp),
      co2eqTonnes: round(r.co2eq),
      releases: Number(r.releases),
    }));
  }

  /** CITES trade by species: quantity released per species, appendix, direction, partner country and unit. */
  private async cites(admin: string, year: number): Promise<ReportRow[]> {
    const rows = await this.db
      .selectFrom('permit_consumptions as c')
      .innerJoin('permits as p', (j) =>
        j.onRef('p.administration', '=', 'c.administration').onRef('p.number', '=', 'c.permit_number'),
      )
      .select([
        'c.subject',
        'p.appendix',
        'c.direction',
        'c.partner_country',
        'c.unit',
        sql<number>`sum(c.quantity)`.as('quantity'),
        sql<number>`count(*)`.as('releases'),
      ])
      .where('c.administration', '=', admin)
      .where('c.year', '=', year)
      .where('p.kind', 'in', ['cites-permit', 'cites-certificate'])
      .where('c.returned_at', 'is', null)
      .groupBy(['c.subject', 'p.appendix', 'c.direction', 'c.partner_country', 'c.unit'])
      .orderBy('c.subject')
      .execute();
    return rows.map((r) => ({
      year,
      species: r.subject,
      appendix: r.appendix,
      direction: r.direction,
      partnerCountry: r.partner_country,
      quantity: round(r.quantity),
      unit: r.unit,
      releases: Number(r.releases),
    }));
  }
}

/** RFC 4180 CSV of report rows (header from the first row's keys). */
export function reportCsv(rows: readonly ReportRow[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\r\n')}\r\n`;
}

import { sql } from 'kysely';
import type { StoreConnection } from '../database/database.ts';
import type { Db } from './store-support.ts';

/**
 * Reports over what releases consumed (docs/ENVIRONMENT.md, "Reports"), per administration and
 * year; returned consumptions (amendments, cancellations) do not count. The one implementation
 * behind `greenlane permits report` and `GET /v1/permit-reports/{report}`: both run
 * {@link PermitReports.run} and write CSV with {@link reportCsv}.
 */
export const PERMIT_REPORTS = ['quota', 'imports', 'cites'] as const;
export type PermitReport = (typeof PERMIT_REPORTS)[number];

/** The years a report may ask for: the Montreal Protocol's adoption (1987) to the register's last quota year. */
export const REPORT_YEARS = { min: 1987, max: 2200 } as const;

/** The columns of each report, in order (the CSV header, also for an empty report). */
export const REPORT_COLUMNS = {
  quota: [
    'year',
    'trader',
    'control',
    'substance',
    'tonnes',
    'odpTonnes',
    'co2eqTonnes',
    'quotaTonnesLeft',
    'quotaOdpTonnesLeft',
    'quotaCo2eqTonnesLeft',
  ],
  imports: ['year', 'substance', 'control', 'metricTonnes', 'odpTonnes', 'co2eqTonnes', 'releases'],
  cites: ['year', 'species', 'appendix', 'direction', 'partnerCountry', 'quantity', 'unit', 'releases'],
} as const satisfies Record<PermitReport, readonly string[]>;

export type ReportRow = Record<string, string | number | null>;

/** Which consumptions a report covers: a calendar year, and optionally one trader's. */
export interface ReportFilter {
  year: number;
  trader?: string;
}

const round = (v: unknown) => Math.round(Number(v ?? 0) * 1e6) / 1e6;

export class PermitReports {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  run(admin: string, report: PermitReport, filter: ReportFilter): Promise<ReportRow[]> {
    if (report === 'quota') return this.quota(admin, filter);
    if (report === 'imports') return this.imports(admin, filter);
    return this.cites(admin, filter);
  }

  /**
   * Per trader and substance: tonnes, ODP tonnes and CO2-eq tonnes used, and what is left of the
   * trader's quota of that control in each limit that is set (`null` where none is). A trader with
   * a quota and nothing released yet has one row with `substance: null`, nothing used and all left.
   */
  private async quota(admin: string, { year, trader }: ReportFilter): Promise<ReportRow[]> {
    let usedQuery = this.db
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
      .where('returned_at', 'is', null);
    if (trader !== undefined) usedQuery = usedQuery.where('trader', '=', trader);
    const used = await usedQuery.groupBy(['trader', 'control', 'subject']).execute();
    let quotaQuery = this.db
      .selectFrom('permit_quotas')
      .selectAll()
      .where('administration', '=', admin)
      .where('year', '=', year);
    if (trader !== undefined) quotaQuery = quotaQuery.where('trader', '=', trader);
    const quotas = new Map((await quotaQuery.execute()).map((q) => [`${q.trader}\u0000${q.control}`, q]));
    const left = (limit: unknown, usedTotal: unknown) =>
      limit === null ? null : round(Number(limit) - Number(usedTotal));
    const row = (
      traderId: string,
      control: string,
      substance: string | null,
      taken: { tonnes: unknown; odp: unknown; co2eq: unknown },
    ): ReportRow => {
      const q = quotas.get(`${traderId}\u0000${control}`);
      return {
        year,
        trader: traderId,
        control,
        substance,
        tonnes: round(taken.tonnes),
        odpTonnes: round(taken.odp),
        co2eqTonnes: round(taken.co2eq),
        quotaTonnesLeft: q ? left(q.limit_tonnes, q.used_tonnes) : null,
        quotaOdpTonnesLeft: q ? left(q.limit_odp_tonnes, q.used_odp_tonnes) : null,
        quotaCo2eqTonnesLeft: q ? left(q.limit_co2eq_tonnes, q.used_co2eq_tonnes) : null,
      };
    };
    const rows = used.map((u) => row(u.trader, u.control!, u.subject, u));
    const reported = new Set(used.map((u) => `${u.trader}\u0000${u.control}`));
    for (const [key, q] of quotas)
      if (!reported.has(key)) rows.push(row(q.trader, q.control, null, { tonnes: 0, odp: 0, co2eq: 0 }));
    return rows.sort(
      (a, b) =>
        compare(a.trader, b.trader) || compare(a.control, b.control) || compare(a.substance, b.substance),
    );
  }

  /** Imports per controlled substance in the year, as national ozone units report them under Article 7. */
  private async imports(admin: string, { year, trader }: ReportFilter): Promise<ReportRow[]> {
    let query = this.db
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
      .where('returned_at', 'is', null);
    if (trader !== undefined) query = query.where('trader', '=', trader);
    const rows = await query.groupBy(['subject', 'control']).orderBy('subject').execute();
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
  private async cites(admin: string, { year, trader }: ReportFilter): Promise<ReportRow[]> {
    let query = this.db
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
      .where('c.returned_at', 'is', null);
    if (trader !== undefined) query = query.where('c.trader', '=', trader);
    const rows = await query
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

/** Byte order of two cells, null first: the same order on SQLite and PostgreSQL whatever their collation. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return String(a) < String(b) ? -1 : 1;
}

/**
 * RFC 4180 CSV of a report: the header row of {@link REPORT_COLUMNS}, then the rows, CRLF line ends.
 * Text that a spreadsheet would run as a formula (a trader id loaded as `=HYPERLINK(...)`) is
 * prefixed with `'` (OWASP, CSV injection); numbers are written as they are.
 */
export function reportCsv(report: PermitReport, rows: readonly ReportRow[]): string {
  const columns = REPORT_COLUMNS[report];
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((k) => cell(r[k])).join(','))].join('\r\n')}\r\n`;
}

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { instantMs, isValidInstant } from '../../../core/declaration/validation.ts';
import type { StoreConnection } from '../../../driven/database/database.ts';
import {
  DASHBOARD_PERIODS,
  type DashboardFilter,
  DashboardReads,
  type TimeReleaseRow,
  TRS_STEPS,
} from '../../../driven/store/dashboard-reads.ts';
import { ChannelSchema } from '../declaration-schemas.ts';
import { type ProtectedRouteKey, requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiEnv, type RouteModule } from '../route-module.ts';
import { authErrors, errorJson } from './declarations.ts';

/*
 * Manager dashboards (issue 12): Time Release Study, channel mix, hit rates, revenue, seizures and
 * model precision of the key's administration, computed in SQL (src/driven/store/dashboard-reads.ts),
 * each as JSON or, with `format=csv` or `Accept: text/csv`, as an RFC 4180 CSV download.
 */

const instant = z
  .string()
  .max(40)
  .refine(isValidInstant, { message: 'must be an ISO 8601 date or date-time' })
  .transform((v) => new Date(instantMs(v)).toISOString());

const FilterQuery = z.strictObject({
  office: z.string().trim().min(1).max(20).optional().openapi({ description: 'Customs office code' }),
  channel: ChannelSchema.optional().openapi({ description: "The declaration's current channel" }),
  from: instant
    .optional()
    .openapi({ description: 'From this instant or day (inclusive)', example: '2026-11-01' }),
  to: instant
    .optional()
    .openapi({ description: 'Until this instant or day (exclusive)', example: '2026-12-01' }),
  period: z
    .enum(DASHBOARD_PERIODS)
    .default('week')
    .openapi({ description: 'day, week (ISO week, named by its Monday) or month' }),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv: the rows as a CSV file (or send Accept: text/csv)' }),
});
const HitRateQuery = FilterQuery.extend({ by: z.enum(['profile', 'channel']).default('profile') });

const csvContent = {
  'text/csv': { schema: z.string().openapi({ description: 'RFC 4180, header row first' }) },
};

function dashboardRoute<
  S extends z.ZodType,
  Q extends typeof FilterQuery | typeof HitRateQuery = typeof FilterQuery,
>(key: ProtectedRouteKey, path: string, summary: string, schema: S, query: Q = FilterQuery as Q) {
  return createRoute({
    method: 'get',
    path,
    tags: ['dashboards'],
    summary,
    security: API_KEY_SECURITY,
    middleware: [requireRoute(key)] as const,
    request: { query },
    responses: {
      200: {
        description: 'The dashboard rows',
        content: { 'application/json': { schema }, ...csvContent },
      },
      400: errorJson('A query parameter is not valid (the detail names it)'),
      ...authErrors,
    },
  });
}

const rows = <T extends z.ZodRawShape>(name: string, shape: T) =>
  z.object({ rows: z.array(z.object(shape)) }).openapi(name);
const num = z.number();
const int = z.number().int();

const TimeReleaseSchema = z
  .object({
    rows: z.array(
      z.object({
        period: z.string(),
        office: z.string(),
        channel: z.string(),
        step: z.enum(TRS_STEPS),
        count: int,
        medianSeconds: num,
        p90Seconds: num,
      }),
    ),
    slowest: z
      .array(
        z.object({
          period: z.string(),
          office: z.string(),
          channel: z.string(),
          step: z.enum(TRS_STEPS),
          medianSeconds: num,
          p90Seconds: num,
        }),
      )
      .openapi({
        description:
          'Per period, office and channel: the step (of the three between milestones) with the largest median',
      }),
  })
  .openapi('TimeReleaseStudy');

const routes = {
  timeRelease: dashboardRoute(
    'GET /v1/dashboards/time-release',
    '/v1/dashboards/time-release',
    'Time Release Study: arrival → lodgement → decision → release, median and 90th percentile per step, office, channel and period',
    TimeReleaseSchema,
  ),
  channelMix: dashboardRoute(
    'GET /v1/dashboards/channel-mix',
    '/v1/dashboards/channel-mix',
    'Channel mix of current decisions per period and office',
    rows('ChannelMix', {
      period: z.string(),
      office: z.string(),
      green: int,
      yellow: int,
      red: int,
      total: int,
    }),
  ),
  hitRates: dashboardRoute(
    'GET /v1/dashboards/hit-rates',
    '/v1/dashboards/hit-rates',
    'Inspection hit rate per risk profile (by=profile) or per channel (by=channel)',
    rows('HitRates', { key: z.string(), inspected: int, positive: int, rate: num }),
    HitRateQuery,
  ),
  revenue: dashboardRoute(
    'GET /v1/dashboards/revenue',
    '/v1/dashboards/revenue',
    'Revenue recovered by inspections per period and office',
    rows('RevenueRecovered', {
      period: z.string(),
      office: z.string(),
      outcomes: int,
      revenueRecovered: num,
    }),
  ),
  seizures: dashboardRoute(
    'GET /v1/dashboards/seizures',
    '/v1/dashboards/seizures',
    "The administration's own seizures per period and category (channel does not apply)",
    rows('SeizuresByCategory', { period: z.string(), category: z.string(), count: int }),
  ),
  modelPrecision: dashboardRoute(
    'GET /v1/dashboards/model-precision',
    '/v1/dashboards/model-precision',
    'Precision of the risk model per period and model version: decisions it flagged, inspected, with a finding',
    rows('ModelPrecision', {
      period: z.string(),
      modelVersion: z.string(),
      selected: int,
      inspected: int,
      positive: int,
      precision: num,
    }),
  ),
};

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV with the given columns, CRLF line ends (RFC 4180 §2). */
export function toCsv(columns: readonly string[], data: ReadonlyArray<Record<string, unknown>>): string {
  const lines = [columns.join(','), ...data.map((r) => columns.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const wantsCsv = (c: Context, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));

/** The slowest of the three elementary steps per period, office and channel (largest median). */
export function slowestSteps(data: readonly TimeReleaseRow[]) {
  const best = new Map<string, TimeReleaseRow>();
  for (const r of data) {
    if (r.step === 'arrival_to_release') continue;
    const key = `${r.period}\u0000${r.office}\u0000${r.channel}`;
    const held = best.get(key);
    if (!held || r.medianSeconds > held.medianSeconds) best.set(key, r);
  }
  return [...best.values()].map(({ period, office, channel, step, medianSeconds, p90Seconds }) => ({
    period,
    office,
    channel,
    step,
    medianSeconds,
    p90Seconds,
  }));
}

function filterOf(q: z.output<typeof FilterQuery>): DashboardFilter {
  return {
    period: q.period,
    ...(q.office === undefined ? {} : { office: q.office }),
    ...(q.channel === undefined ? {} : { channel: q.channel }),
    ...(q.from === undefined ? {} : { from: q.from }),
    ...(q.to === undefined ? {} : { to: q.to }),
  };
}

/** Answers rows as JSON (`{rows, ...extra}`) or as a CSV file named after the dashboard. */
function answer(
  c: Context<ApiEnv>,
  name: string,
  format: string | undefined,
  columns: readonly string[],
  data: ReadonlyArray<object>,
  extra: Record<string, unknown> = {},
) {
  if (wantsCsv(c, format)) {
    return c.body(toCsv(columns, data as ReadonlyArray<Record<string, unknown>>), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.csv"`,
    });
  }
  return c.json({ rows: data, ...extra }, 200);
}

/** `GET /v1/dashboards/*`: the manager dashboards of the key's administration. */
export function dashboardRoutes(deps: { conn: StoreConnection }): RouteModule {
  const reads = new DashboardReads(deps.conn);
  const admin = (c: Context<ApiEnv>) => c.get('principal').administration;
  return {
    name: 'dashboards',
    register: (app) => {
      app.openapi(routes.timeRelease, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.timeRelease(admin(c), filterOf(q));
        const columns = ['period', 'office', 'channel', 'step', 'count', 'medianSeconds', 'p90Seconds'];
        return answer(c, 'time-release', q.format, columns, data, { slowest: slowestSteps(data) }) as never;
      });
      app.openapi(routes.channelMix, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.channelMix(admin(c), filterOf(q));
        return answer(
          c,
          'channel-mix',
          q.format,
          ['period', 'office', 'green', 'yellow', 'red', 'total'],
          data,
        ) as never;
      });
      app.openapi(routes.hitRates, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.hitRates(admin(c), filterOf(q), q.by);
        return answer(
          c,
          `hit-rates-by-${q.by}`,
          q.format,
          ['key', 'inspected', 'positive', 'rate'],
          data,
        ) as never;
      });
      app.openapi(routes.revenue, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.revenue(admin(c), filterOf(q));
        return answer(
          c,
          'revenue',
          q.format,
          ['period', 'office', 'outcomes', 'revenueRecovered'],
          data,
        ) as never;
      });
      app.openapi(routes.seizures, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.seizures(admin(c), filterOf(q));
        return answer(c, 'seizures', q.format, ['period', 'category', 'count'], data) as never;
      });
      app.openapi(routes.modelPrecision, async (c) => {
        const q = c.req.valid('query');
        const data = await reads.modelPrecision(admin(c), filterOf(q));
        const columns = ['period', 'modelVersion', 'selected', 'inspected', 'positive', 'precision'];
        return answer(c, 'model-precision', q.format, columns, data) as never;
      });
    },
  };
}

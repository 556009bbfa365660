import { createRoute, z } from '@hono/zod-openapi';
import type { StoreConnection } from '../../../driven/database/database.ts';
import { environmentReference } from '../../../driven/reference/environment-reference.ts';
import {
  PERMIT_REPORTS,
  PermitReports,
  REPORT_COLUMNS,
  REPORT_YEARS,
  reportCsv,
} from '../../../driven/store/permit-reports.ts';
import { PermitRepository } from '../../../driven/store/permit-repository.ts';
import { notFound } from '../../../driven/store/store-support.ts';
import { environmentDir } from '../../../installation/config.ts';
import { actorOf } from '../api-key-auth.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { CONFLICT, LimitParam, NOT_FOUND, SHARING_ERRORS } from './sharing-support.ts';

const DocumentSchema = z
  .object({
    number: z.string(),
    kind: z.string(),
    direction: z.string(),
    trader: z.string(),
    issuingCountry: z.string(),
    partnerCountry: z.string().nullable(),
    subject: z.string().openapi({ description: 'Species, substance, waste code or chemical' }),
    appendix: z.string().nullable(),
    unit: z.string(),
    quantity: z.number(),
    balance: z.number().openapi({ description: 'What is left after the releases that consumed it' }),
    validFrom: z.string(),
    validUntil: z.string(),
    status: z.string(),
    year: z.number().nullable(),
    odp: z.number().nullable(),
    gwp: z.number().nullable(),
    control: z.string().nullable(),
  })
  .openapi('PermitDocument');

const PermitViewSchema = DocumentSchema.extend({
  record: z.unknown(),
  consumptions: z.array(
    z.object({
      id: z.string(),
      declarationId: z.string(),
      version: z.number(),
      item: z.number(),
      quantity: z.number(),
      consumedAt: z.string(),
      returnedAt: z.string().nullable(),
      returnReason: z.string().nullable(),
    }),
  ),
}).openapi('PermitView');

const loadRoute = createRoute({
  method: 'post',
  path: '/v1/permits',
  tags: ['permits'],
  summary: 'Load permits, licences and quotas into the register, all or nothing (docs/ENVIRONMENT.md)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/permits')] as const,
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            records: z
              .array(z.unknown())
              .min(1)
              .max(10_000)
              .openapi({ description: 'Register records (`kind`: cites-permit, ods-licence, quota, ...)' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Loaded',
      content: {
        'application/json': {
          schema: z.object({
            documents: z.number(),
            quotas: z.number(),
            unchanged: z.number().openapi({
              description:
                'Documents registered before with the same content (a replayed load): left as they are',
            }),
          }),
        },
      },
    },
    ...SHARING_ERRORS,
    ...CONFLICT('A document of the input was registered meanwhile'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/permits',
  tags: ['permits'],
  summary: 'The register’s documents by number, with their balances',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/permits')] as const,
  request: {
    query: z.strictObject({
      after: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'Cursor: the last number of the previous page' }),
      trader: z.string().max(64).optional(),
      limit: LimitParam,
    }),
  },
  responses: {
    200: {
      description: 'Documents',
      content: { 'application/json': { schema: z.object({ items: z.array(DocumentSchema) }) } },
    },
    ...SHARING_ERRORS,
  },
});

const showRoute = createRoute({
  method: 'get',
  path: '/v1/permits/{number}',
  tags: ['permits'],
  summary: 'One document with its balance and consumptions',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/permits/{number}')] as const,
  request: { params: z.object({ number: z.string().min(1).max(64) }) },
  responses: {
    200: { description: 'The document', content: { 'application/json': { schema: PermitViewSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('document'),
  },
});

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/permit-reports/{report}',
  tags: ['permits'],
  summary:
    'Quota used and left per trader and substance, imports per substance (Article 7), CITES trade by species; JSON or CSV',
  description: `What releases consumed in a calendar year, returned consumptions left out (docs/ENVIRONMENT.md, "Reports"). Columns: ${PERMIT_REPORTS.map((r) => `\`${r}\`: ${REPORT_COLUMNS[r].join(', ')}`).join('; ')}. \`format=csv\` or \`Accept: text/csv\` answers an RFC 4180 file with that header row.`,
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/permit-reports/{report}')] as const,
  request: {
    params: z.object({ report: z.enum(PERMIT_REPORTS) }),
    query: z.strictObject({
      year: z.coerce
        .number()
        .int()
        .min(REPORT_YEARS.min)
        .max(REPORT_YEARS.max)
        .openapi({ description: 'The calendar year (the quota year of ODS licences)', example: 2026 }),
      trader: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .openapi({ description: "Only this trader's consumptions (and, for `quota`, quotas)" }),
      format: z
        .enum(['json', 'csv'])
        .optional()
        .openapi({ description: 'csv: the rows as a CSV file (or send Accept: text/csv)' }),
    }),
  },
  responses: {
    200: {
      description: 'The report',
      content: {
        'application/json': {
          schema: z
            .object({
              report: z.enum(PERMIT_REPORTS),
              year: z.number(),
              trader: z.string().nullable(),
              rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
            })
            .openapi('PermitReport'),
        },
        'text/csv': { schema: z.string().openapi({ description: 'RFC 4180, header row first' }) },
      },
    },
    ...SHARING_ERRORS,
  },
});

/**
 * `POST|GET /v1/permits`, `GET /v1/permits/{number}`: the permit and licence register of the
 * caller's administration; `GET /v1/permit-reports/{report}`: its reports, the same as
 * `greenlane permits report` prints.
 */
export function permitRoutes(deps: { conn: StoreConnection }): RouteModule {
  const permits = new PermitRepository(deps.conn);
  const reports = new PermitReports(deps.conn);
  return {
    name: 'permits',
    register(app) {
      app.openapi(loadRoute, async (c) => {
        const principal = c.get('principal');
        const { records } = c.req.valid('json');
        const loaded = await permits.load(
          principal.administration,
          records.map((value, i) => ({ record: i + 1, value })),
          environmentReference(environmentDir()),
          actorOf(principal),
        );
        return c.json(loaded, 201);
      });
      app.openapi(listRoute, async (c) => {
        const { after, trader, limit } = c.req.valid('query');
        const items = await permits.list(c.get('principal').administration, {
          limit,
          ...(after !== undefined ? { after } : {}),
          ...(trader !== undefined ? { trader } : {}),
        });
        return c.json({ items }, 200);
      });
      app.openapi(showRoute, async (c) => {
        const { number } = c.req.valid('param');
        const view = await permits.show(c.get('principal').administration, number);
        if (!view) throw notFound(`document ${number}`);
        return c.json(view, 200);
      });
      app.openapi(reportRoute, async (c) => {
        const { report } = c.req.valid('param');
        const { year, trader, format } = c.req.valid('query');
        const rows = await reports.run(c.get('principal').administration, report, {
          year,
          ...(trader === undefined ? {} : { trader }),
        });
        const csv =
          format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));
        if (csv)
          return c.body(reportCsv(report, rows), 200, {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="permits-${report}-${year}.csv"`,
          }) as never;
        return c.json({ report, year, trader: trader ?? null, rows }, 200);
      });
    },
  };
}

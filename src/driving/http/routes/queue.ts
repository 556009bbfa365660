import { createRoute, z } from '@hono/zod-openapi';
import type { Channel } from '../../../core/decision/signal.ts';
import { instantMs, isValidInstant } from '../../../core/declaration/validation.ts';
import {
  DECLARATION_STATUSES,
  type QueueEntry,
  type QueueFilter,
} from '../../../driven/store/declaration-records.ts';
import type { Page } from '../../../driven/store/page.ts';
import { ChannelSchema, RiskSignalSchema } from '../declaration-schemas.ts';
import { ApiErrorSchema } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';

/** The store's queue read, as the queue endpoints need it. */
export type ReadQueue = (administration: string, filter: QueueFilter) => Promise<Page<QueueEntry>>;

const instant = z
  .string()
  .max(40)
  .refine(isValidInstant, { message: 'must be an ISO 8601 date or date-time' })
  .openapi({ example: '2026-11-28' });

/** Query of `GET /v1/queue` (and of the web page's fragment): all filters optional and combined with AND. */
export const QueueQuerySchema = z
  .strictObject({
    channel: z
      .string()
      .regex(
        /^(green|yellow|red)(,(green|yellow|red))*$/,
        'must be green, yellow, red or a comma-separated list of them',
      )
      .optional()
      .openapi({
        description: 'One channel or a comma-separated list, e.g. `red,yellow`',
        example: 'red,yellow',
      }),
    office: z.string().trim().min(1).max(20).optional().openapi({ description: 'Customs office code' }),
    status: z.enum(DECLARATION_STATUSES).optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine(isValidInstant, { message: 'must be a real calendar date' })
      .optional()
      .openapi({ description: 'Decided on this UTC day (shorthand for from/to)', example: '2026-11-28' }),
    from: instant.optional().openapi({ description: 'Decided at or after this instant' }),
    to: instant.optional().openapi({ description: 'Decided before this instant' }),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    cursor: z.string().max(512).optional().openapi({ description: '`nextCursor` of the previous page' }),
  })
  .refine((q) => q.date === undefined || (q.from === undefined && q.to === undefined), {
    message: 'use either date or from/to',
    path: ['date'],
  });
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

const iso = (value: string) => new Date(instantMs(value)).toISOString();

/** Turns validated query parameters into the store's filter (instants normalised to UTC ISO 8601). */
export function toQueueFilter(query: QueueQuery): QueueFilter {
  const filter: QueueFilter = { limit: query.limit };
  if (query.channel) filter.channel = query.channel.split(',') as Channel[];
  if (query.office) filter.office = query.office;
  if (query.status) filter.status = query.status;
  if (query.cursor) filter.cursor = query.cursor;
  if (query.date) {
    const start = instantMs(query.date);
    filter.from = new Date(start).toISOString();
    filter.to = new Date(start + 86_400_000).toISOString();
  }
  if (query.from) filter.from = iso(query.from);
  if (query.to) filter.to = iso(query.to);
  return filter;
}

export const QueueEntrySchema = z
  .object({
    declarationId: z.string(),
    version: z.number().int(),
    type: z.string(),
    customsOffice: z.string(),
    lodgedAt: z.string(),
    status: z.enum(DECLARATION_STATUSES),
    channel: ChannelSchema,
    score: z.number(),
    decidedAt: z.string().openapi({ format: 'date-time' }),
    decisionId: z.string(),
    kind: z.enum(['auto', 'override']),
    summary: z.string(),
    reasons: z.array(RiskSignalSchema),
  })
  .openapi('QueueEntry');

export const QueuePageSchema = z
  .object({ items: z.array(QueueEntrySchema), nextCursor: z.string().nullable() })
  .openapi('QueuePage');

const route = createRoute({
  method: 'get',
  path: '/v1/queue',
  tags: ['queue'],
  summary: 'The inspection queue: current decisions, newest first, filtered by channel, office and date',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/queue')] as const,
  request: { query: QueueQuerySchema },
  responses: {
    200: {
      description: 'One page of the queue',
      content: { 'application/json': { schema: QueuePageSchema } },
    },
    400: { description: 'Invalid filter', content: { 'application/json': { schema: ApiErrorSchema } } },
    401: {
      description: 'Missing or invalid API key',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
    403: {
      description: "The key's role may not read the queue",
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
  },
});

/** `GET /v1/queue`. */
export function queueRoutes(deps: { queue: ReadQueue }): RouteModule {
  return {
    name: 'queue',
    register: (app) =>
      app.openapi(route, async (c) => {
        const page = await deps.queue(c.get('principal').administration, toQueueFilter(c.req.valid('query')));
        return c.json(page, 200);
      }),
  };
}

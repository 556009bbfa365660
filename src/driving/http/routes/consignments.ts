import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ConsignmentService } from '../../../app/consignments.ts';
import type { InputRecord } from '../../../app/ports/input-record.ts';
import { ConsignmentSchema } from '../../../core/ecommerce/consignment.ts';
import { CONSIGNMENT_CHECKS, LANES } from '../../../core/ecommerce/lane-config.ts';
import { readRecords } from '../../../driven/input/read-records.ts';
import { decodeUtf8 } from '../../../driven/input/text-chunks.ts';
import type { ConsignmentRepository } from '../../../driven/store/consignment-repository.ts';
import { actorOf } from '../api-key-auth.ts';
import { ApiErrorDetailSchema, ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiEnv, type RouteModule } from '../route-module.ts';

/** Consignments per request at most: a batch is decided in one go and stored in one transaction. */
export const MAX_CONSIGNMENT_BATCH = 10_000;

export interface ConsignmentRouteDeps {
  service: ConsignmentService;
  repository: Pick<ConsignmentRepository, 'getConsignment'>;
}

// A clone built after @hono/zod-openapi extended zod has `.openapi` (see declaration-schemas.ts).
const ConsignmentComponent = ConsignmentSchema.clone().openapi('Consignment');

const LaneSchema = z.enum(LANES).openapi('ConsignmentLane', {
  description:
    'release: load and clear; hold: held for documents (request for information); inspect: physical inspection',
});

const ReasonSchema = z
  .object({
    check: z.enum(CONSIGNMENT_CHECKS),
    code: z.string().openapi({ example: 'UNDERVALUED' }),
    message: z
      .string()
      .openapi({ example: 'item 1: EUR 9.9 per unit is below the EUR 40 a mobile phone costs at least' }),
  })
  .openapi('ConsignmentReason');

const DecidedLineSchema = z
  .object({
    record: z.number().int().positive(),
    consignmentId: z.string(),
    lane: LaneSchema,
    score: z.number().openapi({ description: '0..1: the strongest reason or the model probability' }),
    reasons: z.array(ReasonSchema),
    modelScore: z.number().optional(),
    ms: z.number().openapi({ description: 'Milliseconds the lane took for this consignment (not storage)' }),
    decidedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('ConsignmentDecision');

const RejectedLineSchema = z
  .object({
    rejected: z.literal(true),
    record: z.number().int().positive(),
    consignmentId: z.string().optional(),
    errors: z.array(ApiErrorDetailSchema),
  })
  .openapi('ConsignmentReject');

const ResponseSchema = z
  .object({
    results: z.array(z.union([DecidedLineSchema, RejectedLineSchema])),
    summary: z.object({
      received: z.number().int(),
      rejected: z.number().int(),
      lanes: z.object({ release: z.number().int(), hold: z.number().int(), inspect: z.number().int() }),
    }),
  })
  .openapi('ConsignmentResponse');

const StoredSchema = z
  .object({
    consignment: ConsignmentComponent,
    lane: LaneSchema,
    score: z.number(),
    reasons: z.array(ReasonSchema.extend({ lane: LaneSchema, score: z.number() })),
    valueEur: z.number().nullable(),
    decidedAt: z.string(),
    decidedBy: z.string(),
  })
  .openapi('StoredConsignment');

const errorJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: ApiErrorSchema } },
});
const authErrors = {
  401: errorJson('Missing or invalid API key'),
  403: errorJson("The key's role may not do this"),
} as const;

const submit = createRoute({
  method: 'post',
  path: '/v1/consignments',
  tags: ['consignments'],
  summary: 'Decide the lane of low-value consignments (EU H7 / US de minimis) before loading',
  description:
    `A JSON object is one consignment, an array a batch of up to ${MAX_CONSIGNMENT_BATCH}. Each record is validated ` +
    'on its own (a bad one is a rejected line with its field errors), decided (release, hold for documents, ' +
    'inspect) and stored with its decision in one transaction for the batch. docs/ECOMMERCE.md.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/consignments')] as const,
  request: {
    body: {
      required: true,
      // Documentation only: validation is per record, in the service.
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/Consignment' },
              { type: 'array', items: { $ref: '#/components/schemas/Consignment' } },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'One line per record, in request order',
      content: { 'application/json': { schema: ResponseSchema } },
    },
    400: errorJson('The body is neither an object nor an array of them'),
    ...authErrors,
    413: errorJson(`The body is too large, or holds more than ${MAX_CONSIGNMENT_BATCH} consignments`),
    415: errorJson('The body is not application/json'),
  },
});

const read = createRoute({
  method: 'get',
  path: '/v1/consignments/{id}',
  tags: ['consignments'],
  summary: 'One stored consignment with its lane and reasons',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/consignments/{id}')] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'id', in: 'path' }, description: 'Consignment id (LRN)' }),
    }),
  },
  responses: {
    200: { description: 'The consignment', content: { 'application/json': { schema: StoredSchema } } },
    ...authErrors,
    404: errorJson('No such consignment in this administration'),
  },
});

async function bodyRecords(c: Context): Promise<InputRecord[]> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'send the consignments as application/json');
  }
  const text = decodeUtf8(Buffer.from(await c.req.arrayBuffer()));
  const first = /\S/.exec(text)?.[0];
  if (first !== '[' && first !== '{') {
    throw new HttpError(400, 'invalid_body', 'the body must be a consignment object or an array of them');
  }
  const records: InputRecord[] = [];
  for await (const record of readRecords([text], 'json')) {
    records.push(record);
    if (records.length > MAX_CONSIGNMENT_BATCH) {
      throw new HttpError(
        413,
        'payload_too_large',
        `a batch holds at most ${MAX_CONSIGNMENT_BATCH} consignments`,
      );
    }
  }
  const syntax = first === '{' ? records[0]?.errors?.find((e) => e.code === 'malformed_syntax') : undefined;
  if (syntax) throw new HttpError(400, 'invalid_json', syntax.message);
  return records;
}

/** `POST /v1/consignments` and `GET /v1/consignments/{id}`: the e-commerce lane (docs/ECOMMERCE.md). */
export function consignmentRoutes(deps: ConsignmentRouteDeps): RouteModule {
  return {
    name: 'consignments',
    register: (app) => {
      app.openAPIRegistry.register('Consignment', ConsignmentComponent);
      app.openapi(submit, async (c: Context<ApiEnv>) => {
        const records = await bodyRecords(c);
        const principal = c.get('principal');
        const results = await deps.service.assessConsignments(principal.administration, records, {
          actor: actorOf(principal),
        });
        const lanes = { release: 0, hold: 0, inspect: 0 };
        let rejected = 0;
        for (const line of results) {
          if ('rejected' in line) rejected++;
          else lanes[line.lane]++;
        }
        c.set('activity', { records: results.length, rejected, hold: lanes.hold, inspect: lanes.inspect });
        return c.json({ results, summary: { received: results.length, rejected, lanes } }, 200);
      });
      app.openapi(read, async (c) => {
        const stored = await deps.repository.getConsignment(
          c.get('principal').administration,
          c.req.valid('param').id,
        );
        return c.json(stored, 200);
      });
    },
  };
}

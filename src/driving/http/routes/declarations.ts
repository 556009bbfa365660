import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { InputRecord } from '../../../driven/input/input-record.ts';
import { readRecords } from '../../../driven/input/read-records.ts';
import { decodeUtf8 } from '../../../driven/input/text-chunks.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import type { BusIntake } from '../../../installation/bus-intake.ts';
import { actorOf } from '../api-key-auth.ts';
import {
  type AssessmentLineBody,
  type AssessmentResponse,
  AssessmentResponseSchema,
  DecisionSchema,
  DeclarationComponent,
  DeclarationDetailSchema,
  OutcomeBodySchema,
  OutcomeSchema,
  OverrideBodySchema,
} from '../declaration-schemas.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiEnv, type RouteModule } from '../route-module.ts';
import {
  DEFAULT_WAIT_SECONDS,
  MAX_WAIT_SECONDS,
  preferredWait,
  SubmissionsAcceptedSchema,
} from './submission-schemas.ts';

/** A line of the assessment service: accepted (with its decision) or rejected (with its errors). */
export type ServiceLine =
  | Omit<Extract<AssessmentLineBody, { channel: unknown }>, 'record'>
  | Extract<AssessmentLineBody, { rejected: true }>;

/**
 * The assessment pipeline as this route needs it: `createAssessmentService(...).assess` from
 * `src/app/assess.ts`. One line per record, in order; a bad record never affects the others.
 */
export type AssessRecords = (
  administration: string,
  records: readonly InputRecord[],
  opts: { source: string; actor: string },
) => Promise<ServiceLine[]>;

export interface DeclarationRoutesDeps {
  assess: AssessRecords;
  /**
   * The message bus's intake (`serve --nats`): records go on the intake stream and the cluster's
   * workers decide them; without it, this process decides them in the request.
   */
  intake?: BusIntake;
  store: Pick<DeclarationStore, 'getDeclaration' | 'recordOutcome' | 'overrideDecision'>;
}

/**
 * Records per request. The byte limit alone would let 10 MB of `{}` become millions of rejected
 * lines held in memory at once; real batches are far smaller (1,000 is a good size).
 */
export const MAX_BATCH = 10_000;

export const errorJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: ApiErrorSchema } },
});
export const authErrors = {
  401: errorJson('Missing or invalid API key'),
  403: errorJson("The key's role may not do this"),
} as const;

const IdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'Declaration id (LRN / MRN)',
      example: '97061800',
    }),
});

const submit = createRoute({
  method: 'post',
  path: '/v1/declarations',
  tags: ['declarations'],
  summary: 'Submit one declaration or a batch; each is validated, assessed and given a channel',
  description:
    'A JSON object is one declaration, a JSON array a batch. Records are read and validated one by one: ' +
    'a bad record (invalid, not valid JSON, invalid UTF-8, nested more than 32 levels, larger than 1 MiB) ' +
    'comes back as a rejected line with JSON-pointer errors and does not stop the others; `results` has ' +
    'one line per record, and a request that fails stores nothing. ' +
    'Resubmitting identical content is `unchanged`; changed content is a new version (`amended`).',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/declarations')] as const,
  request: {
    headers: z.object({
      prefer: z
        .string()
        .optional()
        .openapi({
          description:
            'Only with the message bus (`serve --nats`), RFC 7240: `respond-async` answers 202 at once with a ' +
            `tracking id per record; \`wait=N\` waits up to N seconds (at most ${MAX_WAIT_SECONDS}; default ` +
            `${DEFAULT_WAIT_SECONDS}) for the decisions. The server says what it applied in \`Preference-Applied\`.`,
          example: 'wait=10',
        }),
    }),
    body: {
      required: true,
      // A plain schema object, not zod: documentation only, so that validation stays per record
      // in the assessment service instead of failing the whole batch here.
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/Declaration' },
              { type: 'array', items: { $ref: '#/components/schemas/Declaration' } },
            ],
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Every record processed: one line per record, in request order',
      content: { 'application/json': { schema: AssessmentResponseSchema } },
    },
    202: {
      description:
        'Through the message bus: not every decision came within the wait (or `Prefer: respond-async`); ' +
        'one submission per record with its tracking id, decided ones with their line',
      content: { 'application/json': { schema: SubmissionsAcceptedSchema } },
    },
    400: errorJson(
      'The body is neither an object nor an array, or a single object that is not JSON; or `Prefer: wait` is not whole seconds',
    ),
    ...authErrors,
    413: errorJson(`The body is larger than the configured limit, or holds more than ${MAX_BATCH} records`),
    415: errorJson('The body is not application/json'),
  },
});

const read = createRoute({
  method: 'get',
  path: '/v1/declarations/{id}',
  tags: ['declarations'],
  summary: 'One declaration with its current decision and explanation, versions, history and outcomes',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/declarations/{id}')] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: {
      description: 'The declaration',
      content: { 'application/json': { schema: DeclarationDetailSchema } },
    },
    ...authErrors,
    404: errorJson('No such declaration in this administration'),
  },
});

const outcome = createRoute({
  method: 'post',
  path: '/v1/declarations/{id}/outcome',
  tags: ['declarations'],
  summary: 'Record what the inspection found (the label the model learns from)',
  description:
    '`fraud` defaults to true for a discrepancy or seizure and false otherwise; `critical` defaults to ' +
    'false. The officer is the identity of the API key.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/declarations/{id}/outcome')] as const,
  request: {
    params: IdParamsSchema,
    body: { required: true, content: { 'application/json': { schema: OutcomeBodySchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: OutcomeSchema } } },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
    404: errorJson('No such declaration in this administration'),
  },
});

const override = createRoute({
  method: 'post',
  path: '/v1/declarations/{id}/override',
  tags: ['declarations'],
  summary: "Change the channel of the current decision, with the officer's reason",
  description:
    'Creates a decision of kind `override` that keeps the engine explanation and points to the decision ' +
    'it replaces. 409 when another decision landed meanwhile: reload and retry.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/declarations/{id}/override')] as const,
  request: {
    params: IdParamsSchema,
    body: { required: true, content: { 'application/json': { schema: OverrideBodySchema } } },
  },
  responses: {
    201: {
      description: 'The new current decision',
      content: { 'application/json': { schema: DecisionSchema } },
    },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
    404: errorJson('No such declaration in this administration'),
    409: errorJson('The decision changed meanwhile'),
  },
});

/**
 * Reads the body as declaration records with the same reader as a JSON file: each element of an
 * array is parsed on its own, so a malformed, oversize or invalid-UTF-8 element is one rejected
 * line and the others go on. Only a body that is not an object or array at all, or a single
 * object that is not JSON, is a request-level error.
 */
async function bodyRecords(c: Context): Promise<InputRecord[]> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'send the declarations as application/json');
  }
  const text = decodeUtf8(Buffer.from(await c.req.arrayBuffer()));
  const first = /\S/.exec(text)?.[0];
  if (first !== '[' && first !== '{') {
    let isJson = true;
    try {
      JSON.parse(text);
    } catch {
      isJson = false;
    }
    throw isJson
      ? new HttpError(400, 'invalid_body', 'the body must be a declaration object or an array of them')
      : new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const records: InputRecord[] = [];
  for await (const record of readRecords([text], 'json')) {
    records.push(record);
    if (records.length > MAX_BATCH) {
      throw new HttpError(413, 'payload_too_large', `a batch holds at most ${MAX_BATCH} declarations`);
    }
  }
  const syntax = first === '{' ? records[0]?.errors?.find((e) => e.code === 'malformed_syntax') : undefined;
  if (syntax) throw new HttpError(400, 'invalid_json', syntax.message);
  return records;
}

function summarise(results: AssessmentLineBody[]): AssessmentResponse['summary'] {
  const channels = { green: 0, yellow: 0, red: 0 };
  let rejected = 0;
  for (const line of results) {
    if ('rejected' in line) rejected++;
    else channels[line.channel]++;
  }
  return { received: results.length, accepted: results.length - rejected, rejected, channels };
}

/**
 * `POST /v1/declarations` with the message bus: each record on the intake stream, then the
 * decisions awaited as long as `Prefer` allows. All in: the in-process mode's 200 answer; else 202
 * with a tracking id per record still pending.
 */
async function submitThroughBus(c: Context<ApiEnv>, intake: BusIntake, records: InputRecord[]) {
  const principal = c.get('principal');
  const wait = preferredWait(c.req.header('prefer'));
  const submissions = await intake.submit(principal.administration, records, {
    source: `api:${actorOf(principal)}`,
    waitMs: wait.seconds * 1000,
  });
  c.header('Preference-Applied', wait.applied);
  const pending = submissions.filter((s) => s.status === 'pending').length;
  if (pending === 0 && wait.seconds > 0) {
    const results = submissions.map((s) => ({ ...s.result!, record: s.record! }) as AssessmentLineBody);
    const summary = summarise(results);
    c.set('activity', { records: summary.received, rejected: summary.rejected, red: summary.channels.red });
    return c.json({ results, summary }, 200);
  }
  const rejected = submissions.filter((s) => s.status === 'rejected').length;
  c.set('activity', { records: submissions.length, rejected, pending });
  const body: z.infer<typeof SubmissionsAcceptedSchema> = {
    submissions: submissions.map((s) =>
      s.result
        ? { ...s, result: { ...s.result, record: s.record! } as AssessmentLineBody }
        : (s as Omit<typeof s, 'result'>),
    ),
    summary: {
      received: submissions.length,
      decided: submissions.length - pending - rejected,
      rejected,
      pending,
    },
  };
  return c.json(body, 202);
}

/**
 * `POST /v1/declarations`, `GET /v1/declarations/{id}`, `POST /v1/declarations/{id}/outcome` and
 * `POST /v1/declarations/{id}/override`.
 */
export function declarationRoutes(deps: DeclarationRoutesDeps): RouteModule {
  return {
    name: 'declarations',
    register: (app) => {
      app.openAPIRegistry.register('Declaration', DeclarationComponent);
      app.openapi(submit, async (c: Context<ApiEnv>) => {
        const records = await bodyRecords(c);
        const principal = c.get('principal');
        if (deps.intake) return submitThroughBus(c, deps.intake, records);
        const lines = await deps.assess(principal.administration, records, {
          source: 'api',
          actor: actorOf(principal),
        });
        const results = lines.map(
          (line, i): AssessmentLineBody =>
            'rejected' in line ? line : { record: records[i]!.record, ...line },
        );
        const summary = summarise(results);
        c.set('activity', {
          records: summary.received,
          rejected: summary.rejected,
          red: summary.channels.red,
        });
        return c.json({ results, summary }, 200);
      });
      app.openapi(read, async (c) => {
        const detail = await deps.store.getDeclaration(
          c.get('principal').administration,
          c.req.valid('param').id,
        );
        return c.json(detail, 200);
      });
      app.openapi(outcome, async (c) => {
        const principal = c.get('principal');
        const body = c.req.valid('json');
        const recorded = await deps.store.recordOutcome(
          principal.administration,
          c.req.valid('param').id,
          {
            result: body.result,
            fraud: body.fraud ?? body.result !== 'no_discrepancy',
            critical: body.critical ?? false,
            revenueRecovered: body.revenueRecovered ?? null,
            notes: body.notes ?? null,
          },
          actorOf(principal),
        );
        c.set('activity', { result: recorded.result });
        return c.json(recorded, 201);
      });
      app.openapi(override, async (c) => {
        const principal = c.get('principal');
        const decision = await deps.store.overrideDecision(
          principal.administration,
          c.req.valid('param').id,
          c.req.valid('json'),
          actorOf(principal),
        );
        c.set('activity', { channel: decision.channel });
        return c.json(decision, 201);
      });
    },
  };
}

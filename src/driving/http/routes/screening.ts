import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { ZodError } from 'zod';
import type { ScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { LIST_SOURCES } from '../../../core/screening/entity.ts';
import { parseQueryDate } from '../../../core/screening/evidence.ts';
import {
  DEFAULT_THRESHOLDS,
  QUERY_TYPES,
  type ScreeningHit,
  type ScreeningQuery,
} from '../../../core/screening/screen.ts';
import { matchOf } from '../../../core/screening/signals.ts';
import type { CountryResolver } from '../../../driven/lists/country-resolver.ts';
import {
  inThreadScreener,
  type PartyScreener,
  ScreeningPoolBusyError,
} from '../../../driven/lists/screening-pool.ts';
import {
  type AdjudicationResult,
  type GoodParty,
  HIT_STATUSES,
  needsFourEyes,
  type ScreeningStore,
  type StoredAdjudication,
  type StoredHit,
  VERDICTS,
} from '../../../driven/store/screening-store.ts';
import { SCREEN_LIMITS } from '../../../installation/config.ts';
import { actorOf } from '../api-key-auth.ts';
import { validationFailed } from '../app.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { ROUTE_ACCESS, requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp, type RouteModule } from '../route-module.ts';

/**
 * What the screening routes need: the live index (swapped on list updates), the store, country
 * names. Hits, adjudications and good parties are always those of the caller's administration.
 */
export interface ScreeningRouteDeps {
  /** The current index; a function so a list update can swap it without re-registering routes. */
  index: () => ScreeningIndex;
  /**
   * Scores the parties of `POST /v1/screen`: `greenlane serve` passes its worker pool so that
   * scoring stays off the event loop; in this thread over `index` when absent (tests).
   */
  screener?: PartyScreener;
  store: ScreeningStore;
  resolveCountry: CountryResolver;
  /** Reads the administration's good-party list again before a screening (see `loadScreeningContext`). */
  refresh?: (administration: string) => Promise<void>;
  /** The administration's good-party check; nothing is cleared when absent. */
  isCleared?: (administration: string, query: ScreeningQuery, hit: ScreeningHit) => boolean;
  /** Records parties and hits of API screenings for the administration (adjudication, delta screening). */
  recordHits?: (administration: string, query: ScreeningQuery, hits: ScreeningHit[]) => Promise<void>;
  /** Called after an adjudication or a confirmation is stored (the server appends it to the transparency log). */
  onAdjudicated?: (
    result: AdjudicationResult,
    verdict: string,
    analyst: string,
    note: string,
  ) => Promise<void>;
}

const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ApiErrorSchema } } },
  401: {
    description: 'Missing or invalid API key',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
  403: {
    description: 'The key may not do this',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
};

export const ScreenPartySchema = z
  .strictObject({
    id: z.string().trim().min(1).max(100).optional(),
    name: z
      .string()
      .trim()
      .max(SCREEN_LIMITS.maxNameLength, `a name may have at most ${SCREEN_LIMITS.maxNameLength} characters`)
      .default(''),
    type: z.enum(QUERY_TYPES).default('any'),
    country: z
      .string()
      .trim()
      .max(100)
      .optional()
      .openapi({ description: 'ISO 3166-1 alpha-2 code or country name' }),
    dob: z
      .string()
      .trim()
      .refine((d) => parseQueryDate(d) !== undefined, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
      .optional(),
    imo: z
      .string()
      .trim()
      .regex(/^(IMO\s*)?\d{7}$/i, 'must be a 7-digit IMO number')
      .optional(),
  })
  .refine((p) => p.name !== '' || p.imo !== undefined, { message: 'name or imo is required' })
  .openapi('ScreenParty');

const ScreenBatchSchema = z.strictObject({
  parties: z
    .array(ScreenPartySchema)
    .min(1, 'give at least one party')
    .max(
      SCREEN_LIMITS.maxParties,
      `a request may screen at most ${SCREEN_LIMITS.maxParties} parties; split the batch`,
    ),
});

const ScreenRequestSchema = z.union([ScreenPartySchema, ScreenBatchSchema]).openapi('ScreenRequest');

/**
 * A union reports the issues of whichever branch zod finds closest, so a batch of too many parties
 * came back as "unrecognized key parties". An invalid body is parsed again with the branch it
 * means (a batch when it has `parties`), so the error names the field and the limit it breaks.
 */
function screenRequestFailed(result: { success: boolean; data?: unknown; error?: ZodError }): undefined {
  if (result.success || !result.error) return undefined;
  const { data } = result;
  const isBatch = typeof data === 'object' && data !== null && 'parties' in data;
  const again = (isBatch ? ScreenBatchSchema : ScreenPartySchema).safeParse(data);
  throw validationFailed(again.error ?? result.error);
}

/** The one roles table of `POST /v1/screen` (see docs/API.md for why `ingest` is not in it). */
export const SCREEN_ROLES = ROUTE_ACCESS['POST /v1/screen'].roles;

const screenBodyLimit = bodyLimit({
  maxSize: SCREEN_LIMITS.maxBodyBytes,
  onError: () => {
    throw new HttpError(
      413,
      'payload_too_large',
      `the request body of POST /v1/screen may have at most ${SCREEN_LIMITS.maxBodyBytes} bytes ` +
        `(${SCREEN_LIMITS.maxParties} parties); split the batch`,
    );
  },
});

const HitSchema = z
  .object({
    list: z.enum(LIST_SOURCES),
    entityId: z.string().openapi({ description: "The list's own identifier of the entry" }),
    ids: z.array(z.string()).openapi({
      description:
        "Every list's id of the same party (`list:entityId`), as the lists' cross references (UN reference numbers in UK and EU entries, OFAC UIDs in UK entries) link them; one hit per party",
      example: ['un:IQi.001', 'uk:IRQ0001'],
    }),
    name: z.string(),
    matchedName: z.string(),
    score: z.number(),
    decision: z.enum(['match', 'review']),
    reasons: z.array(z.string()),
    version: z.string().openapi({ description: 'List version the entry comes from' }),
  })
  .openapi('ScreeningHit');

const ScreenResponseSchema = z
  .object({
    results: z.array(z.object({ id: z.string().nullable(), matches: z.array(HitSchema) })),
    thresholds: z.object({ match: z.number(), review: z.number() }),
    versions: z.array(z.string()),
  })
  .openapi('ScreenResponse');

const StoredHitSchema = z
  .object({
    id: z.string(),
    query: z.record(z.string(), z.unknown()),
    list: z.string(),
    entityId: z.string(),
    versionId: z.string(),
    score: z.number(),
    nameScore: z.number().openapi({ description: 'Name score before evidence; 1 is an exact name match' }),
    decision: z.string(),
    reasons: z.array(z.string()),
    status: z.enum(HIT_STATUSES).openapi({
      description:
        '`pending_clearance`: cleared by one analyst, waiting for a second (four-eyes); the hit keeps its effect',
    }),
    fourEyes: z.boolean().openapi({
      description:
        'Clearing it needs two analysts: an exact name match (or IMO number) or a UN-listed entity',
    }),
    cause: z.enum(['screen', 'delta']),
    raisedAt: z.string(),
  })
  .openapi('StoredScreeningHit');

const AdjudicationSchema = z
  .object({
    id: z.string(),
    verdict: z.enum(VERDICTS),
    stage: z.enum(['final', 'pending', 'confirmation']),
    analyst: z.string(),
    note: z.string(),
    decidedAt: z.string(),
  })
  .openapi('ScreeningAdjudication');

const AdjudicationResultSchema = z
  .object({
    adjudicationId: z.string(),
    stage: z.enum(['final', 'pending', 'confirmation']).openapi({
      description: '`pending`: a clearance that a second analyst of the administration must confirm',
    }),
    hit: StoredHitSchema,
  })
  .openapi('ScreeningAdjudicationResult');

const GoodPartySchema = z
  .object({
    query: z.record(z.string(), z.unknown()),
    list: z.string(),
    entityId: z.string(),
    adjudicationId: z.string(),
    clearedAt: z.string(),
  })
  .openapi('ScreeningGoodParty');

const notFound = {
  404: {
    description: 'No such hit in the caller’s administration',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
};
const conflict = {
  409: {
    description: 'The hit is not in a state for this (already cleared, nothing pending, same analyst)',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
};
const HitIdParams = z.object({ id: z.string().min(1).max(100) });

const screenRoute = createRoute({
  method: 'post',
  path: '/v1/screen',
  tags: ['screening'],
  summary: 'Screen one party, or a batch (`{"parties":[...]}`), against the UN, OFAC, EU and UK lists',
  description:
    `At most ${SCREEN_LIMITS.maxParties} parties per request, names of at most ` +
    `${SCREEN_LIMITS.maxNameLength} characters, bodies of at most ${SCREEN_LIMITS.maxBodyBytes} bytes. ` +
    `Roles: ${SCREEN_ROLES.join(', ')}. Limited per API key (429 with \`Retry-After\`).`,
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/screen'), screenBodyLimit] as const,
  request: { body: { content: { 'application/json': { schema: ScreenRequestSchema } }, required: true } },
  responses: {
    200: {
      description: 'Matches at or above the review threshold, best first',
      content: { 'application/json': { schema: ScreenResponseSchema } },
    },
    ...errors,
    413: {
      description: `The body has more than ${SCREEN_LIMITS.maxBodyBytes} bytes`,
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
    503: {
      description: 'The screening workers are busy with other requests; `Retry-After` says when to retry',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
  },
});

const hitsRoute = createRoute({
  method: 'get',
  path: '/v1/screening/hits',
  tags: ['screening'],
  summary: 'Screening hits of the caller’s administration, newest first',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/screening/hits')] as const,
  request: {
    query: z.strictObject({
      status: z.enum(HIT_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Hits',
      content: { 'application/json': { schema: z.object({ items: z.array(StoredHitSchema) }) } },
    },
    ...errors,
  },
});

const hitRoute = createRoute({
  method: 'get',
  path: '/v1/screening/hits/{id}',
  tags: ['screening'],
  summary: 'One hit of the caller’s administration, with its adjudications',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/screening/hits/{id}')] as const,
  request: { params: HitIdParams },
  responses: {
    200: {
      description: 'The hit',
      content: {
        'application/json': {
          schema: z.object({ hit: StoredHitSchema, adjudications: z.array(AdjudicationSchema) }),
        },
      },
    },
    ...notFound,
    ...errors,
  },
});

const adjudicateRoute = createRoute({
  method: 'post',
  path: '/v1/screening/hits/{id}/adjudication',
  tags: ['screening'],
  summary:
    'Mark a hit true or false positive; a false positive clears the party-entity pair for the caller’s administration until either changes. Clearing an exact name match or a UN-listed entity is only pending until a second analyst confirms it',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/screening/hits/{id}/adjudication')] as const,
  request: {
    params: HitIdParams,
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({ verdict: z.enum(VERDICTS), note: z.string().max(2000).default('') }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'The adjudicated hit',
      content: { 'application/json': { schema: AdjudicationResultSchema } },
    },
    ...notFound,
    ...conflict,
    ...errors,
  },
});

const confirmRoute = createRoute({
  method: 'post',
  path: '/v1/screening/hits/{id}/confirmation',
  tags: ['screening'],
  summary:
    'Confirm a pending clearance (four-eyes): a different analyst key of the same administration puts the pair on the good-party list',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/screening/hits/{id}/confirmation')] as const,
  request: {
    params: HitIdParams,
    body: {
      content: { 'application/json': { schema: z.strictObject({ note: z.string().max(2000).default('') }) } },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'The cleared hit',
      content: { 'application/json': { schema: AdjudicationResultSchema } },
    },
    ...notFound,
    ...conflict,
    ...errors,
  },
});

const goodPartiesRoute = createRoute({
  method: 'get',
  path: '/v1/screening/good-parties',
  tags: ['screening'],
  summary: 'The caller’s administration’s good-party list (cleared party-entity pairs), newest first',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/screening/good-parties')] as const,
  request: {
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  },
  responses: {
    200: {
      description: 'Good parties',
      content: { 'application/json': { schema: z.object({ items: z.array(GoodPartySchema) }) } },
    },
    ...errors,
  },
});

const versionsRoute = createRoute({
  method: 'get',
  path: '/v1/screening/lists',
  tags: ['screening'],
  summary: 'Stored sanctions list versions (dated, hashed), newest first, and those in the live index',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/screening/lists')] as const,
  responses: {
    200: {
      description: 'List versions',
      content: {
        'application/json': {
          schema: z.object({
            live: z.array(z.string()),
            stored: z.array(
              z.object({
                id: z.string(),
                list: z.string(),
                publishedOn: z.string(),
                sha256: z.string(),
                origin: z.array(z.string()),
                entityCount: z.number(),
                loadedAt: z.string(),
                loadedBy: z.string(),
              }),
            ),
          }),
        },
      },
    },
    ...errors,
  },
});

/** A stored hit without the internal keys (fingerprints) that the good-party list uses. */
function publicHit(h: StoredHit) {
  return {
    id: h.id,
    query: h.query as unknown as Record<string, unknown>,
    list: h.list,
    entityId: h.entityId,
    versionId: h.versionId,
    score: h.score,
    nameScore: h.nameScore,
    decision: h.decision,
    reasons: h.reasons,
    status: h.status,
    fourEyes: needsFourEyes(h),
    cause: h.cause,
    raisedAt: h.raisedAt,
  };
}

/** An adjudication without the API key id of the analyst (the name already says who). */
function publicAdjudication(a: StoredAdjudication) {
  return {
    id: a.id,
    verdict: a.verdict,
    stage: a.stage,
    analyst: a.analyst,
    note: a.note,
    decidedAt: a.decidedAt,
  };
}

function publicGoodParty(g: GoodParty) {
  return {
    query: g.query as unknown as Record<string, unknown>,
    list: g.list,
    entityId: g.entityId,
    adjudicationId: g.adjudicationId,
    clearedAt: g.clearedAt,
  };
}

/**
 * Screens parties for an administration as `POST /v1/screen` does: the administration's good
 * parties left out, hits recorded for adjudication; one list of matches per query, in order.
 * Busy workers are a 503 with `Retry-After`. Cash declarations screen their traveller with it.
 */
export async function screenParties(
  deps: ScreeningRouteDeps,
  screener: PartyScreener,
  admin: string,
  queries: readonly ScreeningQuery[],
) {
  const found = await screener.screen(queries).catch((err: unknown) => {
    if (err instanceof ScreeningPoolBusyError)
      throw new HttpError(503, 'unavailable', 'the screening workers are busy; retry in a few seconds', [], {
        headers: { 'Retry-After': '2' },
        cause: err,
      });
    throw err;
  });
  const results = [];
  for (const [i, query] of queries.entries()) {
    const hits = found[i]!.filter((h) => !deps.isCleared?.(admin, query, h));
    await deps.recordHits?.(admin, query, hits);
    results.push(hits.map((h) => ({ ...matchOf(h), version: h.version })));
  }
  return results;
}

/** Adds the screening endpoints to an app (see {@link screeningRoutes} for the module form). */
export function registerScreeningRoutes(app: ApiApp, deps: ScreeningRouteDeps): void {
  const screener = deps.screener ?? inThreadScreener(deps.index);
  app.openapi(
    screenRoute,
    async (c) => {
      const body = c.req.valid('json');
      const parties = 'parties' in body ? body.parties : [body];
      const admin = c.get('principal').administration;
      await deps.refresh?.(admin);
      const index = deps.index();
      const queries = parties.map((p, i): ScreeningQuery => {
        const country = p.country ? deps.resolveCountry(p.country) : undefined;
        if (p.country && !country) {
          const path = 'parties' in body ? `/parties/${i}/country` : '/country';
          throw new HttpError(400, 'validation_failed', `unknown country "${p.country}"`, [
            { path, code: 'unknown_country', message: `unknown country "${p.country}"` },
          ]);
        }
        return {
          ...(p.id ? { id: p.id } : {}),
          name: p.name,
          type: p.type,
          ...(country ? { country } : {}),
          ...(p.dob ? { dob: p.dob } : {}),
          ...(p.imo ? { imo: p.imo.replace(/\D/g, '') } : {}),
        };
      });
      const found = await screenParties(deps, screener, admin, queries);
      const results = found.map((matches, i) => ({ id: parties[i]!.id ?? null, matches }));
      return c.json({ results, thresholds: DEFAULT_THRESHOLDS, versions: index.versions }, 200);
    },
    (result) => screenRequestFailed(result),
  );
  app.openapi(hitsRoute, async (c) => {
    const q = c.req.valid('query');
    const admin = c.get('principal').administration;
    const items = await deps.store.hits(admin, { ...(q.status ? { status: q.status } : {}), limit: q.limit });
    return c.json({ items: items.map(publicHit) }, 200);
  });
  app.openapi(hitRoute, async (c) => {
    const { id } = c.req.valid('param');
    const admin = c.get('principal').administration;
    const hit = await deps.store.hit(admin, id);
    const adjudications = await deps.store.adjudications(admin, id);
    return c.json({ hit: publicHit(hit), adjudications: adjudications.map(publicAdjudication) }, 200);
  });
  app.openapi(adjudicateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { verdict, note } = c.req.valid('json');
    const principal = c.get('principal');
    const analyst = actorOf(principal);
    const result = await deps.store.adjudicate(principal.administration, id, verdict, {
      analyst,
      analystKey: principal.keyId,
      note,
    });
    await deps.onAdjudicated?.(result, verdict, analyst, note ?? '');
    return c.json({ ...result, hit: publicHit(result.hit) }, 200);
  });
  app.openapi(confirmRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { note } = c.req.valid('json');
    const principal = c.get('principal');
    const analyst = actorOf(principal);
    const result = await deps.store.confirmClearance(principal.administration, id, {
      analyst,
      analystKey: principal.keyId,
      note,
    });
    await deps.onAdjudicated?.(result, 'false_positive', analyst, note ?? '');
    return c.json({ ...result, hit: publicHit(result.hit) }, 200);
  });
  app.openapi(goodPartiesRoute, async (c) => {
    const { limit } = c.req.valid('query');
    const items = await deps.store.goodParties(c.get('principal').administration, { limit });
    return c.json({ items: items.map(publicGoodParty) }, 200);
  });
  app.openapi(versionsRoute, async (c) => {
    return c.json({ live: deps.index().versions, stored: await deps.store.listVersions() }, 200);
  });
}

/**
 * The screening route module for `greenlaneRoutes` (src/driving/http/routes/index.ts):
 * `POST /v1/screen`, `GET /v1/screening/hits`, `GET /v1/screening/hits/{id}`,
 * `POST /v1/screening/hits/{id}/adjudication`, `POST /v1/screening/hits/{id}/confirmation`,
 * `GET /v1/screening/good-parties`, `GET /v1/screening/lists`.
 */
export function screeningRoutes(deps: ScreeningRouteDeps): RouteModule {
  return { name: 'screening', register: (app) => registerScreeningRoutes(app, deps) };
}

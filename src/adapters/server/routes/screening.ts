import { createRoute, z } from '@hono/zod-openapi';
import type { ScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { LIST_SOURCES } from '../../../core/screening/entity.ts';
import { parseQueryDate } from '../../../core/screening/evidence.ts';
import {
  DEFAULT_THRESHOLDS,
  QUERY_TYPES,
  type ScreeningHit,
  type ScreeningQuery,
} from '../../../core/screening/screen.ts';
import { matchOf, screenUncleared } from '../../../core/screening/signals.ts';
import type { CountryResolver } from '../../lists/country-resolver.ts';
import { type ScreeningStore, type StoredHit, VERDICTS } from '../../store/screening-store.ts';
import { actorOf } from '../api-key-auth.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp, type RouteModule } from '../route-module.ts';

/** What the screening routes need: the live index (swapped on list updates), the store, country names. */
export interface ScreeningRouteDeps {
  /** The current index; a function so a list update can swap it without re-registering routes. */
  index: () => ScreeningIndex;
  store: ScreeningStore;
  resolveCountry: CountryResolver;
  /** Good-party check (see `openScreeningContext`); nothing is cleared when absent. */
  isCleared?: (query: ScreeningQuery, hit: ScreeningHit) => boolean;
  /** Records parties and hits of API screenings (for adjudication and delta screening). */
  recordHits?: (query: ScreeningQuery, hits: ScreeningHit[]) => Promise<void>;
  /** Called after an adjudication is stored (the server appends it to the transparency log). */
  onAdjudicated?: (
    result: { adjudicationId: string; hit: StoredHit },
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
    name: z.string().trim().max(500).default(''),
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

const ScreenRequestSchema = z
  .union([ScreenPartySchema, z.strictObject({ parties: z.array(ScreenPartySchema).min(1).max(1000) })])
  .openapi('ScreenRequest');

const HitSchema = z
  .object({
    list: z.enum(LIST_SOURCES),
    entityId: z.string().openapi({ description: "The list's own identifier of the entry" }),
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
    decision: z.string(),
    reasons: z.array(z.string()),
    status: z.enum(['open', ...VERDICTS]),
    cause: z.enum(['screen', 'delta']),
    raisedAt: z.string(),
  })
  .openapi('StoredScreeningHit');

const screenRoute = createRoute({
  method: 'post',
  path: '/v1/screen',
  tags: ['screening'],
  summary: 'Screen one party, or a batch (`{"parties":[...]}`), against the UN, OFAC, EU and UK lists',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/screen')] as const,
  request: { body: { content: { 'application/json': { schema: ScreenRequestSchema } }, required: true } },
  responses: {
    200: {
      description: 'Matches at or above the review threshold, best first',
      content: { 'application/json': { schema: ScreenResponseSchema } },
    },
    ...errors,
  },
});

const hitsRoute = createRoute({
  method: 'get',
  path: '/v1/screening/hits',
  tags: ['screening'],
  summary: 'Stored screening hits, newest first',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/screening/hits')] as const,
  request: {
    query: z.strictObject({
      status: z.enum(['open', ...VERDICTS]).optional(),
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

const adjudicateRoute = createRoute({
  method: 'post',
  path: '/v1/screening/hits/{id}/adjudication',
  tags: ['screening'],
  summary:
    'Mark a hit true or false positive; a false positive clears the party-entity pair until either changes',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/screening/hits/{id}/adjudication')] as const,
  request: {
    params: z.object({ id: z.string().min(1).max(100) }),
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
      content: {
        'application/json': { schema: z.object({ adjudicationId: z.string(), hit: StoredHitSchema }) },
      },
    },
    404: { description: 'No such hit', content: { 'application/json': { schema: ApiErrorSchema } } },
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
    decision: h.decision,
    reasons: h.reasons,
    status: h.status,
    cause: h.cause,
    raisedAt: h.raisedAt,
  };
}

/** Adds the screening endpoints to an app (see {@link screeningRoutes} for the module form). */
export function registerScreeningRoutes(app: ApiApp, deps: ScreeningRouteDeps): void {
  app.openapi(screenRoute, async (c) => {
    const body = c.req.valid('json');
    const parties = 'parties' in body ? body.parties : [body];
    const index = deps.index();
    const results = [];
    for (const p of parties) {
      const country = p.country ? deps.resolveCountry(p.country) : undefined;
      if (p.country && !country) {
        throw new HttpError(400, 'validation_failed', `unknown country "${p.country}"`, [
          { path: '/country', code: 'unknown_country', message: `unknown country "${p.country}"` },
        ]);
      }
      const query: ScreeningQuery = {
        ...(p.id ? { id: p.id } : {}),
        name: p.name,
        type: p.type,
        ...(country ? { country } : {}),
        ...(p.dob ? { dob: p.dob } : {}),
        ...(p.imo ? { imo: p.imo.replace(/\D/g, '') } : {}),
      };
      const hits = screenUncleared(query, index, deps.isCleared ? { isCleared: deps.isCleared } : {});
      await deps.recordHits?.(query, hits);
      results.push({
        id: p.id ?? null,
        matches: hits.map((h) => ({ ...matchOf(h), version: h.version })),
      });
    }
    return c.json({ results, thresholds: DEFAULT_THRESHOLDS, versions: index.versions }, 200);
  });
  app.openapi(hitsRoute, async (c) => {
    const q = c.req.valid('query');
    const items = await deps.store.hits({ ...(q.status ? { status: q.status } : {}), limit: q.limit });
    return c.json({ items: items.map(publicHit) }, 200);
  });
  app.openapi(adjudicateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { verdict, note } = c.req.valid('json');
    const analyst = actorOf(c.get('principal'));
    const result = await deps.store.adjudicate(id, verdict, analyst, note);
    await deps.onAdjudicated?.(result, verdict, analyst, note ?? '');
    return c.json({ adjudicationId: result.adjudicationId, hit: publicHit(result.hit) }, 200);
  });
  app.openapi(versionsRoute, async (c) => {
    return c.json({ live: deps.index().versions, stored: await deps.store.listVersions() }, 200);
  });
}

/**
 * The screening route module for `greenlaneRoutes` (src/adapters/server/routes/index.ts):
 * `POST /v1/screen`, `GET /v1/screening/hits`, `POST /v1/screening/hits/{id}/adjudication`,
 * `GET /v1/screening/lists`.
 */
export function screeningRoutes(deps: ScreeningRouteDeps): RouteModule {
  return { name: 'screening', register: (app) => registerScreeningRoutes(app, deps) };
}

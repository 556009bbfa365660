import { createRoute, z } from '@hono/zod-openapi';
import { AlertContentSchema } from '../../../core/sharing/alert.ts';
import {
  CASH_STATUSES,
  type CashDeclaration,
  CashDeclarationSchema,
  cashAlertDraft,
  cashScreeningQueries,
  isSeizable,
} from '../../../core/sharing/cash-declaration.ts';
import { inThreadScreener } from '../../../driven/lists/screening-pool.ts';
import type { CashScreening, StoredCashDeclaration } from '../../../driven/store/sharing-records.ts';
import { actorOf } from '../api-key-auth.ts';
import { ApiErrorSchema } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp } from '../route-module.ts';
import { screenParties } from './screening.ts';
import {
  CONFLICT,
  DayParam,
  LimitParam,
  NOT_FOUND,
  ObjectIdParams,
  readerOf,
  SHARING_ERRORS,
  type SharingRouteDeps,
} from './sharing-support.ts';

/**
 * The declaration as an officer submits it: `administration` and `id` may be left out. The
 * cross-field rules (a false declaration's declared amount, a suspicion's grounds) are the
 * core's, checked by the store with the field named.
 */
const CashInputSchema = z
  .strictObject(CashDeclarationSchema.shape)
  .partial({ id: true, administration: true })
  .openapi('CashDeclarationInput', {
    description:
      'FATF Recommendation 32 (docs/SHARING.md). `falsely-declared` needs `declaredAmount`, `suspicious` needs `grounds`.',
  });

const CashResultSchema = z
  .object({
    declaration: CashDeclarationSchema.clone(),
    seizureId: z.string().nullable().openapi({ description: 'The seizure derived from a seizable movement' }),
    screening: z
      .object({
        status: z.enum(['screened', 'not-screened']),
        reason: z.string().optional(),
        results: z.array(z.object({ id: z.string(), matches: z.array(z.record(z.string(), z.unknown())) })),
      })
      .nullable()
      .openapi({
        description: 'The traveller (and principal) screened against the lists; null for a plain declaration',
      }),
    alertDraft: z
      .object({ countries: z.array(z.string()), content: AlertContentSchema.clone() })
      .nullable()
      .openapi({
        description:
          'The alert for the other countries on the route (AMBER+STRICT, 30 days), for an analyst to review and issue; null for a plain declaration',
      }),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('CashDeclarationResult');

const recordRoute = createRoute({
  method: 'post',
  path: '/v1/cash-declarations',
  tags: ['sharing'],
  summary:
    'Record a cash or bearer-negotiable-instrument declaration; an undeclared, false or suspicious one derives a seizure, a traveller screening and an alert draft',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/cash-declarations')] as const,
  request: { body: { content: { 'application/json': { schema: CashInputSchema } }, required: true } },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: CashResultSchema } } },
    ...SHARING_ERRORS,
    ...CONFLICT('A cash declaration (or its derived seizure) with this id is already recorded'),
    503: {
      description: 'The screening workers are busy; `Retry-After` says when to retry',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/cash-declarations',
  tags: ['sharing'],
  summary: 'The administration’s cash declarations, newest first (each read is logged: they name travellers)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/cash-declarations')] as const,
  request: {
    query: z.strictObject({
      from: DayParam.optional(),
      to: DayParam.optional(),
      status: z.enum(CASH_STATUSES).optional(),
      limit: LimitParam,
    }),
  },
  responses: {
    200: {
      description: 'Cash declarations',
      content: { 'application/json': { schema: z.object({ items: z.array(CashResultSchema) }) } },
    },
    ...SHARING_ERRORS,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/cash-declarations/{id}',
  tags: ['sharing'],
  summary: 'One cash declaration with its seizure, screening and alert draft (the read is logged)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/cash-declarations/{id}')] as const,
  request: { params: ObjectIdParams },
  responses: {
    200: { description: 'The declaration', content: { 'application/json': { schema: CashResultSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('cash declaration'),
  },
});

/** The reporting country: the first two letters of a customs office code (COL), else the administration's id. */
function countryOf(cash: CashDeclaration): string {
  return /^[A-Z]{2}/.test(cash.office) ? cash.office.slice(0, 2) : cash.administration;
}

/** What a stored declaration shows: the draft is derived again, valid from when it was recorded. */
function result(stored: StoredCashDeclaration) {
  const cash = stored.declaration;
  return {
    ...stored,
    alertDraft: isSeizable(cash) ? cashAlertDraft(cash, countryOf(cash), Date.parse(stored.createdAt)) : null,
  };
}

/** `POST|GET /v1/cash-declarations`, `GET /v1/cash-declarations/{id}`. */
export function registerCashDeclarationRoutes(app: ApiApp, deps: SharingRouteDeps): void {
  const screening = deps.screening;
  const screener = screening ? (screening.screener ?? inThreadScreener(screening.index)) : undefined;
  const screenTraveller = async (admin: string, cash: CashDeclaration): Promise<CashScreening> => {
    if (!screening || !screener) {
      return { status: 'not-screened', reason: 'this installation does not screen parties', results: [] };
    }
    await screening.refresh?.(admin);
    const queries = cashScreeningQueries(cash);
    const found = await screenParties(screening, screener, admin, queries);
    return { status: 'screened', results: queries.map((q, i) => ({ id: q.id ?? '', matches: found[i]! })) };
  };

  app.openapi(recordRoute, async (c) => {
    const principal = c.get('principal');
    const admin = principal.administration;
    const cash = deps.cash.parse(admin, c.req.valid('json'));
    const screened = isSeizable(cash) ? await screenTraveller(admin, cash) : null;
    const { stored } = await deps.cash.record(admin, cash, screened, actorOf(principal));
    await deps.onLogged?.();
    return c.json(result(stored), 201);
  });
  app.openapi(listRoute, async (c) => {
    const { limit, from, to, status } = c.req.valid('query');
    const principal = c.get('principal');
    const items = await deps.cash.list(
      principal.administration,
      { limit, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(status ? { status } : {}) },
      readerOf(principal, 'GET /v1/cash-declarations'),
    );
    return c.json({ items: items.map(result) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    const stored = await deps.cash.get(
      principal.administration,
      id,
      readerOf(principal, 'GET /v1/cash-declarations/{id}'),
    );
    return c.json(result(stored), 200);
  });
}

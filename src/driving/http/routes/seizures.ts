import { createRoute, z } from '@hono/zod-openapi';
import {
  GlobalSeizureReportSchema,
  RELEASE_FORMS,
  releaseForm,
} from '../../../core/sharing/release-policy.ts';
import { SEIZURE_CATEGORIES, SeizureReportSchema } from '../../../core/sharing/seizure.ts';
import { bodyHandling } from '../../../core/sharing/shared-bodies.ts';
import { partyName } from '../../../core/sharing/shared-fields.ts';
import { TLP_CODES } from '../../../core/sharing/tlp.ts';
import { actorOf } from '../api-key-auth.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp } from '../route-module.ts';
import {
  CONFLICT,
  DayParam,
  LimitParam,
  NOT_FOUND,
  ObjectIdParams,
  readerOf,
  requireOutbox,
  SHARING_ERRORS,
  ShareReceiptSchema,
  type SharingRouteDeps,
  shareThrough,
  UNAVAILABLE,
} from './sharing-support.ts';

/** The national record as an officer submits it: the administration and the id may be left out. */
const SeizureInputSchema = SeizureReportSchema.partial({ id: true, administration: true }).openapi(
  'SeizureInput',
  {
    description:
      'A seizure report (docs/SHARING.md). `administration` is the key’s (any other is refused); `id` is generated when absent. ' +
      '`declarationId` must be one of the administration’s own declarations.',
  },
);

const StoredSeizureSchema = z
  .object({
    source: z.string().openapi({ description: '`local`, or the partner that shared it' }),
    form: z.enum(RELEASE_FORMS),
    handling: z
      .enum(TLP_CODES)
      .nullable()
      .openapi({ description: 'TLP code it arrived under; null for own records' }),
    report: z.union([SeizureReportSchema.clone(), GlobalSeizureReportSchema.clone()]),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('StoredSeizure');

const FormQuery = z.enum(RELEASE_FORMS).default('global').openapi({
  description:
    '`global` (CEN: no personal field) or `national` (nCEN: the whole record; each one returned that names persons or companies is written to the audit log)',
});

const recordRoute = createRoute({
  method: 'post',
  path: '/v1/seizures',
  tags: ['sharing'],
  summary: 'Record a seizure (the national record), from an inspection outcome or on its own',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/seizures')] as const,
  request: { body: { content: { 'application/json': { schema: SeizureInputSchema } }, required: true } },
  responses: {
    201: {
      description: 'Recorded, with its pending transparency-log entry',
      content: {
        'application/json': { schema: z.object({ id: z.string(), report: SeizureReportSchema.clone() }) },
      },
    },
    ...SHARING_ERRORS,
    ...CONFLICT('A seizure with this id is already recorded'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/seizures',
  tags: ['sharing'],
  summary: 'The administration’s seizures (own and received), newest first',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/seizures')] as const,
  request: {
    query: z.strictObject({
      form: FormQuery,
      from: DayParam.optional(),
      to: DayParam.optional(),
      category: z.enum(SEIZURE_CATEGORIES).optional(),
      source: z
        .string()
        .max(100)
        .optional()
        .openapi({ description: '`local`, `received` or a partner name' }),
      limit: LimitParam,
    }),
  },
  responses: {
    200: {
      description: 'Seizures',
      content: { 'application/json': { schema: z.object({ items: z.array(StoredSeizureSchema) }) } },
    },
    ...SHARING_ERRORS,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/seizures/{id}',
  tags: ['sharing'],
  summary: 'One seizure, in the global or national form',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/seizures/{id}')] as const,
  request: {
    params: ObjectIdParams,
    query: z.strictObject({
      form: FormQuery,
      source: z
        .string()
        .max(100)
        .optional()
        .openapi({ description: 'the partner that shared it; default own' }),
    }),
  },
  responses: {
    200: { description: 'The seizure', content: { 'application/json': { schema: StoredSeizureSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('seizure'),
  },
});

const ShareBodySchema = z
  .strictObject({
    to: z.array(partyName).min(1, 'name at least one partner').max(100),
    form: z.enum(RELEASE_FORMS).default('global'),
    handling: z.enum(TLP_CODES),
  })
  .openapi('SeizureShare', {
    description: 'The national form travels only under AMBER+STRICT or RED, to partners national law allows.',
  });

const shareRoute = createRoute({
  method: 'post',
  path: '/v1/seizures/{id}/share',
  tags: ['sharing'],
  summary: 'Share an own seizure with partners (federation item of kind `seizure`)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/seizures/{id}/share')] as const,
  request: {
    params: ObjectIdParams,
    body: { content: { 'application/json': { schema: ShareBodySchema } }, required: true },
  },
  responses: {
    201: { description: 'Shared', content: { 'application/json': { schema: ShareReceiptSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('seizure'),
    ...UNAVAILABLE,
  },
});

/** `POST|GET /v1/seizures`, `GET /v1/seizures/{id}`, `POST /v1/seizures/{id}/share`. */
export function registerSeizureRoutes(app: ApiApp, deps: SharingRouteDeps): void {
  app.openapi(recordRoute, async (c) => {
    const principal = c.get('principal');
    const report = await deps.seizures.record(
      principal.administration,
      c.req.valid('json'),
      actorOf(principal),
    );
    await deps.onLogged?.();
    return c.json({ id: report.id, report }, 201);
  });
  app.openapi(listRoute, async (c) => {
    const { form, limit, from, to, category, source } = c.req.valid('query');
    const principal = c.get('principal');
    const items = await deps.seizures.list(
      principal.administration,
      {
        limit,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(category ? { category } : {}),
        ...(source ? { source } : {}),
      },
      { form, reader: readerOf(principal, 'GET /v1/seizures') },
    );
    return c.json({ items: items }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { form, source } = c.req.valid('query');
    const principal = c.get('principal');
    const seizure = await deps.seizures.get(principal.administration, id, {
      form,
      ...(source ? { source } : {}),
      reader: readerOf(principal, 'GET /v1/seizures/{id}'),
    });
    return c.json(seizure, 200);
  });
  app.openapi(shareRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { to, form, handling } = c.req.valid('json');
    const principal = c.get('principal');
    const allowed = bodyHandling('seizure', { form }, handling);
    if (!allowed.allowed) {
      throw new HttpError(400, 'validation_failed', allowed.reason, [
        { path: '/handling', code: 'handling_forbids', message: allowed.reason },
      ]);
    }
    const outbox = requireOutbox(deps);
    const admin = principal.administration;
    const receipt = await deps.seizures.share(
      admin,
      id,
      { form, to, handling, actor: actorOf(principal) },
      (trx, report) =>
        shareThrough(outbox, trx, {
          administration: admin,
          kind: 'seizure',
          handling,
          body: { form, report: releaseForm(report, form) },
          to,
        }),
    );
    await deps.onLogged?.();
    return c.json({ ...receipt, to }, 201);
  });
}

import { createRoute, z } from '@hono/zod-openapi';
import { ALERT_STATUSES } from '../../../core/sharing/alert.ts';
import { TLP_CODES } from '../../../core/sharing/tlp.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import type { StoredAlert, StoredFeedback } from '../../../driven/store/alert-records.ts';
import type { ApiKeyRole } from '../../../driven/store/api-key-records.ts';
import type { AlertReader, AlertService } from '../../../installation/alert-service.ts';
import { actorOf } from '../api-key-auth.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp, type RouteModule } from '../route-module.ts';

/** What the alert routes need: the installation's alert service. */
export interface AlertRouteDeps {
  alerts: AlertService;
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ApiErrorSchema } },
});
const errors = {
  400: error('Invalid request: every problem with its RFC 6901 pointer'),
  401: error('Missing or invalid API key'),
  403: error('The key may not do this'),
};
const notFound = {
  404: error(
    'No such alert in the caller’s administration, or one its handling code (TLP) does not show to the caller',
  ),
};
const conflict = {
  409: error('The alert is not in a state for this (withdrawn, a partner’s alert, changed meanwhile)'),
};

const AlertContentBody = z.record(z.string(), z.unknown()).openapi('AlertContent', {
  description:
    'An alert file (docs/SHARING.md): `title`, `reason`, `instructions`, `handling` (TLP 2.0), `validUntil`, ' +
    '`criteria` (the risk-profile criteria language), optional `validFrom`, `containers` (ISO 6346), ' +
    '`vessels` (IMO), `minChannel`, `weight`',
  example: {
    title: 'Falsified medicaments from IN',
    reason: 'Falsified tablets found in three consignments from this exporter.',
    instructions: 'Sample the tablets; check the batch numbers with the manufacturer.',
    handling: 'AMBER',
    validUntil: '2026-12-31',
    criteria: { all: [{ hsPrefix: ['3004'] }, { party: { role: ['exporter'], id: ['IN-EXP-77'] } }] },
  },
});

const AlertSchema = z
  .object({
    id: z.string().openapi({ description: 'The code of the signal a matching declaration gets' }),
    direction: z.enum(['issued', 'received']),
    issuer: z.string(),
    from: z.string().nullable().openapi({ description: 'The partner a received alert came from' }),
    version: z.number().int(),
    status: z.enum(ALERT_STATUSES),
    reason: z.string().optional().openapi({ description: 'Why it was refused or withdrawn' }),
    handling: z.enum(TLP_CODES),
    content: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: 'The validated alert; null for a received alert that did not validate' }),
    recipients: z.array(z.string()).openapi({ description: 'Partners an own alert was shared with' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Alert');

const FeedbackSchema = z
  .object({
    id: z.string(),
    alertId: z.string(),
    direction: z.enum(['sent', 'received']),
    partner: z.string(),
    feedback: z.object({
      alertId: z.string(),
      alertVersion: z.number().int(),
      from: z.string(),
      outcome: z.enum(['hit', 'no-discrepancy', 'discrepancy', 'seizure']),
      seizureId: z.string().optional(),
      at: z.string(),
      note: z.string().optional(),
    }),
    createdAt: z.string(),
  })
  .openapi('AlertFeedback');

const IdParams = z.object({ id: z.string().min(1).max(128) });
const json = <S extends z.ZodType>(schema: S) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const answer = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  content: { 'application/json': { schema } },
});

const issueRoute = createRoute({
  method: 'post',
  path: '/v1/alerts',
  tags: ['alerts'],
  summary:
    'Issue an alert to partners: stored and shared in one transaction (logged, delivered by the outbox)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/alerts')] as const,
  request: {
    ...json(
      z.strictObject({
        alert: AlertContentBody,
        to: z.array(z.string().min(1).max(100)).min(1).max(100).openapi({ description: 'Partner names' }),
      }),
    ),
  },
  responses: { 201: answer('The issued alert', AlertSchema), ...errors },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/alerts',
  tags: ['alerts'],
  summary:
    'The caller’s administration’s alerts, newest first: its own, or with `received=true` those partners sent it',
  description:
    'A received alert is shown as its TLP code allows: AMBER+STRICT and looser to every role listed, RED only to the analysts (and admins) it was delivered to.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/alerts')] as const,
  request: {
    query: z.strictObject({
      received: z.enum(['true', 'false']).optional(),
      status: z.enum(ALERT_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: { 200: answer('Alerts', z.object({ items: z.array(AlertSchema) })), ...errors },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/alerts/{id}',
  tags: ['alerts'],
  summary: 'One alert of the caller’s administration',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/alerts/{id}')] as const,
  request: { params: IdParams },
  responses: { 200: answer('The alert', AlertSchema), ...notFound, ...errors },
});

const amendRoute = createRoute({
  method: 'post',
  path: '/v1/alerts/{id}/amendment',
  tags: ['alerts'],
  summary: 'Replace the content of an own alert (version + 1) and share the amendment with its recipients',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/alerts/{id}/amendment')] as const,
  request: { params: IdParams, ...json(z.strictObject({ alert: AlertContentBody })) },
  responses: { 200: answer('The amended alert', AlertSchema), ...notFound, ...conflict, ...errors },
});

const withdrawRoute = createRoute({
  method: 'post',
  path: '/v1/alerts/{id}/withdrawal',
  tags: ['alerts'],
  summary: 'Withdraw an own alert (final) and tell its recipients: it stops matching at their next batch',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/alerts/{id}/withdrawal')] as const,
  request: { params: IdParams, ...json(z.strictObject({ reason: z.string().min(1).max(1000) })) },
  responses: { 200: answer('The withdrawn alert', AlertSchema), ...notFound, ...conflict, ...errors },
});

const feedbackRoute = createRoute({
  method: 'post',
  path: '/v1/alerts/{id}/feedback',
  tags: ['alerts'],
  summary: 'Report back to the issuing partner what came of its alert (kept here and sent to the partner)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/alerts/{id}/feedback')] as const,
  request: {
    params: IdParams,
    ...json(
      z.strictObject({
        outcome: z.enum(['hit', 'no-discrepancy', 'discrepancy', 'seizure']),
        seizureId: z.string().min(1).max(128).optional(),
        note: z.string().min(1).max(1000).optional(),
      }),
    ),
  },
  responses: { 201: answer('The feedback as sent', FeedbackSchema), ...notFound, ...conflict, ...errors },
});

const feedbackListRoute = createRoute({
  method: 'get',
  path: '/v1/alerts/{id}/feedback',
  tags: ['alerts'],
  summary: 'Feedback on an alert: what partners reported on an own alert, or what this administration sent',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/alerts/{id}/feedback')] as const,
  request: { params: IdParams },
  responses: {
    200: answer('Feedback, oldest first', z.object({ items: z.array(FeedbackSchema) })),
    ...notFound,
    ...errors,
  },
});

/** TLP 2.0 inside the caller's administration: analysts (and admins) are the recipients it was delivered to. */
function readerOf(role: ApiKeyRole): AlertReader {
  return role === 'analyst' || role === 'admin' ? 'recipient' : 'recipient-organization';
}

function alertView(a: StoredAlert) {
  return {
    id: a.id,
    direction: a.direction,
    issuer: a.issuer,
    from: a.partner,
    version: a.version,
    status: a.status,
    ...(a.statusReason === undefined ? {} : { reason: a.statusReason }),
    handling: a.handling,
    content: a.content as Record<string, unknown> | null,
    recipients: a.recipients,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

function feedbackView(f: StoredFeedback) {
  return {
    id: f.id,
    alertId: f.alertId,
    direction: f.direction,
    partner: f.partner,
    feedback: f.feedback,
    createdAt: f.createdAt,
  };
}

/** The alert's problems are reported where they are in the request body (`/alert/criteria/...`). */
async function underAlert<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof StoreError && err.code === 'INVALID_INPUT' && err.details) {
      const details = err.details.map((d) => ({
        ...d,
        path: d.path.startsWith('/to') ? d.path : `/alert${d.path}`,
      }));
      throw new HttpError(400, 'validation_failed', err.message, details, { cause: err });
    }
    throw err;
  }
}

export function registerAlertRoutes(app: ApiApp, deps: AlertRouteDeps): void {
  const { alerts } = deps;
  app.openapi(issueRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = c.get('principal');
    const { alert } = await underAlert(
      alerts.issue(principal.administration, body.alert, body.to, actorOf(principal)),
    );
    return c.json(alertView(alert), 201);
  });
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const principal = c.get('principal');
    const items = await alerts.list(
      principal.administration,
      {
        direction: q.received === 'true' ? 'received' : 'issued',
        ...(q.status ? { status: q.status } : {}),
        limit: q.limit,
      },
      readerOf(principal.role),
    );
    return c.json({ items: items.map(alertView) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const principal = c.get('principal');
    const alert = await alerts.get(
      principal.administration,
      c.req.valid('param').id,
      readerOf(principal.role),
    );
    return c.json(alertView(alert), 200);
  });
  app.openapi(amendRoute, async (c) => {
    const principal = c.get('principal');
    const { id } = c.req.valid('param');
    const { alert } = await underAlert(
      alerts.amend(principal.administration, id, c.req.valid('json').alert, actorOf(principal)),
    );
    return c.json(alertView(alert), 200);
  });
  app.openapi(withdrawRoute, async (c) => {
    const principal = c.get('principal');
    const { id } = c.req.valid('param');
    const { alert } = await alerts.withdraw(
      principal.administration,
      id,
      c.req.valid('json').reason,
      actorOf(principal),
    );
    return c.json(alertView(alert), 200);
  });
  app.openapi(feedbackRoute, async (c) => {
    const principal = c.get('principal');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { feedback } = await alerts.feedback(
      principal.administration,
      id,
      {
        outcome: body.outcome,
        ...(body.seizureId ? { seizureId: body.seizureId } : {}),
        ...(body.note ? { note: body.note } : {}),
      },
      actorOf(principal),
      readerOf(principal.role),
    );
    return c.json(feedbackView(feedback), 201);
  });
  app.openapi(feedbackListRoute, async (c) => {
    const principal = c.get('principal');
    const items = await alerts.feedbackOf(
      principal.administration,
      c.req.valid('param').id,
      readerOf(principal.role),
    );
    return c.json({ items: items.map(feedbackView) }, 200);
  });
}

/**
 * The alert route module for `greenlaneRoutes`: `POST /v1/alerts`, `GET /v1/alerts`,
 * `GET /v1/alerts/{id}`, `POST /v1/alerts/{id}/amendment`, `POST /v1/alerts/{id}/withdrawal`,
 * `POST /v1/alerts/{id}/feedback`, `GET /v1/alerts/{id}/feedback`.
 */
export function alertRoutes(deps: AlertRouteDeps): RouteModule {
  return { name: 'alerts', register: (app) => registerAlertRoutes(app, deps) };
}

import { createRoute, z } from '@hono/zod-openapi';
import { MODEL_TARGETS } from '../../../core/model/customs-record.ts';
import { RANKING_POLICIES } from '../../../core/model/ranking.ts';
import type { StoreConnection } from '../../../driven/database/database.ts';
import { ModelRegistry, ModelRegistryError } from '../../../driven/model/model-registry.ts';
import { actorOf } from '../api-key-auth.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { authErrors, errorJson } from './declarations.ts';

const rates = z.record(z.string(), z.number()).openapi({
  description: 'By inspection rate in per cent ("1", "2", "5", "10"): the share of declarations inspected',
});
const MetricsSchema = z
  .object({
    rows: z.number().int(),
    precisionAt: rates,
    recallAt: rates,
    revenueAt: rates.openapi({
      description: 'Share of the recoverable revenue found at each inspection rate',
    }),
    auc: z.number(),
  })
  .openapi('SelectionMetrics', {
    description: 'Held-out validation metrics recorded when the model was trained',
  });

const ActivationSchema = z
  .object({
    modelId: z.string(),
    target: z.enum(MODEL_TARGETS),
    policy: z.enum(RANKING_POLICIES),
    activatedBy: z.string(),
    activatedAt: z.string(),
  })
  .openapi('ModelActivation');

export const ModelListSchema = z
  .object({
    models: z.array(
      z.object({
        id: z.string().openapi({ example: 'DEMO:fraud:v2' }),
        target: z.enum(MODEL_TARGETS),
        version: z.number().int(),
        contentHash: z.string(),
        active: z.boolean(),
        metrics: MetricsSchema.nullable(),
        window: z.object({ from: z.string(), to: z.string(), rows: z.number().int() }),
        createdBy: z.string(),
        createdAt: z.string(),
      }),
    ),
    activations: z
      .array(ActivationSchema)
      .openapi({ description: 'Activation history, newest first per target' }),
  })
  .openapi('ModelList');

const ModelIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'Model version id',
      example: 'DEMO:fraud:v2',
    }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['models'],
  summary: "The administration's model registry: versions with their metrics, and the activation history",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/models')] as const,
  request: { query: z.strictObject({ target: z.enum(MODEL_TARGETS).optional() }) },
  responses: {
    200: { description: 'Registry', content: { 'application/json': { schema: ModelListSchema } } },
    400: errorJson('Bad query'),
    ...authErrors,
  },
});

const activateRoute = createRoute({
  method: 'post',
  path: '/v1/models/{id}/activation',
  tags: ['models'],
  summary:
    'Put a registered model version in force for its target (the next batch uses it), with a ranking policy',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/models/{id}/activation')] as const,
  request: {
    params: ModelIdParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({ policy: z.enum(RANKING_POLICIES).default('probability') })
            .openapi('ModelActivationBody'),
        },
      },
    },
  },
  responses: {
    201: { description: 'Activated', content: { 'application/json': { schema: ActivationSchema } } },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
    404: errorJson('No such model version in this administration'),
  },
});

/** `GET /v1/models` and `POST /v1/models/{id}/activation` (what `greenlane model list|activate` do). */
export function modelRoutes(deps: { conn: StoreConnection; onLogged?: () => Promise<void> }): RouteModule {
  const registry = (administration: string) => new ModelRegistry(deps.conn.db, administration);
  return {
    name: 'models',
    register: (app) => {
      app.openapi(listRoute, async (c) => {
        const reg = registry(c.get('principal').administration);
        const { target } = c.req.valid('query');
        const models = await reg.list(target);
        const targets = target ? [target] : MODEL_TARGETS;
        const activations = (await Promise.all(targets.map((t) => reg.history(t)))).flat();
        return c.json({ models, activations }, 200);
      });
      app.openapi(activateRoute, async (c) => {
        const principal = c.get('principal');
        const activation = await registry(principal.administration)
          .activate(c.req.valid('param').id, actorOf(principal), c.req.valid('json').policy)
          .catch((err: unknown) => {
            if (err instanceof ModelRegistryError && err.code === 'UNKNOWN_MODEL')
              throw new HttpError(404, 'not_found', err.message, undefined, { cause: err });
            throw err;
          });
        // Stored with its pending log entry: append it before answering.
        await deps.onLogged?.();
        c.set('activity', { model: activation.modelId });
        return c.json(activation, 201);
      });
    },
  };
}

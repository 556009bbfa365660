import { createRoute, z } from '@hono/zod-openapi';
import type { RouteModule } from '../route-module.ts';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'unavailable']),
  })
  .openapi('Health');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'unavailable']),
    bus: z
      .enum(['ok', 'unavailable'])
      .optional()
      .openapi({ description: 'The message bus, when the server takes declarations through it' }),
  })
  .openapi('Readiness');

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Liveness and database reachability (public; for load balancers and probes)',
  responses: {
    200: { description: 'Serving', content: { 'application/json': { schema: HealthSchema } } },
    503: {
      description: 'The database cannot be reached',
      content: { 'application/json': { schema: HealthSchema } },
    },
  },
});

const ready = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary:
    'Readiness: the database and, with `serve --nats`, the message bus answer (public; for orchestrators)',
  responses: {
    200: { description: 'Ready for traffic', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'The database or the bus cannot be reached (which one is said)',
      content: { 'application/json': { schema: ReadinessSchema } },
    },
  },
});

const answer = (ok: boolean) => (ok ? ('ok' as const) : ('unavailable' as const));

/**
 * `GET /healthz`: 200 when the database answers `ping`, else 503 (so an orchestrator restarts or
 * drains). `GET /readyz`: the same for the database and the message bus when there is one.
 */
export function healthRoutes(deps: {
  ping: () => Promise<void>;
  busPing?: () => Promise<boolean>;
}): RouteModule {
  const database = () =>
    deps.ping().then(
      () => true,
      () => false,
    );
  return {
    name: 'health',
    register: (app) => {
      app.openapi(route, async (c) => {
        const ok = await database();
        return c.json({ status: answer(ok), database: answer(ok) }, ok ? 200 : 503);
      });
      app.openapi(ready, async (c) => {
        const [db, bus] = await Promise.all([database(), deps.busPing?.().catch(() => false)]);
        const ok = db && bus !== false;
        return c.json(
          { status: answer(ok), database: answer(db), ...(bus === undefined ? {} : { bus: answer(bus) }) },
          ok ? 200 : 503,
        );
      });
    },
  };
}

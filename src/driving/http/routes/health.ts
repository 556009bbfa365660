import { createRoute, z } from '@hono/zod-openapi';
import type { RouteModule } from '../route-module.ts';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    database: z.enum(['ok', 'unavailable']),
  })
  .openapi('Health');

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

/** `GET /healthz`: 200 when the database answers `ping`, else 503 (so an orchestrator restarts or drains). */
export function healthRoutes(deps: { ping: () => Promise<void> }): RouteModule {
  return {
    name: 'health',
    register: (app) =>
      app.openapi(route, async (c) => {
        try {
          await deps.ping();
          return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
        } catch {
          return c.json({ status: 'unavailable' as const, database: 'unavailable' as const }, 503);
        }
      }),
  };
}

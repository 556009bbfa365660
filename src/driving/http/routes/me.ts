import { createRoute, z } from '@hono/zod-openapi';
import { API_KEY_ROLES } from '../../../driven/store/api-key-records.ts';
import { ROUTE_ACCESS, type RouteAccess, requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { errorJson } from './declarations.ts';

export const MeSchema = z
  .object({
    administration: z.object({ id: z.string(), name: z.string() }),
    role: z.enum(API_KEY_ROLES),
    key: z.object({
      id: z.string(),
      label: z
        .string()
        .openapi({ description: 'Who or what holds the key; the actor name in the audit log' }),
    }),
    routes: z.array(z.string()).openapi({
      description: 'The protected routes (`METHOD /path`) this role may call: what the workbench shows',
      example: ['GET /v1/queue', 'POST /v1/declarations/{id}/outcome'],
    }),
  })
  .openapi('Me');

const meRoute = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['workbench'],
  summary: "The caller: the key's administration, role, id and label, and the routes the role may call",
  description:
    'Every valid key may ask. A wrong or revoked key is 401 `unauthorized` with the message "the API key is not ' +
    'valid or has been revoked", so a sign-in screen can say so.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/me')] as const,
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: MeSchema } } },
    401: errorJson('Missing, wrong or revoked API key'),
  },
});

/** `GET /v1/me`: what the workbench needs to shape itself to the signed-in key. */
export function meRoutes(deps: {
  administration: (id: string) => Promise<{ id: string; name: string } | undefined>;
}): RouteModule {
  return {
    name: 'me',
    register: (app) =>
      app.openapi(meRoute, async (c) => {
        const principal = c.get('principal');
        const administration = (await deps.administration(principal.administration)) ?? {
          id: principal.administration,
          name: principal.administration,
        };
        const routes = Object.entries(ROUTE_ACCESS as Record<string, RouteAccess>)
          .filter(
            ([, access]) => 'roles' in access && !access.hidden && access.roles.includes(principal.role),
          )
          .map(([route]) => route);
        return c.json(
          {
            administration,
            role: principal.role,
            key: { id: principal.keyId, label: principal.name },
            routes,
          },
          200,
        );
      }),
  };
}

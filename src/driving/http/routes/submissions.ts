import { createRoute, z } from '@hono/zod-openapi';
import type { BusIntake } from '../../../installation/bus-intake.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { authErrors, errorJson } from './declarations.ts';
import { SubmissionSchema } from './submission-schemas.ts';

const track = createRoute({
  method: 'get',
  path: '/v1/submissions/{trackingId}',
  tags: ['declarations'],
  summary: 'Where a declaration submitted through the bus stands: pending, decided or rejected',
  description:
    'A server that takes declarations through the message bus (`serve --nats`) answers ' +
    '`POST /v1/declarations` with a tracking id per record when the decision is not ready within the ' +
    'wait; this route reads it back. A server without the bus decides in the request and has no ' +
    'tracking ids (404). Decisions are also published on the results stream (docs/SCALING.md).',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/submissions/{trackingId}')] as const,
  request: {
    params: z.object({
      trackingId: z
        .string()
        .regex(/^[1-9]\d{0,15}$/, 'trackingId is the number POST /v1/declarations returned')
        .openapi({ param: { name: 'trackingId', in: 'path' }, example: '18234' }),
    }),
  },
  responses: {
    200: { description: 'The submission', content: { 'application/json': { schema: SubmissionSchema } } },
    400: errorJson('The tracking id is not a number'),
    ...authErrors,
    404: errorJson('No such submission in this administration'),
  },
});

/** `GET /v1/submissions/{trackingId}`: answered from the bus's intake when the server has one. */
export function submissionRoutes(deps: { intake?: BusIntake }): RouteModule {
  return {
    name: 'submissions',
    register: (app) =>
      app.openapi(track, async (c) => {
        const { trackingId } = c.req.valid('param');
        const found = await deps.intake?.track(c.get('principal').administration, trackingId);
        if (!found) throw new HttpError(404, 'not_found', `no submission ${trackingId}`);
        return c.json(found as z.infer<typeof SubmissionSchema>, 200);
      }),
  };
}

import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireRoute } from '../route-access.ts';
import type { RouteModule } from '../route-module.ts';
import { QueueQuerySchema, type ReadQueue, toQueueFilter } from '../routes/queue.ts';
import { QUEUE_SCRIPT, QUEUE_STYLE } from './queue-assets.ts';
import { PAGE_HEADERS, renderQueueFragment, renderQueueShell } from './queue-page.ts';

function send(c: Context, body: string, contentType: string): Response {
  return c.body(body, 200, { ...PAGE_HEADERS, 'Content-Type': contentType });
}

// Same filters as GET /v1/queue, validated by the same schema; not part of the public API document.
const fragment = createRoute({
  method: 'get',
  path: '/ui/queue',
  hide: true,
  middleware: [requireRoute('GET /ui/queue')] as const,
  request: { query: QueueQuerySchema },
  responses: { 200: { description: 'Queue table as HTML' } },
});

/**
 * The plain web queue: `/` (public shell, no data), its assets, and `/ui/queue` (the
 * authenticated, server-rendered fragment). See `queue-page.ts` for why the key lives in the tab.
 */
export function webRoutes(deps: { queue: ReadQueue }): RouteModule {
  const shell = renderQueueShell().value;
  return {
    name: 'web',
    register: (app) => {
      app.get('/', (c) => send(c, shell, 'text/html; charset=utf-8'));
      app.get('/assets/queue.js', (c) => send(c, QUEUE_SCRIPT, 'text/javascript; charset=utf-8'));
      app.get('/assets/queue.css', (c) => send(c, QUEUE_STYLE, 'text/css; charset=utf-8'));
      app.openapi(fragment, async (c) => {
        const page = await deps.queue(c.get('principal').administration, toQueueFilter(c.req.valid('query')));
        return send(c, renderQueueFragment(page).value, 'text/html; charset=utf-8');
      });
    },
  };
}

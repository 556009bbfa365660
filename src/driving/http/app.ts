import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { jsonPointer } from '../../core/declaration/validation.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../installation/config.ts';
import { type Authenticate, apiKeyAuth } from './api-key-auth.ts';
import { ApiErrorSchema, HttpError, toHttpError } from './http-error.ts';
import type { HttpMetrics } from './http-metrics.ts';
import { HEAVY_ROUTES, rateLimit } from './rate-limit.ts';
import { requestLog } from './request-log.ts';
import {
  type ApiApp,
  type ApiEnv,
  matchesPathPattern,
  PROTECTED_PATHS,
  type RouteModule,
} from './route-module.ts';
import { storableRequestText } from './storable-text.ts';

/** 10 MiB: about 5,000 typical declarations per batch, far beyond any single declaration. */
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export interface AppDeps {
  /** Resolves an API key to its administration and role (the store's `authenticate`). */
  authenticate: Authenticate;
  /** Route groups, in order; see {@link RouteModule}. */
  routes: readonly RouteModule[];
  /** Largest accepted request body; larger ones get 413 `payload_too_large`. */
  bodyLimitBytes?: number;
  /** Per-key limits on the heavy routes (`HEAVY_ROUTES`); `DEFAULT_RATE_LIMITS` when absent. */
  rateLimits?: RateLimits;
  /** Request log ("who did what") and server errors; silent when absent (tests). */
  logger?: Logger;
  /** Counts and times every request (`serve --ops-port` serves them at `/metrics`). */
  metrics?: HttpMetrics;
  /** API version shown in the OpenAPI document. */
  version?: string;
}

/** Zod failures of query, path or body validation become 400 `validation_failed` with pointers. */
export function validationFailed(error: ZodError): HttpError {
  return new HttpError(
    400,
    'validation_failed',
    'the request does not match the schema',
    error.issues.map((issue) => ({
      path: jsonPointer(issue.path),
      code: issue.code,
      message: issue.message,
    })),
  );
}

/** Adds the 429 answer to the OpenAPI description of every route behind {@link rateLimit}. */
function documentRateLimits(app: ApiApp, limits: RateLimits): void {
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    const { route } = def;
    const heavy = HEAVY_ROUTES.some((h) => h.method.toLowerCase() === route.method && h.path === route.path);
    if (!heavy) continue;
    route.responses[429] = {
      description:
        `Too many requests of this API key: at most ${limits.perMinute} a minute (bursts of ` +
        `${limits.burst}) and ${limits.concurrent} at a time. \`Retry-After\` says how many seconds to wait.`,
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
      content: { 'application/json': { schema: ApiErrorSchema } },
    };
  }
}

/**
 * Builds the Greenlane HTTP API: one error shape, API-key auth on `/v1/*` and `/ui/*`, a body
 * size limit, per-key rate limits on the heavy routes, request logging and the OpenAPI 3.1 document at `/openapi.json`, generated from the
 * same zod schemas the routes validate with. Tests call `app.request()`; `serve` binds it to a port.
 *
 * @example
 * const app = createApp({ authenticate: store.authenticate, routes: [healthRoutes(...), declarationRoutes(...)] });
 * const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps): ApiApp {
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error);
    },
  });

  app.onError((err, c) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) deps.logger?.error({ err, path: c.req.path }, 'unhandled error');
    // RFC 6750 §3: a 401 names the scheme the client should use.
    if (httpError.status === 401) c.header('WWW-Authenticate', 'Bearer realm="greenlane"');
    for (const [name, value] of Object.entries(httpError.headers)) c.header(name, value);
    return c.json(httpError.toBody(), httpError.status);
  });
  app.notFound((c) => {
    const err = new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`);
    return c.json(err.toBody(), err.status);
  });

  if (deps.metrics) app.use('*', deps.metrics.middleware());
  if (deps.logger) app.use('*', requestLog(deps.logger));
  const maxSize = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  app.use(
    '*',
    bodyLimit({
      maxSize,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `the request body is larger than ${maxSize} bytes`);
      },
    }),
  );
  const auth = apiKeyAuth(deps.authenticate);
  const publicPaths = deps.routes.flatMap((m) => m.publicPaths ?? []);
  for (const path of PROTECTED_PATHS) {
    app.use(path, (c, next) => (matchesPathPattern(c.req.path, publicPaths) ? next() : auth(c, next)));
  }
  app.use('*', storableRequestText());
  const limits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  for (const route of HEAVY_ROUTES) {
    const limit = rateLimit(limits);
    app.use(route.path, (c, next) => (c.req.method === route.method ? limit(c, next) : next()));
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Greenlane API key as a bearer token (RFC 6750).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyHeader', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'Greenlane API key.',
  });

  for (const module of deps.routes) module.register(app);
  documentRateLimits(app, limits);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Greenlane API',
      version: deps.version ?? '0.1.0',
      description:
        'Customs risk management: declarations in, decisions out. Errors always have the shape ' +
        '{"error":{"code","message","details"?}}.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
  });
  return app;
}

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from './api-key-auth.ts';
import type { ActivityVariables } from './request-log.ts';

/**
 * The Hono environment of every route: authenticated handlers read `c.get('principal')` and may
 * `c.set('activity', {...})` to say in the request log what they did.
 */
export interface ApiEnv {
  Variables: AuthVariables & Partial<ActivityVariables>;
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/**
 * A group of routes added to the app by {@link createApp}. A module is built by a factory that
 * closes over what it needs (store, services), so the app itself knows nothing of them:
 *
 * @example
 * // src/adapters/server/routes/screening.ts
 * export function screeningRoutes(deps: { screening: ScreeningService }): RouteModule {
 *   return { name: 'screening', register: (app) => app.openapi(screenRoute, async (c) => ...) };
 * }
 * // composition (serve.ts): createApp({ authenticate, routes: [..., screeningRoutes({ screening })] })
 *
 * Paths under `/v1/` and `/ui/` require an API key (see `PROTECTED_PATHS`); declare
 * `security: API_KEY_SECURITY` on such routes so the OpenAPI document says so.
 */
export interface RouteModule {
  /** Short name for logs and error messages (`declarations`, `queue`, `screening`...). */
  name: string;
  register(app: ApiApp): void;
}

/** Path patterns behind the API-key middleware; everything else (`/`, `/healthz`, `/openapi.json`) is public. */
export const PROTECTED_PATHS = ['/v1/*', '/ui/*'] as const;

/** OpenAPI security requirement of protected routes: either scheme is accepted. */
export const API_KEY_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

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
 * // src/driving/http/routes/screening.ts
 * export function screeningRoutes(deps: { screening: ScreeningService }): RouteModule {
 *   return { name: 'screening', register: (app) => app.openapi(screenRoute, async (c) => ...) };
 * }
 * // composition (serve.ts): createApp({ authenticate, routes: [..., screeningRoutes({ screening })] })
 *
 * Paths under `/v1/` require an API key (see `PROTECTED_PATHS`); declare
 * `security: API_KEY_SECURITY` on such routes so the OpenAPI document says so. A module whose
 * routes must stay public (transparency-log proofs a partner verifies with the public key alone)
 * lists them in `publicPaths`.
 */
export interface RouteModule {
  /** Short name for logs and error messages (`declarations`, `queue`, `screening`...). */
  name: string;
  register(app: ApiApp): void;
  /**
   * Paths of this module served without an API key even under `/v1/`: exact paths, or prefixes
   * ending in `/*` (`/v1/log/*` matches `/v1/log/checkpoint`, not `/v1/logs`).
   */
  publicPaths?: readonly string[];
}

/** True when `path` is one of `patterns` (exact, or under a `prefix/*`). */
export function matchesPathPattern(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : path === p));
}

/** Path patterns behind the API-key middleware; everything else (`/`, `/healthz`, `/openapi.json`) is public. */
export const PROTECTED_PATHS = ['/v1/*'] as const;

/** OpenAPI security requirement of protected routes: either scheme is accepted. */
export const API_KEY_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

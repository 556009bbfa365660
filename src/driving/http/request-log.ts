import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AuthVariables } from './api-key-auth.ts';

/**
 * What a handler adds to its request's log line (`c.set('activity', {...})`): counts and codes
 * that say what was done, e.g. `{ records: 1000, rejected: 3 }` — never declaration content.
 */
export interface ActivityVariables {
  activity: Record<string, string | number | boolean>;
}

/**
 * One log line per request saying who did what: method, path, status, duration, for
 * authenticated calls the administration, role and key id (never the secret, never the body),
 * and the handler's `activity`.
 */
export function requestLog(
  logger: Logger,
): MiddlewareHandler<{ Variables: Partial<AuthVariables & ActivityVariables> }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get('principal');
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(principal
        ? { administration: principal.administration, role: principal.role, keyId: principal.keyId }
        : {}),
      ...c.get('activity'),
    };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}

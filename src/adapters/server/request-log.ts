import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AuthVariables } from './api-key-auth.ts';

/**
 * One log line per request saying who did what: method, path, status, duration, and for
 * authenticated calls the administration, role and key id (never the secret, never the body).
 */
export function requestLog(logger: Logger): MiddlewareHandler<{ Variables: Partial<AuthVariables> }> {
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
    };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}

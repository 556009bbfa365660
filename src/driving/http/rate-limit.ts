import type { MiddlewareHandler } from 'hono';
import type { RateLimits } from '../../installation/config.ts';
import type { AuthVariables } from './api-key-auth.ts';
import { HttpError } from './http-error.ts';

/** A route whose requests can cost seconds of work: limited per API key (see {@link rateLimit}). */
export interface HeavyRoute {
  method: 'POST';
  path: string;
}

/**
 * The routes behind the per-key limits: party screening and declaration batches (up to
 * `MAX_BATCH` declarations, each party of each screened).
 */
export const HEAVY_ROUTES: readonly HeavyRoute[] = [
  { method: 'POST', path: '/v1/screen' },
  { method: 'POST', path: '/v1/declarations' },
];

interface KeyState {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

/** Keys remembered at most; idle keys with a full bucket are forgotten first (they lose nothing). */
const MAX_KEYS = 10_000;

/** The 429 of every limited request: plain words saying which limit, and when to come back. */
function rateLimited(message: string, retryAfterSeconds: number): HttpError {
  return new HttpError(429, 'rate_limited', message, undefined, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/**
 * Per-API-key limits for one route (after `apiKeyAuth`): a token bucket (RFC 6585 §4: 429 Too Many
 * Requests, with `Retry-After` in seconds per RFC 9110 §10.2.3) and a cap on requests of one key
 * in progress at once, so that one caller cannot queue up the server's screening worker.
 *
 * @example
 * app.use('/v1/screen', rateLimit({ perMinute: 60, burst: 10, concurrent: 2 }));
 */
export function rateLimit(
  limits: RateLimits,
  options: { now?: () => number } = {},
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const now = options.now ?? (() => performance.now());
  const perMs = limits.perMinute / 60_000;
  const keys = new Map<string, KeyState>();

  function stateOf(key: string, t: number): KeyState {
    let state = keys.get(key);
    if (!state) {
      if (keys.size >= MAX_KEYS) forgetIdle(t);
      state = { tokens: limits.burst, refilledAt: t, inFlight: 0 };
      keys.set(key, state);
      return state;
    }
    state.tokens = Math.min(limits.burst, state.tokens + (t - state.refilledAt) * perMs);
    state.refilledAt = t;
    return state;
  }

  function forgetIdle(t: number): void {
    for (const [key, s] of keys) {
      if (s.inFlight === 0 && s.tokens + (t - s.refilledAt) * perMs >= limits.burst) keys.delete(key);
    }
  }

  return async (c, next) => {
    const principal = c.get('principal');
    const key = `${principal.administration}\u0000${principal.keyId}`;
    const t = now();
    const state = stateOf(key, t);
    if (state.inFlight >= limits.concurrent) {
      throw rateLimited(
        `this API key already has ${state.inFlight} requests to ${c.req.method} ${c.req.path} in progress ` +
          `(the limit is ${limits.concurrent} at a time); retry when one has finished`,
        1,
      );
    }
    if (state.tokens < 1) {
      const seconds = Math.max(1, Math.ceil((1 - state.tokens) / perMs / 1000));
      throw rateLimited(
        `this API key made more than ${limits.perMinute} requests a minute to ${c.req.method} ${c.req.path} ` +
          `(bursts of up to ${limits.burst}); retry in ${seconds} s`,
        seconds,
      );
    }
    state.tokens -= 1;
    state.inFlight += 1;
    try {
      await next();
    } finally {
      state.inFlight -= 1;
    }
  };
}

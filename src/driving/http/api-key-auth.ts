import type { MiddlewareHandler } from 'hono';
import type { ApiPrincipal } from '../../driven/store/api-key-records.ts';
import { HttpError } from './http-error.ts';

/**
 * Who is calling: the administration the API key is bound to, the key's role, a stable key id
 * and label for the request log and the audit trail (never the secret itself).
 */
export type Principal = ApiPrincipal;

/** Resolves a presented secret to its principal; `undefined`/`null` when unknown or revoked. */
export type Authenticate = (secret: string) => Promise<Principal | null | undefined>;

/** Hono variables every authenticated handler can read with `c.get('principal')`. */
export interface AuthVariables {
  principal: Principal;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
const BEARER_RE = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;
/** Keys are short tokens; anything longer is refused before it is parsed or reaches the store. */
const MAX_SECRET_LENGTH = 256;
const MAX_HEADER_LENGTH = MAX_SECRET_LENGTH + 64;

/**
 * The secret of a request: `Authorization: Bearer <key>` (RFC 6750 §2.1) or `X-API-Key: <key>`.
 * Returns `undefined` when neither is present; a malformed header is an error, not anonymity. A key
 * in the query string is never read: URLs end up in proxy logs, browser history and Referer headers.
 */
export function presentedSecret(
  authorization: string | undefined,
  apiKey: string | undefined,
): string | undefined {
  if (authorization !== undefined) {
    if (authorization.length > MAX_HEADER_LENGTH) throw unauthorized('the API key is not valid');
    const m = BEARER_RE.exec(authorization);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <API key>"');
    return m[1];
  }
  if (apiKey !== undefined) {
    if (apiKey.length > MAX_HEADER_LENGTH) throw unauthorized('the API key is not valid');
    const key = apiKey.trim();
    if (key === '') throw unauthorized('the X-API-Key header is empty');
    return key;
  }
  return undefined;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

/**
 * Requires a valid API key and puts its {@link Principal} on the context. Keys are stored hashed
 * by the store; this middleware only forwards the presented secret to `authenticate`.
 */
export function apiKeyAuth(authenticate: Authenticate): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const secret = presentedSecret(c.req.header('authorization'), c.req.header('x-api-key'));
    if (secret === undefined) {
      throw unauthorized('an API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    }
    if (secret.length > MAX_SECRET_LENGTH) throw unauthorized('the API key is not valid');
    const principal = await authenticate(secret);
    if (!principal) throw unauthorized('the API key is not valid or has been revoked');
    c.set('principal', principal);
    await next();
  };
}

/**
 * The actor recorded in decisions, outcomes and the audit log for a request: the key's label for
 * people, and its id because labels need not be unique (the store bounds actors to 200 chars).
 */
export function actorOf(principal: Principal): string {
  return `${principal.name.slice(0, 150)} (key ${principal.keyId})`;
}

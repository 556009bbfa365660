import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { StaleVersionError } from '../../app/ports/stale-version-error.ts';
import { GreenlaneError } from '../../core/error.ts';
import { StoreError, type StoreErrorCode } from '../../driven/database/store-error.ts';
import { FederationError } from '../../driven/federation/federation-error.ts';
import { AlertServiceError } from '../../installation/alert-service.ts';

/** Closed set of machine codes an API client can switch on; the message is for people. */
export const API_ERROR_CODES = [
  'invalid_json',
  'invalid_body',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** One problem inside a request: where (RFC 6901 JSON pointer), what (code) and why (plain words). */
export const ApiErrorDetailSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type ApiErrorDetail = z.infer<typeof ApiErrorDetailSchema>;

/** The one error shape of every non-2xx response: `{"error":{"code","message","details"?}}`. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    details: z.array(ApiErrorDetailSchema).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

/**
 * The one HTTP error type of the API boundary. Route handlers throw it; the app's error handler
 * turns it (and anything else thrown) into {@link ApiErrorSchema}.
 *
 * @example
 * throw new HttpError(404, 'not_found', `declaration ${id} does not exist`);
 */
export class HttpError extends GreenlaneError<ApiErrorCode> {
  override name = 'HttpError';
  /** Response headers that go with the error (`Retry-After` of a 429 or 503). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly status: ContentfulStatusCode,
    code: ApiErrorCode,
    message: string,
    details?: readonly ApiErrorDetail[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(code, message, {
      ...(details ? { details } : {}),
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.headers = options?.headers ?? {};
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details && this.details.length > 0 ? { details: [...this.details] } : {}),
      },
    };
  }
}

const CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'invalid_body',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** How a coded error reaches an API client: the response status and the API's error code. */
type HttpMapping = readonly [ContentfulStatusCode, ApiErrorCode];

const STORE_ERRORS: Record<StoreErrorCode, HttpMapping> = {
  NOT_FOUND: [404, 'not_found'],
  CONFLICT: [409, 'conflict'],
  INVALID_INPUT: [400, 'invalid_body'],
  // The key's administration vanished: the key is no longer good for anything.
  UNKNOWN_ADMINISTRATION: [403, 'forbidden'],
};

/**
 * The coded errors (`GreenlaneError`) a client can act on, by error type, then by code. Only these
 * reach the client with their message and details; any other coded error is a 500. The table goes
 * by type as well as code because a code can be the client's doing in one type and an internal
 * fault in another (the log's `NOT_FOUND` for an incomplete stored range is not the client's).
 */
const CLIENT_ERRORS: ReadonlyArray<
  readonly [abstract new (...args: never[]) => GreenlaneError, Readonly<Record<string, HttpMapping>>]
> = [
  [StoreError, STORE_ERRORS],
  // The pipeline re-assesses on it; one that still escapes is a race lost too often: retry.
  [StaleVersionError, { STALE_VERSION: [409, 'conflict'] }],
  // A server started without the federation outbox cannot send alerts; reads still work.
  [AlertServiceError, { SHARING_UNAVAILABLE: [503, 'unavailable'] }],
  [
    FederationError,
    {
      UNKNOWN_PARTNER: [400, 'invalid_body'],
      INVALID_INPUT: [400, 'invalid_body'],
      CONFLICT: [409, 'conflict'],
      NOT_FOUND: [404, 'not_found'],
      HANDLING_FORBIDS: [400, 'invalid_body'],
    },
  ],
];

/** The status and API code of a coded error a client can act on, or undefined. */
function clientMapping(err: GreenlaneError): HttpMapping | undefined {
  for (const [type, codes] of CLIENT_ERRORS) {
    if (err instanceof type && Object.hasOwn(codes, err.code)) return codes[err.code];
  }
  return undefined;
}

/**
 * Normalises whatever a handler or middleware threw. Hono's own `HTTPException`s (body limit,
 * media-type gate) keep their status; coded errors map by `CLIENT_ERRORS`, with their details;
 * anything else becomes a 500 whose message reveals nothing of the internals (the cause is
 * logged, not sent).
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof GreenlaneError) {
    const mapping = clientMapping(err);
    if (mapping) return new HttpError(mapping[0], mapping[1], err.message, err.details, { cause: err });
  }
  if (err instanceof HTTPException) {
    const code = CODE_BY_STATUS[err.status];
    if (code)
      return new HttpError(err.status, code, err.message || code.replaceAll('_', ' '), undefined, {
        cause: err,
      });
  }
  return new HttpError(500, 'internal', 'internal server error', undefined, { cause: err });
}

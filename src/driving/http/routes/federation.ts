import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { EnvelopeRefusalCode } from '../../../core/sharing/verify-envelope.ts';
import { FederationError } from '../../../driven/federation/federation-error.ts';
import { REFUSAL_CODES } from '../../../driven/federation/inbox.ts';
import type { Federation } from '../../../installation/federation.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';

/** The largest envelope the inbox reads: an alert or seizure with its proofs is a few KiB. */
export const INBOX_BODY_LIMIT_BYTES = 256 * 1024;

export const IdentitySchema = z
  .object({
    name: z.string().openapi({ description: "This installation's name: the sender of what it shares" }),
    publicKey: z.string().openapi({ description: 'Ed25519 HTTP signing key, raw 32 bytes in base64' }),
    url: z.string().openapi({ description: 'Where partners reach it' }),
  })
  .openapi('FederationIdentity');

const RefusalSchema = z
  .object({
    error: z.object({
      code: z.enum(REFUSAL_CODES as [EnvelopeRefusalCode, ...EnvelopeRefusalCode[]]),
      message: z.string(),
    }),
  })
  .openapi('EnvelopeRefusal');

const ReceiptSchema = z
  .object({
    status: z.enum(['accepted', 'duplicate', 'refused']),
    itemId: z.string(),
    reason: z.string().optional().openapi({ description: 'Why the content was refused (valid envelope)' }),
    witnessedSize: z.number().int().nullable().openapi({
      description: "The size of the sender's checkpoint this installation now holds",
    }),
  })
  .openapi('EnvelopeReceipt');

const SignedRequestSchema = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().openapi({ description: 'The envelope, canonical JSON' }),
});
const FeedSchema = z
  .object({
    partner: z.string(),
    items: z.array(z.object({ seq: z.number().int(), itemId: z.string(), request: SignedRequestSchema })),
  })
  .openapi('FederationFeed');

const identityRoute = createRoute({
  method: 'get',
  path: '/v1/federation/identity',
  tags: ['federation'],
  summary: "This installation's name, HTTP signing key and URL (what a partner's operator adds)",
  responses: {
    200: { description: 'Identity', content: { 'application/json': { schema: IdentitySchema } } },
  },
});

const refusal = (description: string) => ({
  description,
  content: { 'application/json': { schema: RefusalSchema } },
});
const inboxRoute = createRoute({
  method: 'post',
  path: '/v1/federation/inbox',
  tags: ['federation'],
  summary:
    "A partner delivers one shared item: an envelope signed with the partner's key (RFC 9421, Ed25519), verified with its proofs",
  request: {
    body: { content: { 'application/json': { schema: z.object({}).passthrough() } }, required: true },
  },
  responses: {
    200: { description: 'Received', content: { 'application/json': { schema: ReceiptSchema } } },
    400: refusal('MALFORMED or BODY_CHANGED'),
    409: refusal('REPLAYED or SPLIT_VIEW'),
    413: { description: 'Body too large', content: { 'application/json': { schema: ApiErrorSchema } } },
    422: refusal('BAD_SIGNATURE, UNKNOWN_KEY, BAD_PROOF or HANDLING_FORBIDS'),
  },
});

const feedRoute = createRoute({
  method: 'get',
  path: '/v1/federation/feed',
  tags: ['federation'],
  summary:
    "The pull feed of the partner named by the key's label (a partner added with --pull): signed requests after a seq",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/federation/feed')] as const,
  request: {
    query: z.object({
      after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).openapi({
        description: 'The last seq read; everything up to it counts as delivered',
      }),
      size: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({
        description:
          "The size of this installation's checkpoint the partner holds (consistency proofs start there)",
      }),
    }),
  },
  responses: {
    200: {
      description: 'Up to 100 items, in order',
      content: { 'application/json': { schema: FeedSchema } },
    },
    401: { description: 'No or bad API key', content: { 'application/json': { schema: ApiErrorSchema } } },
    403: {
      description: 'Not a partner key, or its label names no partner',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
    409: {
      description: 'The partner receives by push',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
  },
});

/**
 * `GET /v1/federation/identity`, `POST /v1/federation/inbox` (authenticated by the envelope's
 * signature, not by an API key) and `GET /v1/federation/feed` (a `partner`-role API key whose label
 * is the partner's name).
 */
export function federationRoutes(deps: { federation: Federation }): RouteModule {
  const { federation } = deps;
  return {
    name: 'federation',
    publicPaths: ['/v1/federation/identity', '/v1/federation/inbox'],
    register: (app) => {
      app.openapi(identityRoute, (c) =>
        c.json(
          { name: federation.identity.name, publicKey: federation.identity.publicKey, url: federation.url() },
          200,
        ),
      );
      app.use(
        '/v1/federation/inbox',
        bodyLimit({
          maxSize: INBOX_BODY_LIMIT_BYTES,
          onError: () => {
            throw new HttpError(
              413,
              'payload_too_large',
              `an envelope is at most ${INBOX_BODY_LIMIT_BYTES} bytes`,
            );
          },
        }),
      );
      // Registered outside the validator: the body is read as the exact bytes its digest signs.
      app.openAPIRegistry.registerPath(inboxRoute);
      app.post('/v1/federation/inbox', async (c) => {
        const body = Buffer.from(await c.req.arrayBuffer());
        const headers: Record<string, string> = {};
        c.req.raw.headers.forEach((value, name) => {
          headers[name] = value;
        });
        // The sender signed the public URL: its scheme is ours (TLS may end at a proxy), its
        // authority the Host the request came to.
        const received = new URL(c.req.url);
        received.protocol = new URL(federation.url()).protocol;
        const answer = await federation.inbox.receive(
          { method: c.req.method, url: received.toString(), headers },
          body,
        );
        c.set('activity', { federation: 'receive', status: answer.status });
        return c.json(answer.body, answer.status);
      });
      app.openapi(feedRoute, async (c) => {
        const principal = c.get('principal');
        const { after, size } = c.req.valid('query');
        try {
          const page = await federation.feed.read(principal.administration, principal.name, after, size);
          return c.json(page, 200);
        } catch (err) {
          if (err instanceof FederationError && err.code === 'UNKNOWN_PARTNER')
            throw new HttpError(403, 'forbidden', err.message, undefined, { cause: err });
          throw err;
        }
      });
    },
  };
}

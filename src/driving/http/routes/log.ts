import { createRoute, z } from '@hono/zod-openapi';
import { LedgerError } from '../../../core/ledger/ledger-error.ts';
import { hashLeaf } from '../../../core/ledger/merkle-hash.ts';
import { parseCommitmentLeaf } from '../../../core/ledger/record-commitment.ts';
import type { TransparencyLog } from '../../../driven/ledger/transparency-log.ts';
import type { WitnessService } from '../../../driven/ledger/witness-service.ts';
import type { ApiKeyRole } from '../../../driven/store/api-key-records.ts';
import { disclosedRecord } from '../../../driven/store/ledger-records.ts';
import { type Authenticate, type Principal, presentedSecret } from '../api-key-auth.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { ROUTE_ACCESS } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp, type RouteModule } from '../route-module.ts';
import { registerLogHistoryRoutes } from './log-history.ts';

/** What the log and witness endpoints serve. The witness is optional (an installation may not witness). */
export interface LogRouteDeps {
  log: TransparencyLog;
  witness?: WitnessService;
  /**
   * Resolves an API key, for the optional key on `GET /v1/log/entries/{index}`: a key allowed to
   * read the record also gets its content and salt. Without it every caller gets the public part.
   */
  authenticate?: Authenticate;
}

/**
 * Roles that may read a logged record's content and salt, for records of their own administration
 * (and installation-wide ones: profiles, list versions). The roles that read declarations and
 * decisions anyway; `ingest` keys only submit.
 */
export const RECORD_READER_ROLES: readonly ApiKeyRole[] = ROUTE_ACCESS['GET /v1/log/entries/{index}'].readers;

const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const size = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const errors = {
  400: { description: 'Bad index or size', content: { 'application/json': { schema: ApiErrorSchema } } },
  404: {
    description: 'No such entry or no checkpoint yet',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
};
const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });

export const LoggedRecordSchema = z
  .object({
    kind: z.string().openapi({ description: 'decision, override, outcome, risk-profile, adjudication, ...' }),
    recordId: z.string(),
    administration: z.string().nullable(),
    content: z.string().openapi({ description: 'The record, RFC 8785 canonical JSON' }),
    salt: z
      .string()
      .openapi({ description: 'hex; the leaf is {"commitment": hex(SHA-256(salt || content))}' }),
  })
  .openapi('LoggedRecord');
export const LogEntrySchema = z
  .object({
    index: z.number().int(),
    leafHash: z.string().openapi({ description: 'RFC 9162 leaf hash SHA-256(0x00 || leaf bytes), hex' }),
    entry: z
      .string()
      .optional()
      .openapi({
        description:
          'The exact leaf bytes, base64: {"commitment":"<hex>"} for records. A plaintext entry written ' +
          'before record commitments is served only to keys allowed to read it.',
      }),
    record: LoggedRecordSchema.optional().openapi({
      description:
        'Only for an API key allowed to read the record (same administration, role admin/analyst/officer)',
    }),
  })
  .openapi('LogEntry');
export const InclusionProofSchema = z
  .object({
    index: z.number().int(),
    size: z.number().int(),
    hashes: z.array(z.string()).openapi({ description: 'hex' }),
  })
  .openapi('InclusionProof');
export const ConsistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    hashes: z.array(z.string()).openapi({ description: 'hex' }),
  })
  .openapi('ConsistencyProof');

const checkpointRoute = createRoute({
  method: 'get',
  path: '/v1/log/checkpoint',
  tags: ['transparency log'],
  summary: 'The newest signed checkpoint (C2SP tlog-checkpoint signed note) with its cosignatures',
  responses: { 200: text('Signed note'), 404: errors[404] },
});
const entryRoute = createRoute({
  method: 'get',
  path: '/v1/log/entries/{index}',
  tags: ['transparency log'],
  summary:
    'One log entry: public leaf (a commitment); with an API key allowed to read it, the record and its salt',
  request: { params: z.object({ index }) },
  security: [{}, ...API_KEY_SECURITY],
  responses: {
    200: { description: 'Entry', content: { 'application/json': { schema: LogEntrySchema } } },
    401: {
      description: 'A key was sent and is not valid',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
    ...errors,
  },
});
const inclusionRoute = createRoute({
  method: 'get',
  path: '/v1/log/proof/inclusion',
  tags: ['transparency log'],
  summary: 'RFC 9162 §2.1.3 inclusion proof of an entry (size defaults to the newest checkpoint)',
  request: { query: z.object({ index, size: size.optional() }) },
  responses: {
    200: { description: 'Proof', content: { 'application/json': { schema: InclusionProofSchema } } },
    ...errors,
  },
});
const consistencyRoute = createRoute({
  method: 'get',
  path: '/v1/log/proof/consistency',
  tags: ['transparency log'],
  summary: 'RFC 9162 §2.1.4 consistency proof between two tree sizes',
  request: { query: z.object({ from: size, to: size }) },
  responses: {
    200: { description: 'Proof', content: { 'application/json': { schema: ConsistencyProofSchema } } },
    ...errors,
  },
});
const publicKeyRoute = createRoute({
  method: 'get',
  path: '/v1/log/public-key',
  tags: ['transparency log'],
  summary: "The log's signed-note verifier key (name = origin, key ID, Ed25519 key)",
  responses: { 200: text('Verifier key') },
});
const witnessRoute = createRoute({
  method: 'post',
  path: '/v1/witness/add-checkpoint',
  tags: ['witness'],
  summary:
    'C2SP tlog-witness add-checkpoint: cosign a consistent checkpoint of a followed log, or refuse and say why',
  request: { body: { content: { 'text/plain': { schema: z.string() } }, required: true } },
  responses: {
    200: text('Cosignature lines'),
    400: text('Malformed request'),
    403: text('Not signed by a trusted key of the log'),
    404: text('Log not followed'),
    409: text('Old size mismatch, rollback (text/x.tlog.size body) or fork'),
    422: text('Consistency proof does not verify'),
  },
});
const witnessKeyRoute = createRoute({
  method: 'get',
  path: '/v1/witness/public-key',
  tags: ['witness'],
  summary: "This installation's cosigner verifier key (C2SP tlog-cosignature, type 0x04)",
  responses: { 200: text('Verifier key'), 404: errors[404] },
});

/** LedgerError → the API's one error shape. */
function toHttp(err: unknown): never {
  if (err instanceof LedgerError) {
    if (err.code === 'NOT_FOUND')
      throw new HttpError(404, 'not_found', err.message, undefined, { cause: err });
    if (err.code === 'INVALID_ARGUMENT')
      throw new HttpError(400, 'invalid_body', err.message, undefined, { cause: err });
  }
  throw err;
}

/** The caller of a public route that also accepts an API key: undefined without one, 401 for a bad one. */
async function optionalPrincipal(
  authenticate: Authenticate | undefined,
  authorization: string | undefined,
  apiKey: string | undefined,
): Promise<Principal | undefined> {
  const secret = presentedSecret(authorization, apiKey);
  if (secret === undefined || !authenticate) return undefined;
  const principal = await authenticate(secret);
  if (!principal) throw new HttpError(401, 'unauthorized', 'the API key is not valid or has been revoked');
  return principal;
}

function mayRead(principal: Principal, administration: string | null): boolean {
  return (
    RECORD_READER_ROLES.includes(principal.role) &&
    (administration === null || administration === principal.administration)
  );
}

const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));
/** Refusal reasons go in a header; keep it to printable ASCII. */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);

/**
 * Adds the transparency-log read endpoints, the public key and (when this installation witnesses)
 * the tlog-witness endpoint. All of them are public: a partner verifies with nothing but the
 * public key, the checkpoint and a proof. The leaves are commitments; a record's content and salt
 * go only to API keys allowed to read it.
 */
export function registerLogRoutes(app: ApiApp, deps: LogRouteDeps): void {
  // Read deps at request time: the composition may open the log or the witness after routing is set up.
  const log = { get: () => deps.log };
  app.openapi(checkpointRoute, async (c) => {
    const latest = await log.get().latestCheckpoint();
    if (!latest) throw new HttpError(404, 'not_found', 'the log has no checkpoint yet');
    return c.text(latest.note, 200);
  });
  app.openapi(entryRoute, async (c) => {
    const { index: i } = c.req.valid('param');
    // A key that is sent must be valid, whatever the index: checked before anything is looked up.
    const principal = await optionalPrincipal(
      deps.authenticate,
      c.req.header('authorization'),
      c.req.header('x-api-key'),
    );
    const leaf = await log.get().entry(i).catch(toHttp);
    const record = await log.get().records.atIndex(i);
    const readable = principal !== undefined && mayRead(principal, record?.administration ?? null);
    const disclosed = disclosedRecord(record);
    const isCommitment = parseCommitmentLeaf(leaf.toString('utf8')) !== undefined;
    return c.json(
      {
        index: i,
        leafHash: hashLeaf(leaf).toString('hex'),
        ...(isCommitment || readable ? { entry: leaf.toString('base64') } : {}),
        ...(readable && disclosed ? { record: disclosed } : {}),
      },
      200,
    );
  });
  app.openapi(inclusionRoute, async (c) => {
    const q = c.req.valid('query');
    const p = await log.get().proveInclusion(q.index, q.size).catch(toHttp);
    return c.json({ index: p.index, size: p.size, hashes: hex(p.hashes) }, 200);
  });
  app.openapi(consistencyRoute, async (c) => {
    const q = c.req.valid('query');
    if (q.from > q.to) throw new HttpError(400, 'invalid_body', 'from must not exceed to');
    const p = await log.get().proveConsistency(q.from, q.to).catch(toHttp);
    return c.json({ from: p.from, to: p.to, hashes: hex(p.hashes) }, 200);
  });
  app.openapi(publicKeyRoute, (c) => c.text(`${log.get().verifierKey}\n`, 200));
  registerLogHistoryRoutes(app, log.get);
  app.openapi(witnessKeyRoute, (c) => {
    if (!deps.witness) throw new HttpError(404, 'not_found', 'this installation is not a witness');
    return c.text(`${deps.witness.key.verifierKey}\n`, 200);
  });
  // The add-checkpoint body and replies are protocol text (with text/x.tlog.size), not JSON: the
  // route is documented in OpenAPI and handled as plain Hono.
  app.openAPIRegistry.registerPath(witnessRoute);
  app.post(witnessRoute.path, async (c) => {
    if (!deps.witness) return c.text('this installation is not a witness\n', 404);
    const reply = await deps.witness.addCheckpoint(await c.req.text());
    const headers: Record<string, string> = { 'Content-Type': reply.contentType };
    if (reply.refusal) headers['Greenlane-Refusal'] = headerSafe(reply.refusal);
    return c.body(reply.body, reply.status, headers);
  });
}

/** The same routes as a {@link RouteModule} for `greenlaneRoutes(...)`. */
export function logRoutes(deps: LogRouteDeps): RouteModule {
  return { name: 'log', register: (app) => registerLogRoutes(app, deps) };
}

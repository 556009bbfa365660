import { createRoute, z } from '@hono/zod-openapi';
import type { StoredDecision } from '../../../app/ports/decision-records.ts';
import type { RiskSignal } from '../../../core/decision/signal.ts';
import { isValidInstant } from '../../../core/declaration/validation.ts';
import { hashLeaf } from '../../../core/ledger/merkle-hash.ts';
import { scoreDeclaration } from '../../../core/model/model-signals.ts';
import { type Contribution, createScorer } from '../../../core/model/risk-model.ts';
import { partyFingerprint } from '../../../core/screening/delta.ts';
import type { ScreeningQuery } from '../../../core/screening/screen.ts';
import type { StoreConnection } from '../../../driven/database/database.ts';
import type { TransparencyLog } from '../../../driven/ledger/transparency-log.ts';
import { ModelRegistry } from '../../../driven/model/model-registry.ts';
import { DECLARATION_STATUSES, type DeclarationDetail } from '../../../driven/store/declaration-records.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { disclosedRecord } from '../../../driven/store/ledger-records.ts';
import { type HitLink, hitLinkKey, hitLinks } from '../../../driven/store/screening-hit-reads.ts';
import { actorOf } from '../api-key-auth.ts';
import { ChannelSchema, RiskSignalSchema } from '../declaration-schemas.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { authErrors, errorJson } from './declarations.ts';
import { InclusionProofSchema, LoggedRecordSchema, RECORD_READER_ROLES } from './log.ts';

/*
 * What the workbench's declaration page needs beyond `GET /v1/declarations/{id}`: the reasons of
 * the current decision taken apart (profiles with their instructions, screening hits with their
 * evidence and stored hit, the model's per-feature contributions), what a browser needs to verify
 * the decision's transparency-log entry on its own, and the lifecycle milestones officers report.
 */

export interface DeclarationPageDeps {
  conn: StoreConnection;
  store: Pick<DeclarationStore, 'getDeclaration' | 'recordEvent'>;
  /** Without a log, `log-proof` answers 503. */
  log?: TransparencyLog;
}

const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Declaration id (LRN / MRN)' }),
});

const ProfileReasonSchema = z
  .object({
    id: z.string(),
    version: z.number().int().nullable(),
    title: z.string().nullable(),
    message: z.string().openapi({ description: 'The reason in words, with the facts that made it fire' }),
    instructions: z.string().nullable().openapi({ description: 'What the officer must check' }),
    minChannel: ChannelSchema.nullable(),
    items: z.array(z.number().int()).openapi({ description: 'Goods items (sequence numbers) it fired on' }),
    facts: z.array(z.string()),
  })
  .openapi('ProfileReason');

const ScreenedPartySchema = z
  .object({
    role: z.string(),
    query: z.record(z.string(), z.unknown()).openapi({ description: 'The party as screened' }),
    hits: z.array(
      z.object({
        list: z.string(),
        entityId: z.string(),
        name: z.string().nullable(),
        matchedName: z.string().nullable(),
        score: z.number(),
        decision: z.string(),
        reasons: z.array(z.string()).openapi({ description: 'The evidence, in words' }),
        hitId: z.string().nullable().openapi({ description: 'The stored hit to adjudicate, when recorded' }),
        status: z
          .string()
          .nullable()
          .openapi({ description: 'open, pending_clearance, true_positive, false_positive' }),
      }),
    ),
  })
  .openapi('ScreenedParty');

const ContributionSchema = z
  .object({
    feature: z.string(),
    value: z.number().nullable(),
    contribution: z
      .number()
      .openapi({ description: 'Signed log-odds points (path contributions of the trees)' }),
    reason: z.string(),
  })
  .openapi('Contribution');

export const ExplanationSchema = z
  .object({
    declarationId: z.string(),
    decisionId: z.string(),
    channel: ChannelSchema,
    score: z.number(),
    reasons: z.array(RiskSignalSchema).openapi({ description: 'Every reason, strongest first' }),
    profiles: z.array(ProfileReasonSchema),
    screening: z.array(ScreenedPartySchema),
    model: z
      .object({
        modelVersion: z.string().nullable(),
        probability: z.number(),
        itemSequence: z.number().int().nullable(),
        contributions: z.array(ContributionSchema),
        source: z.enum(['decision', 'recomputed']).openapi({
          description:
            '`decision`: the verdict recorded with the decision (the score reached the yellow threshold, so the ' +
            'model had a say). `recomputed`: the score stayed below it, and the model version in force at the ' +
            'decision (`modelVersion`) scored the declaration again on this read (same model, same content: same figures)',
        }),
      })
      .nullable()
      .openapi({
        description:
          "The model's verdict with every feature's contribution; null when no model was in force at the decision",
      }),
  })
  .openapi('Explanation');

export const LogProofSchema = z
  .object({
    logIndex: z.number().int(),
    decisionId: z.string(),
    leaf: z.string().openapi({ description: 'The exact leaf bytes, base64: {"commitment":"<hex>"}' }),
    leafHash: z.string().openapi({ description: 'RFC 9162 leaf hash SHA-256(0x00 || leaf), hex' }),
    record: LoggedRecordSchema.optional().openapi({
      description: 'The record and its salt, for roles admin, analyst and officer',
    }),
    proof: InclusionProofSchema,
    checkpoint: z
      .string()
      .openapi({ description: 'The signed checkpoint (C2SP signed note) the proof leads to' }),
    publicKey: z.string().openapi({ description: "The log's signed-note verifier key" }),
  })
  .openapi('LogProof');

const REPORTED_EVENTS = ['arrival', 'lodgement', 'inspection_start', 'inspection_end', 'release'] as const;

export const EventBodySchema = z
  .strictObject({
    event: z.enum(REPORTED_EVENTS),
    at: z
      .string()
      .max(40)
      .refine(isValidInstant, { message: 'must be an ISO 8601 date-time' })
      .optional()
      .openapi({ description: 'When it happened; defaults to now', example: '2026-11-28T13:00:00Z' }),
    version: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Version concerned; default current' }),
  })
  .openapi('LifecycleEventBody');

export const RecordedEventSchema = z
  .object({
    event: z.object({
      id: z.string(),
      version: z.number().int().nullable(),
      event: z.string(),
      at: z.string(),
      actor: z.string(),
    }),
    replayed: z
      .boolean()
      .openapi({ description: 'True when the same report was recorded before: nothing written' }),
    status: z.enum(DECLARATION_STATUSES),
  })
  .openapi('RecordedEvent');

const explanationRoute = createRoute({
  method: 'get',
  path: '/v1/declarations/{id}/explanation',
  tags: ['declarations'],
  summary:
    'The reasons of the current decision taken apart: profiles and their instructions, screening hits with evidence, model contributions',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/declarations/{id}/explanation')] as const,
  request: { params: IdParams },
  responses: {
    200: { description: 'The explanation', content: { 'application/json': { schema: ExplanationSchema } } },
    ...authErrors,
    404: errorJson('No such declaration in this administration'),
  },
});

const logProofRoute = createRoute({
  method: 'get',
  path: '/v1/declarations/{id}/log-proof',
  tags: ['declarations', 'transparency log'],
  summary: "Everything a browser needs to verify a decision's transparency-log entry itself",
  description:
    'Leaf, RFC 9162 inclusion proof to the newest signed checkpoint, the checkpoint and the log key. Check: ' +
    'commitment = hex(SHA-256(salt bytes || content)); leaf = {"commitment":"<hex>"}; leafHash = SHA-256(0x00 || leaf); ' +
    "the root computed from the proof equals the checkpoint's; the checkpoint's signature verifies with the key.",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/declarations/{id}/log-proof')] as const,
  request: {
    params: IdParams,
    query: z.strictObject({
      decision: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .openapi({ description: 'A decision id; default the current' }),
    }),
  },
  responses: {
    200: {
      description: 'Leaf, proof and checkpoint',
      content: { 'application/json': { schema: LogProofSchema } },
    },
    ...authErrors,
    404: errorJson('No such declaration or decision, or the decision is not in a signed checkpoint yet'),
    503: errorJson('This installation keeps no transparency log'),
  },
});

const eventRoute = createRoute({
  method: 'post',
  path: '/v1/declarations/{id}/events',
  tags: ['declarations'],
  summary: 'Report a Time Release Study milestone: arrival, lodgement, inspection start/end, release',
  description:
    'Idempotent: a replayed report answers 200 with the stored event and `replayed: true`. Arrival, lodgement and ' +
    'release happen once: reported again at another time they are 409. Inspection start moves the declaration ' +
    'to `under_inspection`, release to `released`.',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/declarations/{id}/events')] as const,
  request: {
    params: IdParams,
    body: { required: true, content: { 'application/json': { schema: EventBodySchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: RecordedEventSchema } } },
    200: {
      description: 'A replay: already recorded',
      content: { 'application/json': { schema: RecordedEventSchema } },
    },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
    404: errorJson('No such declaration in this administration'),
    409: errorJson('A once-only milestone is already recorded at another time'),
  },
});

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function profileReasons(reasons: readonly RiskSignal[]) {
  return reasons
    .filter((r) => r.source === 'profile')
    .map((r) => {
      const evidence = r.evidence ?? {};
      return {
        id: r.code,
        version: typeof evidence.profileVersion === 'number' ? evidence.profileVersion : null,
        title: str(evidence.title),
        message: r.message,
        instructions: r.instructions ?? null,
        minChannel: r.minChannel ?? null,
        items: r.items ?? [],
        facts: Array.isArray(evidence.facts)
          ? evidence.facts.filter((f): f is string => typeof f === 'string')
          : [],
      };
    });
}

interface EvidenceHit {
  list: string;
  entityId: string;
  name?: string;
  matchedName?: string;
  score: number;
  decision: string;
  reasons?: string[];
}

async function screenedParties(deps: DeclarationPageDeps, admin: string, reasons: readonly RiskSignal[]) {
  const parties = reasons
    .filter((r) => r.source === 'screening' && r.evidence)
    .map((r) => {
      const e = r.evidence as { role?: string; query?: ScreeningQuery; hits?: EvidenceHit[] };
      return { role: e.role ?? 'party', query: e.query, hits: e.hits ?? [] };
    });
  const keyOf = (q: ScreeningQuery | undefined) => (q ? partyFingerprint(q) : undefined);
  const keys = parties.map((p) => keyOf(p.query)).filter((k): k is string => k !== undefined);
  const links: Map<string, HitLink> = keys.length > 0 ? await hitLinks(deps.conn, admin, keys) : new Map();
  return parties.map((p) => {
    const key = keyOf(p.query);
    return {
      role: p.role,
      query: (p.query ?? {}) as Record<string, unknown>,
      hits: p.hits.map((h) => {
        const link = key ? links.get(hitLinkKey(key, h.list, h.entityId)) : undefined;
        return {
          list: h.list,
          entityId: h.entityId,
          name: h.name ?? null,
          matchedName: h.matchedName ?? null,
          score: h.score,
          decision: h.decision,
          reasons: h.reasons ?? [],
          hitId: link?.hitId ?? null,
          status: link?.status ?? null,
        };
      }),
    };
  });
}

const contributionView = (c: Contribution) => ({
  feature: c.feature,
  value: c.value,
  contribution: c.contribution,
  reason: c.reason,
});

/** Scorers of the model versions read lately, by id (a version's content never changes). */
const scorers = new Map<string, ReturnType<typeof createScorer> | null>();
const MAX_SCORERS = 8;

async function scorerOf(conn: StoreConnection, admin: string, modelId: string) {
  const key = `${admin}\u0000${modelId}`;
  if (!scorers.has(key)) {
    const found = await new ModelRegistry(conn.db, admin).version(modelId);
    if (scorers.size >= MAX_SCORERS) scorers.delete(scorers.keys().next().value!);
    scorers.set(key, found ? createScorer(found.model) : null);
  }
  return scorers.get(key) ?? null;
}

/**
 * The model's part of a decision: the verdict recorded with it when the model had a say; when its
 * score stayed below the yellow threshold (a declaration selected by a profile, a list or at random,
 * or left green), the version in force at the decision scores the declaration again, so an officer
 * sees what the model made of every declaration, not only of those it selected.
 */
async function modelPart(conn: StoreConnection, admin: string, detail: DeclarationDetail) {
  const { decision } = detail;
  const signal = decision.reasons.find((r) => r.source === 'model' && r.evidence?.contributions);
  if (signal) {
    const e = signal.evidence as {
      probability: number;
      modelVersion?: string;
      contributions: Contribution[];
    };
    return {
      modelVersion: e.modelVersion ?? null,
      probability: e.probability,
      itemSequence: signal.items?.[0] ?? null,
      contributions: e.contributions.map(contributionView),
      source: 'decision' as const,
    };
  }
  // A decision records the versions of every target in force (`fraud`, `critical`): the fraud model speaks first.
  const versions = decision.modelVersion?.split(',').filter(Boolean) ?? [];
  const modelId = versions.find((v) => v.includes(':fraud:')) ?? versions[0];
  if (modelId === undefined) return null;
  const scorer = await scorerOf(conn, admin, modelId);
  if (!scorer) return null;
  const scored = scoreDeclaration(scorer, detail.declaration);
  return {
    modelVersion: modelId,
    probability: scored.score,
    itemSequence: scored.itemSequence,
    contributions: scored.contributions.map(contributionView),
    source: 'recomputed' as const,
  };
}

function decisionOf(decisions: readonly StoredDecision[], current: StoredDecision, id: string | undefined) {
  if (id === undefined) return current;
  const found = decisions.find((d) => d.id === id);
  if (!found) throw new HttpError(404, 'not_found', `no decision ${id} on this declaration`);
  return found;
}

/**
 * `GET /v1/declarations/{id}/explanation`, `GET /v1/declarations/{id}/log-proof` and
 * `POST /v1/declarations/{id}/events`.
 */
export function declarationPageRoutes(deps: DeclarationPageDeps): RouteModule {
  return {
    name: 'declaration page',
    register: (app) => {
      app.openapi(explanationRoute, async (c) => {
        const admin = c.get('principal').administration;
        const detail = await deps.store.getDeclaration(admin, c.req.valid('param').id);
        const { decision } = detail;
        return c.json(
          {
            declarationId: detail.id,
            decisionId: decision.id,
            channel: decision.channel,
            score: decision.score,
            reasons: decision.reasons,
            profiles: profileReasons(decision.reasons),
            screening: await screenedParties(deps, admin, decision.reasons),
            model: await modelPart(deps.conn, admin, detail),
          },
          200,
        );
      });
      app.openapi(logProofRoute, async (c) => {
        const principal = c.get('principal');
        const detail = await deps.store.getDeclaration(principal.administration, c.req.valid('param').id);
        const decision = decisionOf(detail.decisions, detail.decision, c.req.valid('query').decision);
        const log = deps.log;
        if (!log) throw new HttpError(503, 'unavailable', 'this installation keeps no transparency log');
        const index = decision.logIndex;
        let latest = await log.latestCheckpoint();
        // An entry appended since the last checkpoint: sign one now rather than make the browser wait.
        if (index !== null && latest && index >= latest.checkpoint.size) {
          await log.publishCheckpoint();
          latest = await log.latestCheckpoint();
        }
        if (index === null || !latest || index >= latest.checkpoint.size) {
          throw new HttpError(
            404,
            'not_found',
            `decision ${decision.id} is not in a signed checkpoint yet; try again in a few seconds`,
          );
        }
        const leaf = await log.entry(index);
        const proof = await log.proveInclusion(index, latest.checkpoint.size);
        const record = RECORD_READER_ROLES.includes(principal.role)
          ? disclosedRecord(await log.records.atIndex(index))
          : undefined;
        return c.json(
          {
            logIndex: index,
            decisionId: decision.id,
            leaf: leaf.toString('base64'),
            leafHash: hashLeaf(leaf).toString('hex'),
            ...(record ? { record } : {}),
            proof: {
              index: proof.index,
              size: proof.size,
              hashes: proof.hashes.map((h) => h.toString('hex')),
            },
            checkpoint: latest.note,
            publicKey: log.verifierKey,
          },
          200,
        );
      });
      app.openapi(eventRoute, async (c) => {
        const principal = c.get('principal');
        const body = c.req.valid('json');
        const recorded = await deps.store.recordEvent(
          principal.administration,
          c.req.valid('param').id,
          {
            event: body.event,
            ...(body.at === undefined ? {} : { at: body.at }),
            ...(body.version === undefined ? {} : { version: body.version }),
          },
          actorOf(principal),
        );
        const { replayed, status, ...event } = recorded;
        c.set('activity', { event: event.event, replayed });
        return c.json({ event, replayed, status }, replayed ? 200 : 201);
      });
    },
  };
}

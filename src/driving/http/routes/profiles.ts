import { createRoute, z } from '@hono/zod-openapi';
import { stringify } from 'yaml';
import type { StoredProfile } from '../../../app/ports/profile-versions.ts';
import { backtestProfile } from '../../../app/profile-backtest.ts';
import { instantMs, isValidInstant } from '../../../core/declaration/validation.ts';
import type { ReferenceData } from '../../../core/reference/reference-data.ts';
import { lintProfile } from '../../../core/rules/lint-profile.ts';
import type { PriceBandLookup } from '../../../core/rules/price-bands.ts';
import { type RiskProfile, RiskProfileSchema } from '../../../core/rules/risk-profile.ts';
import type { StoreConnection } from '../../../driven/database/database.ts';
import { locateInProfileText, parseProfileFile } from '../../../driven/profiles/load-profiles.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { historyPages } from '../../../driven/store/history-pages.ts';
import { MAX_DRAFT_LENGTH, ProfileDraftRepository } from '../../../driven/store/profile-drafts.ts';
import { actorOf } from '../api-key-auth.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { authErrors, errorJson } from './declarations.ts';

/*
 * Risk profiles for analysts (docs/RISK-PROFILES.md): the administration's stored versions, drafts
 * edited as YAML and linted as they are typed, activation, and a backtest of a draft over stored
 * history before it goes live.
 */

export interface ProfileRouteDeps {
  conn: StoreConnection;
  store: Pick<DeclarationStore, 'profileVersions' | 'activeProfiles' | 'saveProfiles'>;
  reference: ReferenceData;
  priceBands?: PriceBandLookup;
  /** Appends the pending log entries of a profile change before the response. */
  onLogged?: () => Promise<void>;
}

export const LintIssueSchema = z
  .object({
    line: z.number().int().nullable(),
    column: z.number().int().nullable(),
    path: z.string().openapi({ description: 'RFC 6901 pointer into the profile' }),
    code: z.enum(['SYNTAX_ERROR', 'INVALID_PROFILE', 'NEVER_MATCHES']),
    message: z.string(),
  })
  .openapi('ProfileLintIssue');
export const LintResultSchema = z
  .object({
    ok: z.boolean(),
    profile: z.object({ id: z.string(), version: z.number().int() }).nullable(),
    issues: z.array(LintIssueSchema),
  })
  .openapi('ProfileLint');
type LintResult = z.infer<typeof LintResultSchema>;

const DraftInfo = z.object({ updatedAt: z.string(), updatedBy: z.string() });
const YamlBody = z.strictObject({
  yaml: z
    .string()
    .min(1)
    .max(MAX_DRAFT_LENGTH)
    .openapi({ description: 'One risk profile as YAML (or JSON)' }),
});
const ProfileIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'Risk profile id',
      example: 'P-UNDERVALUATION-01',
    }),
});
const instant = z
  .string()
  .max(40)
  .refine(isValidInstant, { message: 'must be an ISO 8601 date or date-time' })
  .transform((v) => new Date(instantMs(v)).toISOString());

export const BacktestSchema = z
  .object({
    profile: z.object({ id: z.string(), version: z.number().int() }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    scanned: z.number().int().openapi({ description: 'Stored declarations lodged in the range' }),
    hits: z.number().int().openapi({ description: 'Declarations the draft would have hit' }),
    hitRate: z.object({
      withOutcome: z.number().int().openapi({ description: 'Hits with a recorded inspection outcome' }),
      positive: z.number().int().openapi({ description: 'Of those, outcomes with a discrepancy or seizure' }),
      rate: z.number().nullable(),
    }),
    byChannel: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
    overlap: z.array(
      z.object({
        profileId: z.string(),
        hits: z.number().int().openapi({
          description: 'Scanned declarations whose current decision this profile is a reason of',
        }),
        shared: z.number().int().openapi({ description: 'Of those, hit by the draft too' }),
        shareOfDraft: z.number().nullable(),
      }),
    ),
    elapsedMs: z.number().int(),
  })
  .openapi('ProfileBacktest');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/profiles',
  tags: ['risk profiles'],
  summary: "The administration's risk profiles (newest version of each) and drafts",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/profiles')] as const,
  responses: {
    200: {
      description: 'Profiles',
      content: {
        'application/json': {
          schema: z
            .object({
              profiles: z.array(
                z.object({
                  id: z.string(),
                  version: z.number().int().openapi({ description: '0 for a profile that only has a draft' }),
                  enabled: z.boolean(),
                  title: z.string().nullable(),
                  minChannel: z.string().nullable(),
                  weight: z.number().nullable(),
                  contentHash: z.string().nullable(),
                  createdAt: z.string().nullable(),
                  createdBy: z.string().nullable(),
                  draft: DraftInfo.nullable(),
                }),
              ),
            })
            .openapi('ProfileList'),
        },
      },
    },
    ...authErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/profiles/{id}',
  tags: ['risk profiles'],
  summary: 'One risk profile: its newest version as YAML, every version, and its draft',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/profiles/{id}')] as const,
  request: { params: ProfileIdParams },
  responses: {
    200: {
      description: 'The profile',
      content: {
        'application/json': {
          schema: z
            .object({
              id: z.string(),
              version: z.number().int(),
              enabled: z.boolean(),
              yaml: z
                .string()
                .nullable()
                .openapi({ description: 'The newest stored version as YAML; null with only a draft' }),
              draft: DraftInfo.extend({ yaml: z.string() }).nullable(),
              versions: z.array(
                z.object({
                  version: z.number().int(),
                  enabled: z.boolean(),
                  contentHash: z.string(),
                  createdAt: z.string(),
                  createdBy: z.string(),
                }),
              ),
            })
            .openapi('ProfileDetail'),
        },
      },
    },
    ...authErrors,
    404: errorJson('No such profile or draft in this administration'),
  },
});

const lintRoute = createRoute({
  method: 'post',
  path: '/v1/profiles/lint',
  tags: ['risk profiles'],
  summary: 'Lint a profile text: syntax, schema and reference-data findings with line and column',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/profiles/lint')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: YamlBody } } } },
  responses: {
    200: {
      description: 'Findings (none when ok)',
      content: { 'application/json': { schema: LintResultSchema } },
    },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
  },
});

const draftRoute = createRoute({
  method: 'put',
  path: '/v1/profiles/{id}/draft',
  tags: ['risk profiles'],
  summary: 'Save the draft of a profile (kept even with lint findings; applied to nothing until activated)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('PUT /v1/profiles/{id}/draft')] as const,
  request: {
    params: ProfileIdParams,
    body: { required: true, content: { 'application/json': { schema: YamlBody } } },
  },
  responses: {
    200: {
      description: 'Saved',
      content: {
        'application/json': {
          schema: z
            .object({ id: z.string(), draft: DraftInfo.extend({ yaml: z.string() }), lint: LintResultSchema })
            .openapi('ProfileDraftSaved'),
        },
      },
    },
    400: errorJson("The body does not match the schema, or the profile's id is not the path's"),
    ...authErrors,
  },
});

const activationRoute = createRoute({
  method: 'post',
  path: '/v1/profiles/{id}/activation',
  tags: ['risk profiles'],
  summary: 'Activate the draft (stored as its version, enabled) or, with enabled=false, disable the profile',
  description:
    'The draft must lint clean (409 with the findings otherwise) and carry a version not stored with other content. ' +
    "Applies to the administration's next declaration; logged in the transparency log.",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/profiles/{id}/activation')] as const,
  request: {
    params: ProfileIdParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ enabled: z.boolean().default(true) }).openapi('ProfileActivationBody'),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Stored',
      content: {
        'application/json': {
          schema: z
            .object({ id: z.string(), version: z.number().int(), enabled: z.boolean(), status: z.string() })
            .openapi('ProfileActivation'),
        },
      },
    },
    400: errorJson('The body does not match the schema'),
    ...authErrors,
    404: errorJson('No draft (to activate) or no stored profile (to disable)'),
    409: errorJson('The draft has lint findings, or its version is stored with other content'),
  },
});

const backtestRoute = createRoute({
  method: 'post',
  path: '/v1/profiles/backtest',
  tags: ['risk profiles'],
  summary:
    'Run a draft profile over stored declarations: hits, hit rate on known outcomes, overlap with active profiles',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/profiles/backtest')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: YamlBody.extend({
            from: instant.optional().openapi({ description: 'Lodged at or after (default: all history)' }),
            to: instant.optional().openapi({ description: 'Lodged before' }),
          }).openapi('ProfileBacktestBody'),
        },
      },
    },
  },
  responses: {
    200: { description: 'The backtest', content: { 'application/json': { schema: BacktestSchema } } },
    400: errorJson(
      'The body does not match the schema or the YAML is not a valid profile (details: the findings)',
    ),
    ...authErrors,
  },
});

/** Lints one profile's text: YAML syntax, the profile schema, then reference-data findings. */
export function lintProfileText(
  text: string,
  reference: ReferenceData,
): LintResult & { parsed?: RiskProfile } {
  const { profiles, issues } = parseProfileFile('draft', text);
  const locate = locateInProfileText(text);
  const located = issues.map((i) => ({
    line: i.line ?? null,
    column: i.code === 'SYNTAX_ERROR' ? null : (locate(i.path).column ?? null),
    path: i.path,
    code: i.code === 'SYNTAX_ERROR' ? ('SYNTAX_ERROR' as const) : ('INVALID_PROFILE' as const),
    message: i.message,
  }));
  if (located.length > 0) return { ok: false, profile: null, issues: located };
  if (profiles.length !== 1) {
    const message = `a draft holds exactly one profile; this text holds ${profiles.length}`;
    return {
      ok: false,
      profile: null,
      issues: [{ line: 1, column: 1, path: '', code: 'INVALID_PROFILE', message }],
    };
  }
  const profile = profiles[0]!;
  const findings = lintProfile(profile, reference).map((i) => {
    const at = locate(i.path);
    return {
      line: at.line ?? null,
      column: at.column ?? null,
      path: i.path,
      code: 'NEVER_MATCHES' as const,
      message: i.message,
    };
  });
  return {
    ok: findings.length === 0,
    profile: { id: profile.id, version: profile.version },
    issues: findings,
    parsed: profile,
  };
}

const withoutParsed = ({ parsed: _, ...lint }: LintResult & { parsed?: RiskProfile }): LintResult => lint;

/** The newest stored version of each profile id. */
function newest(versions: readonly StoredProfile[]): Map<string, StoredProfile> {
  const out = new Map<string, StoredProfile>();
  for (const v of versions) if (v.version >= (out.get(v.id)?.version ?? 0)) out.set(v.id, v);
  return out;
}

/** The routes of risk profiles for analysts. */
export function profileRoutes(deps: ProfileRouteDeps): RouteModule {
  const drafts = new ProfileDraftRepository(deps.conn);
  return {
    name: 'profiles',
    register: (app) => {
      app.openapi(listRoute, async (c) => {
        const admin = c.get('principal').administration;
        const latest = newest(await deps.store.profileVersions(admin));
        const draftList = await drafts.list(admin);
        const ids = [...new Set([...latest.keys(), ...draftList.map((d) => d.id)])].sort();
        const profiles = ids.map((id) => {
          const p = latest.get(id);
          const content = (p?.content ?? {}) as Partial<RiskProfile>;
          const draft = draftList.find((d) => d.id === id);
          return {
            id,
            version: p?.version ?? 0,
            enabled: p?.enabled ?? false,
            title: content.title ?? null,
            minChannel: content.minChannel ?? null,
            weight: content.weight ?? null,
            contentHash: p?.contentHash ?? null,
            createdAt: p?.createdAt ?? null,
            createdBy: p?.createdBy ?? null,
            draft: draft ? { updatedAt: draft.updatedAt, updatedBy: draft.updatedBy } : null,
          };
        });
        return c.json({ profiles }, 200);
      });
      app.openapi(getRoute, async (c) => {
        const admin = c.get('principal').administration;
        const { id } = c.req.valid('param');
        const versions = (await deps.store.profileVersions(admin)).filter((v) => v.id === id);
        const draft = await drafts.get(admin, id);
        const last = versions.at(-1);
        if (!last && !draft) throw new HttpError(404, 'not_found', `no risk profile ${id}`);
        return c.json(
          {
            id,
            version: last?.version ?? 0,
            enabled: last?.enabled ?? false,
            yaml: last ? stringify(last.content) : null,
            draft: draft
              ? { yaml: draft.yaml, updatedAt: draft.updatedAt, updatedBy: draft.updatedBy }
              : null,
            versions: versions.map((v) => ({
              version: v.version,
              enabled: v.enabled,
              contentHash: v.contentHash,
              createdAt: v.createdAt,
              createdBy: v.createdBy,
            })),
          },
          200,
        );
      });
      app.openapi(lintRoute, (c) =>
        c.json(withoutParsed(lintProfileText(c.req.valid('json').yaml, deps.reference)), 200),
      );
      app.openapi(draftRoute, async (c) => {
        const principal = c.get('principal');
        const { id } = c.req.valid('param');
        const { yaml } = c.req.valid('json');
        const lint = lintProfileText(yaml, deps.reference);
        if (lint.profile && lint.profile.id !== id) {
          throw new HttpError(400, 'validation_failed', 'the request does not match the schema', [
            {
              path: '/yaml',
              code: 'custom',
              message: `the profile's id is "${lint.profile.id}", not "${id}"`,
            },
          ]);
        }
        const draft = await drafts.save(principal.administration, id, yaml, actorOf(principal));
        return c.json({ id, draft, lint: withoutParsed(lint) }, 200);
      });
      app.openapi(activationRoute, async (c) => {
        const principal = c.get('principal');
        const admin = principal.administration;
        const { id } = c.req.valid('param');
        const { enabled } = c.req.valid('json');
        let profile: RiskProfile;
        if (enabled) {
          const draft = await drafts.get(admin, id);
          if (!draft) throw new HttpError(404, 'not_found', `no draft of risk profile ${id}`);
          const lint = lintProfileText(draft.yaml, deps.reference);
          if (!lint.ok || !lint.parsed) {
            throw new HttpError(
              409,
              'conflict',
              `the draft of ${id} has ${lint.issues.length} lint finding(s); fix them first`,
              lint.issues.map((i) => ({
                path: i.path,
                code: i.code,
                message: `line ${i.line ?? '?'}: ${i.message}`,
              })),
            );
          }
          profile = { ...lint.parsed, enabled: true };
        } else {
          const last = (await deps.store.profileVersions(admin)).filter((v) => v.id === id).at(-1);
          if (!last) throw new HttpError(404, 'not_found', `no risk profile ${id}`);
          const content = RiskProfileSchema.parse(last.content);
          profile = { ...content, version: last.version + 1, enabled: false };
        }
        const [saved] = await deps.store.saveProfiles(
          admin,
          [{ id, version: profile.version, content: profile, enabled: profile.enabled }],
          actorOf(principal),
        );
        if (enabled) await drafts.remove(admin, id);
        await deps.onLogged?.();
        c.set('activity', { profile: id, version: saved!.version, enabled });
        return c.json({ id, version: saved!.version, enabled: profile.enabled, status: saved!.status }, 201);
      });
      app.openapi(backtestRoute, async (c) => {
        const admin = c.get('principal').administration;
        const { yaml, from, to } = c.req.valid('json');
        const lint = lintProfileText(yaml, deps.reference);
        if (!lint.parsed) {
          throw new HttpError(
            400,
            'validation_failed',
            'the YAML is not a valid risk profile',
            lint.issues.map((i) => ({
              path: `/yaml${i.path}`,
              code: i.code,
              message: `line ${i.line ?? '?'}: ${i.message}`,
            })),
          );
        }
        const started = performance.now();
        const active = (await deps.store.activeProfiles(admin)).map((p) => p.id);
        const range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
        const result = await backtestProfile(lint.parsed, historyPages(deps.conn, admin, range), {
          reference: deps.reference,
          ...(deps.priceBands ? { priceBands: deps.priceBands } : {}),
          activeProfiles: active,
        });
        const elapsedMs = Math.round(performance.now() - started);
        c.set('activity', { profile: lint.parsed.id, scanned: result.scanned, hits: result.hits });
        return c.json({ ...result, from: from ?? null, to: to ?? null, elapsedMs }, 200);
      });
    },
  };
}

import { createRoute, z } from '@hono/zod-openapi';
import {
  ClosedGroupSchema,
  type GroupPost,
  type GroupSeizure,
  operationSummary,
} from '../../../core/sharing/closed-group.ts';
import { GlobalSeizureReportSchema } from '../../../core/sharing/release-policy.ts';
import { SEIZURE_CATEGORIES } from '../../../core/sharing/seizure.ts';
import { instant, objectId, partyName, text } from '../../../core/sharing/shared-fields.ts';
import { mayReshare, TLP_CODES } from '../../../core/sharing/tlp.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import type { GroupPostBody, StoredGroup, StoredGroupPost } from '../../../driven/store/sharing-records.ts';
import { actorOf, type Principal } from '../api-key-auth.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type ApiApp } from '../route-module.ts';
import {
  CONFLICT,
  NOT_FOUND,
  ObjectIdParams,
  readerOf,
  requireOutbox,
  SHARING_ERRORS,
  type SharingRouteDeps,
  shareThrough,
  UNAVAILABLE,
} from './sharing-support.ts';

const GroupInputSchema = z
  .strictObject({
    name: text(200),
    members: z.array(partyName).max(199).openapi({
      description:
        'Partner names (`greenlane partners list`); the caller’s administration is added as coordinator',
    }),
    from: instant,
    until: instant
      .clone()
      .openapi({ description: 'Last instant of the operation (a date alone: the whole day)' }),
    purpose: text(2000).optional(),
    handling: z
      .enum(TLP_CODES)
      .default('AMBER')
      .openapi({ description: 'TLP code of the group and its posts' }),
  })
  .openapi('GroupInput');

const StoredGroupSchema = z
  .object({
    group: ClosedGroupSchema.clone(),
    source: z.string().openapi({
      description: '`local` when the caller’s administration coordinates it, else the coordinator',
    }),
    memberName: z.string(),
    handling: z.enum(TLP_CODES),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('StoredGroup');

const PostInputSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('message'), text: text(4000) }),
    z.strictObject({ kind: z.literal('alert'), alertId: objectId }),
    z.strictObject({
      kind: z.literal('seizure'),
      seizureId: objectId.clone().openapi({ description: 'An own seizure: its global form is posted' }),
    }),
  ])
  .openapi('GroupPostInput');

const StoredPostSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    by: z.string(),
    at: z.string(),
    post: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('message'), text: z.string() }),
      z.object({ kind: z.literal('alert'), alertId: z.string() }),
      z.object({ kind: z.literal('seizure'), report: GlobalSeizureReportSchema.clone() }),
    ]),
  })
  .openapi('GroupPost');

const SummarySchema = z
  .object({
    groupId: z.string(),
    name: z.string(),
    from: z.string(),
    until: z.string(),
    members: z.number().int(),
    alerts: z.number().int(),
    messages: z.number().int(),
    hits: z.number().int(),
    hitsByMember: z.record(z.string(), z.number()),
    seizures: z.number().int(),
    seizuresByCategory: z.record(z.enum(SEIZURE_CATEGORIES), z.number()),
    seizedValue: z.record(z.string(), z.number()),
    ignored: z.number().int(),
  })
  .openapi('OperationSummary');

const createGroupRoute = createRoute({
  method: 'post',
  path: '/v1/groups',
  tags: ['sharing'],
  summary: 'Open a closed group (joint operation) the caller’s administration coordinates',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/groups')] as const,
  request: { body: { content: { 'application/json': { schema: GroupInputSchema } }, required: true } },
  responses: {
    201: {
      description: 'Opened and shared with the members',
      content: { 'application/json': { schema: StoredGroupSchema } },
    },
    ...SHARING_ERRORS,
    ...UNAVAILABLE,
  },
});
const listRoute = createRoute({
  method: 'get',
  path: '/v1/groups',
  tags: ['sharing'],
  summary: 'The groups the caller’s administration coordinates or is a member of',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/groups')] as const,
  responses: {
    200: {
      description: 'Groups',
      content: { 'application/json': { schema: z.object({ items: z.array(StoredGroupSchema) }) } },
    },
    ...SHARING_ERRORS,
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{id}',
  tags: ['sharing'],
  summary: 'One group (members only)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/groups/{id}')] as const,
  request: { params: ObjectIdParams },
  responses: {
    200: { description: 'The group', content: { 'application/json': { schema: StoredGroupSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('group'),
  },
});
const postRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{id}/posts',
  tags: ['sharing'],
  summary: 'Post a message, an alert id or an own seizure’s global form to a group while the operation runs',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/groups/{id}/posts')] as const,
  request: {
    params: ObjectIdParams,
    body: { content: { 'application/json': { schema: PostInputSchema } }, required: true },
  },
  responses: {
    201: {
      description: 'Posted and shared with the other members',
      content: { 'application/json': { schema: StoredPostSchema } },
    },
    ...SHARING_ERRORS,
    ...NOT_FOUND('group'),
    ...CONFLICT('The operation is not running (before `from` or after `until`)'),
    ...UNAVAILABLE,
  },
});
const postsRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{id}/posts',
  tags: ['sharing'],
  summary: 'What members posted to a group, oldest first',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/groups/{id}/posts')] as const,
  request: { params: ObjectIdParams },
  responses: {
    200: {
      description: 'Posts',
      content: { 'application/json': { schema: z.object({ items: z.array(StoredPostSchema) }) } },
    },
    ...SHARING_ERRORS,
    ...NOT_FOUND('group'),
  },
});
const summaryRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{id}/summary',
  tags: ['sharing'],
  summary: 'The operation’s summary: alerts, messages, hits by member, seizures by category, seized value',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/groups/{id}/summary')] as const,
  request: { params: ObjectIdParams },
  responses: {
    200: { description: 'Summary', content: { 'application/json': { schema: SummarySchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('group'),
  },
});

/** A refused id in the post body, named by its pointer (an id the caller may not use answers like a missing one). */
function badPostId(path: '/alertId' | '/seizureId', code: string, message: string): StoreError {
  return new StoreError('INVALID_INPUT', `${path}: ${message}`, { details: [{ path, code, message }] });
}

/**
 * The alert a post names: one the administration holds. Its own, or a partner's whose label lets
 * it reach the group's other members (TLP:GREEN or CLEAR): an AMBER, AMBER+STRICT or RED alert
 * received from a partner is not passed on, not even by its id.
 */
async function postableAlert(deps: SharingRouteDeps, admin: string, alertId: string): Promise<void> {
  const alert = await deps.alerts.get(admin, alertId).catch((err: unknown) => {
    if (err instanceof StoreError && err.code === 'NOT_FOUND')
      throw badPostId('/alertId', 'unknown_alert', `alert ${alertId} is not an alert of this administration`);
    throw err;
  });
  if (alert.direction === 'received') {
    const reshare = mayReshare(alert.handling, 'community');
    if (!reshare.allowed)
      throw badPostId('/alertId', 'handling_forbids', `${alert.issuer}'s alert: ${reshare.reason}`);
  }
}

/** The other members of a group: whom what the administration posts goes to. */
const othersOf = (g: StoredGroup) => g.group.members.filter((m) => m !== g.memberName);

/** A stored post as `operationSummary` counts it. */
function counted(p: StoredGroupPost): GroupPost | GroupSeizure {
  const at = Date.parse(p.at);
  if (p.post.kind !== 'seizure') return { kind: p.post.kind, by: p.by, at };
  const { category, estimatedValue } = p.post.report;
  return { kind: 'seizure', by: p.by, at, category, ...(estimatedValue ? { estimatedValue } : {}) };
}

/** `POST|GET /v1/groups`, `GET /v1/groups/{id}`, `POST|GET /v1/groups/{id}/posts`, `GET /v1/groups/{id}/summary`. */
export function registerGroupRoutes(app: ApiApp, deps: SharingRouteDeps): void {
  const memberName = deps.memberName ?? ((administration: string) => administration.toLowerCase());

  app.openapi(createGroupRoute, async (c) => {
    const { handling, ...input } = c.req.valid('json');
    const principal = c.get('principal');
    const admin = principal.administration;
    const stored = await deps.groups.create(
      admin,
      input,
      { memberName: memberName(admin), handling, actor: actorOf(principal) },
      async (trx, group) => {
        const to = group.members.filter((m) => m !== group.coordinator);
        if (to.length > 0) {
          await shareThrough(requireOutbox(deps), trx, {
            administration: admin,
            kind: 'group',
            handling,
            body: group,
            to,
          });
        }
      },
    );
    await deps.onLogged?.();
    return c.json(stored, 201);
  });
  /** TLP 2.0 position of the caller: a partner's RED group is for the analysts it was delivered to. */
  const audienceOf = (principal: Principal) => readerOf(principal, 'groups').audience;
  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    return c.json({ items: await deps.groups.list(principal.administration, audienceOf(principal)) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    return c.json(await deps.groups.get(principal.administration, id, audienceOf(principal)), 200);
  });
  app.openapi(postRoute, async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const principal = c.get('principal');
    const admin = principal.administration;
    let post: GroupPostBody;
    if (input.kind === 'seizure') {
      const seizure = await deps.seizures
        .get(admin, input.seizureId, {
          form: 'global',
          reader: readerOf(principal, 'POST /v1/groups/{id}/posts'),
        })
        .catch((err: unknown) => {
          if (err instanceof StoreError && err.code === 'NOT_FOUND')
            throw badPostId('/seizureId', 'unknown_seizure', 'must be a seizure the administration recorded');
          throw err;
        });
      post = { kind: 'seizure', report: seizure.report };
    } else {
      if (input.kind === 'alert') await postableAlert(deps, admin, input.alertId);
      post = input;
    }
    const stored = await deps.groups.post(
      admin,
      id,
      post,
      { actor: actorOf(principal), now: Date.now() },
      async (trx, group, p) => {
        const to = othersOf(group);
        if (to.length > 0) {
          await shareThrough(requireOutbox(deps), trx, {
            administration: admin,
            kind: 'group-post',
            handling: group.handling,
            body: { groupId: group.group.id, post: p.post },
            to,
            itemId: p.id,
          });
        }
      },
    );
    await deps.onLogged?.();
    return c.json(stored, 201);
  });
  app.openapi(postsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    return c.json(
      { items: await deps.groups.posts(principal.administration, id, audienceOf(principal)) },
      200,
    );
  });
  app.openapi(summaryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.get('principal');
    const admin = principal.administration;
    const { group } = await deps.groups.get(admin, id, audienceOf(principal));
    const posts = await deps.groups.posts(admin, id, audienceOf(principal));
    const alertIds = new Set(posts.flatMap((p) => (p.post.kind === 'alert' ? [p.post.alertId] : [])));
    const feedback = (await deps.alertFeedback?.(admin, [...alertIds])) ?? [];
    return c.json(operationSummary(group, posts.map(counted), feedback, alertIds), 200);
  });
}

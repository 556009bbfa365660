import { createRoute, z } from '@hono/zod-openapi';
import type { PartnerStore } from '../../../driven/federation/partner-store.ts';
import { actorOf } from '../api-key-auth.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';

export const PartnerSchema = z
  .object({
    name: z.string(),
    administration: z.string(),
    url: z.string(),
    publicKey: z.string().openapi({ description: 'Ed25519 HTTP signing key, raw 32 bytes in base64' }),
    logKey: z
      .string()
      .nullable()
      .openapi({ description: "The partner's log verifier key, pinned from its first accepted envelope" }),
    pull: z.boolean().openapi({ description: 'The partner reads what is shared with it from the feed' }),
    pullFrom: z.boolean().openapi({ description: "This installation reads the partner's feed" }),
    lastSeq: z.number().int(),
    checkpoint: z.object({ size: z.number().int(), rootHash: z.string() }).nullable().openapi({
      description: "The partner's checkpoint last accepted (this installation witnesses its log)",
    }),
    ackedSize: z.number().int().nullable(),
    addedAt: z.string(),
    addedBy: z.string(),
  })
  .openapi('Partner');

const PartnerDetailSchema = PartnerSchema.extend({
  refusals: z.array(
    z.object({
      id: z.string(),
      partner: z.string().nullable(),
      code: z.string(),
      message: z.string(),
      at: z.string(),
    }),
  ),
  deliveries: z.object({
    pending: z.number().int(),
    delivered: z.number().int(),
    refused: z.number().int(),
    oldestPending: z
      .object({
        itemId: z.string(),
        seq: z.number().int(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
      })
      .nullable(),
  }),
}).openapi('PartnerDetail');

const NewPartnerSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    url: z.string().min(1).max(2000),
    publicKey: z.string().min(1).max(100),
    pull: z.boolean().default(false),
    feedKey: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .openapi({ description: "A partner-role API key of the partner's, to pull its feed (--pull-from)" }),
  })
  .openapi('NewPartner');

const errors = (forbidden: string) => ({
  401: {
    description: 'Missing or invalid API key',
    content: { 'application/json': { schema: ApiErrorSchema } },
  },
  403: { description: forbidden, content: { 'application/json': { schema: ApiErrorSchema } } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/partners',
  tags: ['federation'],
  summary: "The administration's partners",
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/partners')] as const,
  responses: {
    200: {
      description: 'Partners',
      content: { 'application/json': { schema: z.object({ partners: z.array(PartnerSchema) }) } },
    },
    ...errors("The key's role may not read partners"),
  },
});
const addRoute = createRoute({
  method: 'post',
  path: '/v1/partners',
  tags: ['federation'],
  summary: 'Add a partner installation to the administration (what `greenlane partners add` does)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/partners')] as const,
  request: { body: { content: { 'application/json': { schema: NewPartnerSchema } }, required: true } },
  responses: {
    201: { description: 'Added', content: { 'application/json': { schema: PartnerSchema } } },
    400: { description: 'Invalid partner', content: { 'application/json': { schema: ApiErrorSchema } } },
    ...errors('Only admin keys add partners'),
    409: {
      description: 'The name or key is already added',
      content: { 'application/json': { schema: ApiErrorSchema } },
    },
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/v1/partners/{name}',
  tags: ['federation'],
  summary: 'One partner, with its recent refusals and the delivery backlog',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/partners/{name}')] as const,
  request: { params: z.object({ name: z.string().min(1).max(100) }) },
  responses: {
    200: { description: 'Partner', content: { 'application/json': { schema: PartnerDetailSchema } } },
    ...errors("The key's role may not read partners"),
    404: { description: 'No such partner', content: { 'application/json': { schema: ApiErrorSchema } } },
  },
});

/** `/v1/partners`: the partners of the key's administration; another administration's is a missing one. */
export function partnerRoutes(deps: {
  partners: PartnerStore;
  /** This installation's identity: never a partner of itself. */
  self?: { name: string; publicKey: string };
}): RouteModule {
  const { partners } = deps;
  return {
    name: 'partners',
    register: (app) => {
      app.openapi(listRoute, async (c) => {
        const { administration } = c.get('principal');
        return c.json({ partners: await partners.list(administration) }, 200);
      });
      app.openapi(addRoute, async (c) => {
        const principal = c.get('principal');
        const body = c.req.valid('json');
        const added = await partners.add(
          {
            name: body.name,
            url: body.url,
            publicKey: body.publicKey,
            administration: principal.administration,
            pull: body.pull,
            ...(body.feedKey ? { pullFrom: { feedKey: body.feedKey } } : {}),
            addedBy: actorOf(principal),
          },
          deps.self,
        );
        c.set('activity', { partner: added.name });
        return c.json(added, 201);
      });
      app.openapi(getRoute, async (c) => {
        const { administration } = c.get('principal');
        const { name } = c.req.valid('param');
        const detail = await partners.detail(administration, name);
        if (!detail) throw new HttpError(404, 'not_found', `no partner ${name}`);
        return c.json(detail, 200);
      });
    },
  };
}

import { createRoute, z } from '@hono/zod-openapi';
import { normaliseGtin } from '../../../core/declaration/gs1.ts';
import { parseProductRecords } from '../../../core/medical/product.ts';
import type { StoreConnection } from '../../../driven/database/database.ts';
import { ProductRepository } from '../../../driven/store/product-repository.ts';
import { notFound } from '../../../driven/store/store-support.ts';
import { actorOf } from '../api-key-auth.ts';
import { HttpError } from '../http-error.ts';
import { requireRoute } from '../route-access.ts';
import { API_KEY_SECURITY, type RouteModule } from '../route-module.ts';
import { LimitParam, NOT_FOUND, SHARING_ERRORS } from './sharing-support.ts';

/** Products per request; a bigger registry loads in several requests (serials add up) or by the CLI. */
export const MAX_PRODUCTS_PER_REQUEST = 1000;

const LotSchema = z
  .object({
    gtin: z.string(),
    lot: z.string(),
    expiry: z.string(),
    quantityReleased: z.number(),
    recalled: z.boolean(),
  })
  .openapi('ProductLot');

const SummarySchema = z
  .object({
    gtin: z.string(),
    brand: z.string(),
    name: z.string(),
    hsCode: z.string(),
    lots: z.number(),
    serials: z.number(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('ProductSummary');

const ProductViewSchema = z
  .object({
    product: z.record(z.string(), z.unknown()).openapi({
      description:
        'The registered product (docs/MEDICAL.md) with its lots; serials are counted, never listed',
    }),
    lots: z.array(
      LotSchema.extend({
        serials: z.number().openapi({ description: 'Serial numbers registered for the lot' }),
        declaredUnits: z
          .number()
          .openapi({ description: "Units the administration's stored declarations declared of the lot" }),
      }),
    ),
    serials: z.number(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('ProductView');

const GtinParams = z.object({
  gtin: z.string().min(1).max(64).openapi({ description: 'GTIN-8, -12, -13 or -14' }),
});

const loadRoute = createRoute({
  method: 'post',
  path: '/v1/products',
  tags: ['products'],
  summary:
    'Load medical products with their lots and serials into the registry, all or nothing (docs/MEDICAL.md)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/products')] as const,
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            products: z
              .array(z.unknown())
              .min(1)
              .max(MAX_PRODUCTS_PER_REQUEST)
              .openapi({ description: 'Products as in a `greenlane products load` file (docs/MEDICAL.md)' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Loaded: what was written',
      content: {
        'application/json': {
          schema: z.object({ products: z.number(), lots: z.number(), serials: z.number() }),
        },
      },
    },
    ...SHARING_ERRORS,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/products',
  tags: ['products'],
  summary: 'Registered products in GTIN order, with their numbers of lots and serials',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/products')] as const,
  request: {
    query: z.strictObject({
      after: z
        .string()
        .regex(/^\d{14}$/, 'a GTIN-14')
        .optional()
        .openapi({ description: 'Cursor: the last GTIN of the previous page (its `next`)' }),
      limit: LimitParam,
    }),
  },
  responses: {
    200: {
      description: 'One page of products',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(SummarySchema),
            next: z
              .string()
              .nullable()
              .openapi({ description: 'The `after` of the next page; null on the last' }),
          }),
        },
      },
    },
    ...SHARING_ERRORS,
  },
});

const showRoute = createRoute({
  method: 'get',
  path: '/v1/products/{gtin}',
  tags: ['products'],
  summary: 'One registered product with its lots, serial counts and units declared per lot',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('GET /v1/products/{gtin}')] as const,
  request: { params: GtinParams },
  responses: {
    200: { description: 'The product', content: { 'application/json': { schema: ProductViewSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('product'),
  },
});

const recallRoute = createRoute({
  method: 'post',
  path: '/v1/products/{gtin}/lots/{lot}/recall',
  tags: ['products'],
  summary: 'Mark a registered lot recalled: declarations of it are stopped (MEDICAL_LOT_RECALLED)',
  security: API_KEY_SECURITY,
  middleware: [requireRoute('POST /v1/products/{gtin}/lots/{lot}/recall')] as const,
  request: {
    params: GtinParams.extend({ lot: z.string().min(1).max(64) }),
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            reason: z
              .string()
              .trim()
              .min(1)
              .max(1000)
              .openapi({ description: 'Why (kept in the audit log)' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'The lot, recalled', content: { 'application/json': { schema: LotSchema } } },
    ...SHARING_ERRORS,
    ...NOT_FOUND('product or lot'),
  },
});

/** A GTIN-14 from a path, or undefined when it is no GTIN (answered like an unregistered one). */
function gtinOf(param: string): string | undefined {
  try {
    return normaliseGtin(param);
  } catch {
    return undefined;
  }
}

/**
 * `POST|GET /v1/products`, `GET /v1/products/{gtin}`, `POST /v1/products/{gtin}/lots/{lot}/recall`:
 * the medical product registry of the caller's administration (issue 13, docs/MEDICAL.md).
 */
export function productRoutes(deps: { conn: StoreConnection }): RouteModule {
  const products = new ProductRepository(deps.conn);
  return {
    name: 'products',
    register(app) {
      app.openapi(loadRoute, async (c) => {
        const principal = c.get('principal');
        const parsed = parseProductRecords(c.req.valid('json').products);
        if (!parsed.ok)
          throw new HttpError(
            400,
            'validation_failed',
            `nothing loaded: ${parsed.issues.length} problem(s) in the products`,
            parsed.issues.map((i) => ({
              path: `/products/${i.record - 1}${i.path}`,
              code: 'invalid_product',
              message: i.message,
            })),
          );
        const summary = await products.load(principal.administration, parsed.products, actorOf(principal));
        c.set('activity', { ...summary });
        return c.json(summary, 201);
      });
      app.openapi(listRoute, async (c) => {
        const { after, limit } = c.req.valid('query');
        const items = await products.list(c.get('principal').administration, {
          limit,
          ...(after !== undefined ? { after } : {}),
        });
        return c.json({ items, next: items.length === limit ? items[items.length - 1]!.gtin : null }, 200);
      });
      app.openapi(showRoute, async (c) => {
        const { gtin } = c.req.valid('param');
        const normal = gtinOf(gtin);
        const view =
          normal === undefined ? undefined : await products.get(c.get('principal').administration, normal);
        if (!view) throw notFound(`product ${gtin}`);
        const { lots, ...product } = view.product;
        return c.json({ ...view, product, lots }, 200);
      });
      app.openapi(recallRoute, async (c) => {
        const principal = c.get('principal');
        const { gtin, lot } = c.req.valid('param');
        const normal = gtinOf(gtin);
        const recalled =
          normal === undefined
            ? undefined
            : await products.recall(
                principal.administration,
                normal,
                lot,
                actorOf(principal),
                c.req.valid('json').reason,
              );
        if (!recalled) throw notFound(`lot ${lot} of product ${gtin}`);
        return c.json(recalled, 200);
      });
    },
  };
}

import { z } from 'zod';
import { Gs1Error, normaliseGtin } from '../declaration/gs1.ts';
import { isValidInstant } from '../declaration/validation.ts';

/**
 * A registered medical product (the WCO IPM idea, open): what a rights holder, manufacturer or the
 * national regulator tells frontline officers about a genuine product so a fake can be told
 * apart. One record per GTIN per administration, with its lots and, where the product is
 * serialised, the serial numbers of its packs. docs/MEDICAL.md describes the file format.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code (two capital letters)');
/** GS1 character set 82, 1 to 20 characters: what AI 10 and AI 21 may hold. */
const gs1Value = z
  .string()
  .regex(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/, '1 to 20 characters of GS1 character set 82');
const date = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isValidInstant(v), 'a date YYYY-MM-DD');

export const GtinSchema = z.string().transform((value, ctx) => {
  try {
    return normaliseGtin(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Gs1Error ? err.message : String(err) });
    return z.NEVER;
  }
});

export const AuthorisedManufacturerSchema = z.strictObject({
  name: text(300),
  /** The manufacturing site (town, plant), as on the marketing authorisation. */
  site: text(300).optional(),
  country,
});

export const AuthorisedTraderSchema = z.strictObject({
  /** Trader identification (EORI, TIN, national number), as declared on the party. */
  id: text(64).optional(),
  name: text(300),
  country: country.optional(),
});

export const LotSchema = z.strictObject({
  lot: gs1Value,
  expiry: date,
  /** Units (packs) released by the manufacturer for this lot: more can never be genuine. */
  quantityReleased: z.number().int().min(0),
  recalled: z.boolean().default(false),
  /** Serial numbers of the lot's packs (GS1 AI 21), when the product is serialised. */
  serials: z.array(gs1Value).max(5_000_000).default([]),
});
export type Lot = z.output<typeof LotSchema>;

export const ProductSchema = z
  .strictObject({
    gtin: GtinSchema,
    name: text(300),
    brand: text(200),
    /** Pharmaceutical form, e.g. `suspension for injection`. */
    form: text(100).optional(),
    strength: text(100).optional(),
    /** HS code, 6 to 10 digits without dots. */
    hsCode: z.string().regex(/^\d{6,10}$/, '6 to 10 digits, no dots'),
    manufacturers: z.array(AuthorisedManufacturerSchema).min(1).max(100),
    /** Empty: any exporter (the check is skipped). */
    exporters: z.array(AuthorisedTraderSchema).max(1000).default([]),
    importers: z.array(AuthorisedTraderSchema).max(1000).default([]),
    /**
     * Countries the goods may be dispatched from or pass through (the authorised supply route);
     * when absent, the manufacturers' and authorised exporters' countries.
     */
    routeCountries: z.array(country).max(250).optional(),
    /** Expected unit price (per pack, the declared supplementary quantity's unit). */
    unitPrice: z
      .strictObject({
        currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
        min: z.number().min(0),
        max: z.number().min(0),
      })
      .refine((p) => p.max >= p.min, { message: 'max must not be below min', path: ['max'] })
      .optional(),
    coldChain: z
      .strictObject({
        minCelsius: z.number(),
        maxCelsius: z.number(),
        /** Hours the product may spend out of its temperature range in all (stability budget). */
        maxUnrefrigeratedHours: z.number().min(0),
      })
      .refine((c) => c.maxCelsius >= c.minCelsius, {
        message: 'maxCelsius must not be below minCelsius',
        path: ['maxCelsius'],
      })
      .optional(),
    /** Authentic packaging features an officer can check (holograms, fonts, seals). */
    packagingFeatures: z.array(text(1000)).max(50).default([]),
    lots: z.array(LotSchema).max(100_000).default([]),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.lots.forEach((lot, i) => {
      if (seen.has(lot.lot))
        ctx.addIssue({
          code: 'custom',
          path: ['lots', i, 'lot'],
          message: `lot "${lot.lot}" is listed twice`,
        });
      seen.add(lot.lot);
    });
  });
export type Product = z.output<typeof ProductSchema>;
export type ProductInput = z.input<typeof ProductSchema>;

/** The countries a product may travel from or through: its own list, else its makers' and exporters'. */
export function routeCountriesOf(product: Product): ReadonlySet<string> {
  if (product.routeCountries) return new Set(product.routeCountries);
  return new Set([
    ...product.manufacturers.map((m) => m.country),
    ...product.exporters.flatMap((e) => (e.country ? [e.country] : [])),
  ]);
}

/** One problem with a record of a products file: which record (1-based), which field (JSON pointer), why. */
export interface ProductIssue {
  record: number;
  path: string;
  message: string;
}

/**
 * Parses a products file: a JSON array (or one object), or NDJSON (one product per line). A
 * file loads whole or not at all, so every problem is reported: the record number and the field.
 */
export function parseProductsText(
  text: string,
): { ok: true; products: Product[] } | { ok: false; issues: ProductIssue[] } {
  const issues: ProductIssue[] = [];
  let records: unknown[];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      records = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      return { ok: false, issues: [{ record: 0, path: '', message: `not JSON: ${(err as Error).message}` }] };
    }
  } else {
    records = [];
    const lines = trimmed.split('\n').filter((l) => l.trim().length > 0);
    // A single pretty-printed object is JSON, not NDJSON.
    const whole = lines.length > 1 && !lines[0]!.trim().endsWith('}') ? [trimmed] : lines;
    whole.forEach((line, i) => {
      try {
        records.push(JSON.parse(line));
      } catch (err) {
        records.push(undefined);
        issues.push({ record: i + 1, path: '', message: `not JSON: ${(err as Error).message}` });
      }
    });
  }
  const parsed = parseProductRecords(records);
  return issues.length > 0 || !parsed.ok
    ? {
        ok: false,
        issues: [...issues, ...(parsed.ok ? [] : parsed.issues)].sort((a, b) => a.record - b.record),
      }
    : parsed;
}

/**
 * Validates product records already read (a file's records, an API request's `products`): every
 * problem by record (1-based) and field, and a GTIN given twice. An `undefined` record (a line
 * that did not read as JSON, already reported) is passed over.
 */
export function parseProductRecords(
  records: readonly unknown[],
): { ok: true; products: Product[] } | { ok: false; issues: ProductIssue[] } {
  const issues: ProductIssue[] = [];
  const products: Product[] = [];
  const seen = new Map<string, number>();
  records.forEach((value, i) => {
    if (value === undefined) return;
    const parsed = ProductSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 20))
        issues.push({
          record: i + 1,
          path: issue.path.map((p) => `/${String(p)}`).join(''),
          message: issue.message,
        });
      return;
    }
    const first = seen.get(parsed.data.gtin);
    if (first !== undefined)
      issues.push({
        record: i + 1,
        path: '/gtin',
        message: `GTIN ${parsed.data.gtin} is also record ${first}`,
      });
    seen.set(parsed.data.gtin, i + 1);
    products.push(parsed.data);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, products };
}

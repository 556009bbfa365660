import { z } from 'zod';

/**
 * A low-value consignment: the data of an EU H7 customs declaration (the "super-reduced dataset" for
 * goods of an intrinsic value up to EUR 150, Annex B of Delegated Regulation (EU) 2015/2446, column
 * H7) or of a US de minimis entry (19 U.S.C. 1321, "Section 321", filed as ACE entry type 86).
 * `docs/ECOMMERCE.md` maps every field to its H7 data element.
 *
 * These zod schemas are the single source of truth for the validator, the HTTP API (OpenAPI), the
 * CLI and the store, as `core/declaration/declaration.ts` is for full declarations.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const isoInstant = z.string().max(40);

/** Which low-value regime the consignment is declared under; it sets the value threshold. */
export const CONSIGNMENT_REGIMES = ['eu-h7', 'us-de-minimis'] as const;
export type ConsignmentRegime = (typeof CONSIGNMENT_REGIMES)[number];

export const CONSIGNMENT_TRANSPORT_MODES = ['post', 'express', 'air', 'road', 'rail', 'sea'] as const;

export const SellerSchema = z.strictObject({
  /** H7 13 01 000 Exporter (the seller or supplier): name. */
  name: text(300),
  /** H7 13 01 000 Exporter: country of its address (ISO 3166-1 alpha-2). */
  country: z.string(),
  /** Exporter identification (EORI, VAT number, or the marketplace's seller id). */
  id: text(64).optional(),
});
export type Seller = z.infer<typeof SellerSchema>;

export const BuyerSchema = z.strictObject({
  /** H7 13 04 000 Importer (the buyer): country of its address (ISO 3166-1 alpha-2). */
  country: z.string(),
  name: text(300).optional(),
  street: text(200).optional(),
  city: text(100).optional(),
  postcode: text(20).optional(),
  /** Importer identification number, when it has one (EORI, tax number). */
  id: text(64).optional(),
});
export type Buyer = z.infer<typeof BuyerSchema>;

export const PlatformSchema = z.strictObject({
  /** The electronic interface (marketplace) that facilitated the sale: no H7 element of its own. */
  name: text(200),
  /** Its VAT registration when it is the deemed supplier (Article 14a VAT Directive). */
  id: text(64).optional(),
});

export const ConsignmentItemSchema = z.strictObject({
  /** H7 18 05 000 Description of goods: plain language, precise enough to identify the goods. */
  description: text(512),
  /** H7 18 09 056 Harmonized System subheading code: 6 digits, when the seller knows it. */
  hs6: z.string().optional(),
  /** Units of the goods (US type 86 "quantity"; H7 has none: one line per kind of goods). */
  quantity: z.number().int().positive().default(1),
  /** H7 14 15 000 Intrinsic value of this line, in the consignment's currency. */
  value: z.number(),
  /** H7 16 08 000 Country of origin (ISO 3166-1 alpha-2), when stated. */
  originCountry: z.string().optional(),
});
export type ConsignmentItem = z.infer<typeof ConsignmentItemSchema>;

export const ConsignmentTransportSchema = z.strictObject({
  mode: z.enum(CONSIGNMENT_TRANSPORT_MODES),
  /** UPU S10 postal item identifier (`RR123456785DE`): 2 letters, 8 digits, check digit, 2 letters. */
  postalItemId: z.string().optional(),
  /** H7 12 05 000 Transport document: house air waybill or the express carrier's tracking number. */
  trackingNumber: text(64).optional(),
  /** H7 12 05 000 Transport document: the master air waybill the parcel travels under. */
  masterAirWaybill: text(64).optional(),
});

export const ConsignmentSchema = z.strictObject({
  /** H7 12 09 000 LRN: the declarant's reference of the consignment, unique per administration. */
  id: text(64),
  regime: z.enum(CONSIGNMENT_REGIMES).default('eu-h7'),
  /** When the data were lodged (before loading, ICS2-style); the split-consignment window runs on it. */
  lodgedAt: isoInstant,
  seller: SellerSchema,
  buyer: BuyerSchema,
  platform: PlatformSchema.optional(),
  /** H7 13 16 000 Additional fiscal references: the IOSS VAT number (`IM` + 10 digits). */
  iossNumber: z.string().optional(),
  /** H7 14 15 001/002 Intrinsic value currency (ISO 4217). */
  currency: z.string(),
  /** H7 14 16 000 Transport and insurance costs to the destination, in the same currency. */
  transportCost: z.number().optional(),
  /** H7 18 04 000 Gross mass of the consignment in kilograms. */
  grossMassKg: z.number(),
  transport: ConsignmentTransportSchema.optional(),
  /** H7 11 03 000 Goods item number = position in this list; H7 allows up to 999. */
  items: z.array(ConsignmentItemSchema).min(1).max(999),
});
export type Consignment = z.infer<typeof ConsignmentSchema>;
/** What a client may send: defaults (regime, quantity) not yet filled in. */
export type ConsignmentInput = z.input<typeof ConsignmentSchema>;

/** The intrinsic value of a consignment: the sum of its lines (H7 14 15 000 per line). */
export function intrinsicValue(c: Consignment): number {
  let sum = 0;
  for (const item of c.items) sum += item.value;
  return sum;
}

/** Units of goods in a consignment. */
export function unitCount(c: Consignment): number {
  let sum = 0;
  for (const item of c.items) sum += item.quantity;
  return sum;
}

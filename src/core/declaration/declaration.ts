import { z } from 'zod';

/**
 * The Greenlane declaration, aligned with the WCO Data Model (v3/v4 goods declaration and cargo
 * report classes). `docs/DATA-MODEL.md` maps each field to its WCO DM element.
 *
 * These zod schemas are the single source of truth: the validator, the HTTP API (OpenAPI), the CLI
 * and the store all use them.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
/** ISO 8601 date or date-time; checked to be a real instant by the validator. */
const isoInstant = z.string().max(40);

export const DECLARATION_TYPES = ['import', 'export', 'transit'] as const;
export const TRANSPORT_MODES = [
  'sea',
  'rail',
  'road',
  'air',
  'post',
  'fixed-installation',
  'inland-waterway',
  'own-propulsion',
  'unknown',
] as const;

export const AddressSchema = z.strictObject({
  street: text(200).optional(),
  city: text(100).optional(),
  postcode: text(20).optional(),
  country: z.string().optional(),
});

export const PartySchema = z.strictObject({
  /** Party identification number (WCO DM ID of the party; EORI, TIN or national trader number). */
  id: text(64).optional(),
  name: text(300).optional(),
  address: AddressSchema.optional(),
  country: z.string().optional(),
  identifiers: z
    .object({
      eori: text(20).optional(),
      tin: text(40).optional(),
    })
    .optional(),
  /** Authorised Economic Operator / trusted-trader status (WCO SAFE Framework). */
  trustedTrader: z.boolean().optional(),
});
export type Party = z.infer<typeof PartySchema>;

export const PARTY_ROLES = [
  'declarant',
  'importer',
  'exporter',
  'consignor',
  'consignee',
  'carrier',
] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const DocumentSchema = z.strictObject({
  /** Document type code, e.g. `CITES`, `ODS-LICENCE`, `IMPORT-PERMIT`, `CERT-ORIGIN`, `MA` (marketing authorisation). */
  type: text(40),
  reference: text(100),
  issuer: text(200).optional(),
  validFrom: isoInstant.optional(),
  validUntil: isoInstant.optional(),
});
export type SupportingDocument = z.infer<typeof DocumentSchema>;

export const TransportSchema = z.strictObject({
  mode: z.enum(TRANSPORT_MODES),
  /** IMO ship identification number (7 digits) for sea transport. */
  vesselImo: z.string().optional(),
  vesselName: text(200).optional(),
  flightNumber: text(20).optional(),
  /** Identification of the means of transport (registration, voyage number). */
  meansId: text(64).optional(),
  nationality: z.string().optional(),
});

export const GoodsItemSchema = z.strictObject({
  /** Goods item sequence number, 1-based. */
  sequence: z.number().int().positive(),
  /** HS code, 6 to 10 digits without dots; the first six must exist in `hsEdition`. */
  hsCode: z.string(),
  hsEdition: z.enum(['2022', '2017']).default('2022'),
  description: text(1000).optional(),
  originCountry: z.string(),
  netMass: z.number().optional(),
  grossMass: z.number().optional(),
  supplementaryQuantity: z.number().optional(),
  supplementaryUnit: text(10).optional(),
  invoiceValue: z.number().optional(),
  customsValue: z.number().optional(),
  /** Duty rate in percent (ad valorem). */
  dutyRate: z.number().optional(),
  /** Duty/tax type code (e.g. `A` basic, `FEU1` preferential). */
  taxType: text(10).optional(),
  /** Preference claimed (WCO DM "Preference" on the goods item; e.g. an FTA tariff preference code). */
  preference: text(10).optional(),
  documents: z.array(DocumentSchema).max(100).default([]),
  /** GS1 GTIN-8/12/13/14 of the product (check digit verified). */
  gtin: z.string().optional(),
  /** Batch or lot number (GS1 AI 10). */
  lot: text(40).optional(),
  /** Expiry date of the lot, `YYYY-MM-DD` (GS1 AI 17). */
  expiry: z.string().max(10).optional(),
  /** Serial numbers of the packs declared (GS1 AI 21), as scanned from their DataMatrix codes. */
  serials: z.array(text(20)).max(10_000).optional(),
  /** One pack's serial number (GS1 AI 21); `serials` for several. */
  serial: text(20).optional(),
  /**
   * A GS1 code as scanned: element string (parenthesised or with FNC1/GS separators) or Digital
   * Link URI; its GTIN, lot, expiry and serial must agree with the fields above when both are given.
   */
  gs1: z.string().min(1).max(500).optional(),
  /** Manufacturer of the goods as on the pack or certificate of analysis (checked against the product registry). */
  manufacturer: text(300).optional(),
  /** Hours the goods are declared to spend outside refrigeration on the way (cold-chain budget). */
  unrefrigeratedHours: z.number().optional(),
});
export type GoodsItem = z.infer<typeof GoodsItemSchema>;

export const DeclarationSchema = z.strictObject({
  id: text(64),
  type: z.enum(DECLARATION_TYPES),
  /** Customs office of lodgement (WCO DM "Declaration office"; a national or COL office code). */
  customsOffice: text(20),
  lodgedAt: isoInstant,
  arrivalAt: isoInstant.optional(),
  /** Customs procedure code (e.g. `4000` release for free circulation). */
  procedure: text(10).optional(),
  declarant: PartySchema.optional(),
  importer: PartySchema.optional(),
  exporter: PartySchema.optional(),
  consignor: PartySchema.optional(),
  consignee: PartySchema.optional(),
  carrier: PartySchema.optional(),
  transport: TransportSchema.optional(),
  transportDocuments: z
    .array(z.strictObject({ type: text(20), reference: text(100) }))
    .max(100)
    .default([]),
  containers: z.array(text(20)).max(1000).default([]),
  dispatchCountry: z.string().optional(),
  destinationCountry: z.string().optional(),
  /** Itinerary as UN/LOCODEs (5 characters, e.g. `NLRTM`), in order. */
  route: z.array(z.string()).max(50).default([]),
  currency: z.string(),
  invoiceTotal: z.number().optional(),
  /**
   * National data elements with no WCO DM counterpart in this model (WCO DM "Additional information",
   * e.g. the Korean import-use or payment-type codes of the synthetic data set), as code -> value.
   */
  additionalInformation: z.record(z.string().max(40), z.string().max(200)).optional(),
  items: z.array(GoodsItemSchema).min(1).max(999),
});
export type Declaration = z.infer<typeof DeclarationSchema>;
/** What a client may send: defaults (edition, empty arrays) not yet filled in. */
export type DeclarationInput = z.input<typeof DeclarationSchema>;

/** Parties of a declaration with their role, for screening and profile criteria. */
export function partiesOf(declaration: Declaration): Array<{ role: PartyRole; party: Party }> {
  const out: Array<{ role: PartyRole; party: Party }> = [];
  for (const role of PARTY_ROLES) {
    const party = declaration[role];
    if (party) out.push({ role, party });
  }
  return out;
}

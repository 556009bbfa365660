import { z } from 'zod';
import type { GoodsItem } from '../declaration/declaration.ts';

/**
 * The permit and licence register of an administration (docs/ENVIRONMENT.md): CITES permits and
 * certificates, ozone/HFC import and export licences, Basel notifications and movement documents,
 * drug precursor pre-export notifications and CWC licences, and the traders' annual quotas. One
 * zod schema per record kind is the single source of truth for the file loader and `/v1/permits`.
 */

export const DOCUMENT_KINDS = [
  'cites-permit',
  'cites-certificate',
  'ods-licence',
  'basel-notification',
  'basel-movement',
  'precursor-notification',
  'cwc-licence',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** CITES purpose-of-transaction codes (Res. Conf. 12.3, Annex 1 item 5). */
export const CITES_PURPOSES = ['B', 'E', 'G', 'H', 'L', 'M', 'N', 'P', 'Q', 'S', 'T', 'Z'] as const;
/** CITES source codes (Res. Conf. 12.3, Annex 1 item 5). */
export const CITES_SOURCES = ['W', 'R', 'D', 'A', 'C', 'F', 'U', 'I', 'O', 'X', 'Y'] as const;
export const QUOTA_CONTROLS = ['ods', 'hfc'] as const;
export type QuotaControl = (typeof QUOTA_CONTROLS)[number];

/** A document number as registers print them: letters, digits and `/ . - _`, 3 to 64 characters. */
export const DOCUMENT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9/._-]{2,63}$/;

const number = z.string().trim().regex(DOCUMENT_NUMBER, 'must be 3 to 64 letters, digits or / . - _');
const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code');
const instant = z.iso.datetime({ offset: true });
const quantity = z.number().positive().max(1e12);
const name = (max: number) => z.string().trim().min(1).max(max);

const common = {
  number,
  direction: z.enum(['import', 'export', 're-export']),
  /** The trader the document is issued to (the id the declarations give the importer or exporter). */
  trader: name(64),
  issuingCountry: country,
  /** The other country of the trade (exporting country of an import licence...), when the document names one. */
  partnerCountry: country.optional(),
  quantity,
  unit: z.enum(['kg', 'pieces', 'm3', 'l']),
  validFrom: instant,
  validUntil: instant,
  status: z.enum(['valid', 'cancelled']).default('valid'),
};

export const PermitRecordSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['cites-permit', 'cites-certificate']),
    ...common,
    species: name(200),
    appendix: z.enum(['I', 'II', 'III']),
    purpose: z.enum(CITES_PURPOSES),
    source: z.enum(CITES_SOURCES),
  }),
  z.strictObject({
    kind: z.literal('ods-licence'),
    ...common,
    unit: z.literal('kg'),
    /** A controlled substance or blend (`greenlane substances show` names). */
    substance: name(100),
    /** The calendar year the licence counts against the trader's quota. */
    year: z.number().int().min(1987).max(2200),
  }),
  z.strictObject({
    kind: z.enum(['basel-notification', 'basel-movement']),
    ...common,
    /** Basel Annex VIII/IX entry or Y-code (`A1180`, `Y46`, `B3011`). */
    wasteCode: z
      .string()
      .regex(/^(A|B)\d{4}$|^Y\d{1,2}$/, 'must be a Basel entry such as A1180, B3011 or Y46'),
    /** The notification a movement document belongs to. */
    notification: number.optional(),
  }),
  z.strictObject({
    kind: z.enum(['precursor-notification', 'cwc-licence']),
    ...common,
    chemical: name(200),
  }),
]);
export type PermitRecord = z.infer<typeof PermitRecordSchema>;

/** A trader's annual quota of one control (`ods` in ODP tonnes, `hfc` in CO2-eq tonnes; tonnes optional). */
export const QuotaRecordSchema = z
  .strictObject({
    kind: z.literal('quota'),
    trader: name(64),
    year: z.number().int().min(1987).max(2200),
    control: z.enum(QUOTA_CONTROLS),
    tonnes: z.number().nonnegative().optional(),
    odpTonnes: z.number().nonnegative().optional(),
    co2eqTonnes: z.number().nonnegative().optional(),
  })
  .refine((q) => q.tonnes !== undefined || q.odpTonnes !== undefined || q.co2eqTonnes !== undefined, {
    message: 'a quota needs at least one of tonnes, odpTonnes, co2eqTonnes',
  });
export type QuotaRecord = z.infer<typeof QuotaRecordSchema>;

/** What a document controls: the species, substance, waste code or chemical it names. */
export function subjectOf(record: PermitRecord): string {
  switch (record.kind) {
    case 'cites-permit':
    case 'cites-certificate':
      return record.species;
    case 'ods-licence':
      return record.substance;
    case 'basel-notification':
    case 'basel-movement':
      return record.wasteCode;
    default:
      return record.chemical;
  }
}

/** A document as the register holds it: its record, its balance and the per-unit figures of its substance. */
export interface RegisteredDocument {
  number: string;
  kind: DocumentKind;
  direction: string;
  trader: string;
  issuingCountry: string;
  partnerCountry: string | null;
  subject: string;
  appendix: string | null;
  unit: string;
  quantity: number;
  balance: number;
  validFrom: string;
  validUntil: string;
  status: string;
  year: number | null;
  /** ODP and GWP of the licensed substance (ODS licences), fixed when the licence was registered. */
  odp: number | null;
  gwp: number | null;
  control: QuotaControl | null;
}

export interface QuotaState {
  trader: string;
  year: number;
  control: QuotaControl;
  limit: { tonnes: number | null; odpTonnes: number | null; co2eqTonnes: number | null };
  used: { tonnes: number; odpTonnes: number; co2eqTonnes: number };
}

/** The quota a substance counts against: `hfc` for Annex F substances and HFC-only blends, else `ods`. */
export function controlOf(annex: string): QuotaControl {
  return annex === 'F' ? 'hfc' : 'ods';
}

/**
 * The quantity of a goods item in a document's unit: net mass for `kg`, the supplementary
 * quantity otherwise. Undefined when the declaration does not give it.
 */
export function itemQuantity(
  item: Pick<GoodsItem, 'netMass' | 'supplementaryQuantity'>,
  unit: string,
): number | undefined {
  const q = unit === 'kg' ? item.netMass : item.supplementaryQuantity;
  return q !== undefined && Number.isFinite(q) && q > 0 ? q : undefined;
}

/** Tolerance of balance comparisons (quantities are decimals stored as doubles). */
export const BALANCE_EPSILON = 1e-9;

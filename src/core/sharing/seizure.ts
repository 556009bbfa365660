import { z } from 'zod';
import { TRANSPORT_MODES } from '../declaration/declaration.ts';
import {
  countryCode,
  currencyCode,
  hsCode,
  instant,
  objectId,
  type ParseResult,
  parseWith,
  RouteSchema,
  text,
} from './shared-fields.ts';

/**
 * A seizure report, as WCO CEN records them: what was found, where, how it was hidden and found,
 * and on which route. The national record (nCEN) also names the persons and companies involved;
 * the global form (CEN) never does — `release-policy.ts` decides, field by field, what each form
 * carries.
 */

/** Seizure categories of the WCO CEN commodity groups this installation reports. */
export const SEIZURE_CATEGORIES = [
  'drugs',
  'tobacco',
  'counterfeit-goods',
  'medicines-and-vaccines',
  'weapons-and-ammunition',
  'cash-and-bearer-instruments',
  'wildlife',
  'ozone-depleting-and-hazardous-substances',
  'other',
] as const;
export type SeizureCategory = (typeof SEIZURE_CATEGORIES)[number];

export const SEIZURE_DIRECTIONS = ['import', 'export', 'transit'] as const;

/** How the goods were hidden (CEN concealment groups); details go in the national-only notes. */
export const CONCEALMENT_METHODS = [
  'none',
  'in-cargo',
  'false-declaration',
  'hidden-compartment',
  'in-baggage',
  'on-body',
  'in-body',
  'in-postal-item',
  'in-vehicle',
  'in-vessel-structure',
  'mixed-with-legitimate-goods',
  'other',
] as const;

/** What led to the find. */
export const DETECTION_METHODS = [
  'risk-profile',
  'partner-alert',
  'random-selection',
  'intelligence',
  'documentary-check',
  'physical-inspection',
  'non-intrusive-inspection',
  'detector-dog',
  'other',
] as const;

/**
 * Units of quantity: mass and volume, counts, and `currency-units` for cash and bearer
 * instruments (the amount, in the currency of `estimatedValue`).
 */
export const QUANTITY_UNITS = [
  'kg',
  'g',
  'l',
  'ml',
  'pieces',
  'doses',
  'cigarettes',
  'rounds',
  'currency-units',
] as const;

/** A natural person involved in a seizure: national record only. */
export const SeizurePersonSchema = z.strictObject({
  role: z.enum(['suspect', 'traveller', 'driver', 'courier', 'recipient', 'sender', 'other']),
  name: text(300),
  dateOfBirth: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
    .optional(),
  nationality: countryCode.optional(),
  documentType: z
    .enum(['passport', 'identity-card', 'residence-permit', 'driving-licence', 'other'])
    .optional(),
  documentNumber: text(40).optional(),
  address: text(500).optional(),
});
export type SeizurePerson = z.output<typeof SeizurePersonSchema>;

/** A company involved in a seizure: national record only (trade secrets and pending cases). */
export const SeizureCompanySchema = z.strictObject({
  role: z.enum(['importer', 'exporter', 'consignor', 'consignee', 'carrier', 'declarant', 'other']),
  name: text(300),
  /** EORI, TIN or national trader number. */
  identifier: text(64).optional(),
  country: countryCode.optional(),
  address: text(500).optional(),
});
export type SeizureCompany = z.output<typeof SeizureCompanySchema>;

export const SeizureReportSchema = z.strictObject({
  /** Identifier chosen by the reporting administration. */
  id: objectId,
  /** Administration that made the seizure. */
  administration: text(100),
  /** Day (or instant) of the seizure. */
  date: instant,
  /** Customs office code where it happened. */
  office: text(20),
  direction: z.enum(SEIZURE_DIRECTIONS),
  category: z.enum(SEIZURE_CATEGORIES),
  hsCode: hsCode.optional(),
  /** Short description of the goods as a commodity ("cocaine hydrochloride", "HFC-134a cylinders"). */
  goods: text(200).optional(),
  quantity: z.strictObject({
    value: z.number().finite().positive('must be greater than zero'),
    unit: z.enum(QUANTITY_UNITS),
  }),
  estimatedValue: z
    .strictObject({ amount: z.number().finite().nonnegative(), currency: currencyCode })
    .optional(),
  concealment: z.enum(CONCEALMENT_METHODS),
  detection: z.enum(DETECTION_METHODS),
  transportMode: z.enum(TRANSPORT_MODES),
  route: RouteSchema,
  /** The declaration inspected, when the seizure came from one (identifies a trader: national only). */
  declarationId: text(64).optional(),
  /** The partner alert that led to it, when one did (alert id; shown to the alert's sender). */
  alertId: objectId.optional(),
  persons: z.array(SeizurePersonSchema).max(100).default([]),
  companies: z.array(SeizureCompanySchema).max(100).default([]),
  /** The officer's free text: national only, it may name anyone. */
  notes: text(4000).optional(),
});
export type SeizureReport = z.output<typeof SeizureReportSchema>;
export type SeizureReportInput = z.input<typeof SeizureReportSchema>;

/** Validates a seizure report; every problem comes back with its path, e.g. `/route/transit/0`. */
export function parseSeizureReport(input: unknown): ParseResult<SeizureReport> {
  return parseWith(SeizureReportSchema, input);
}

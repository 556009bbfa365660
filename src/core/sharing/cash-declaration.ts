import { z } from 'zod';
import { TRANSPORT_MODES } from '../declaration/declaration.ts';
import type { Criterion } from '../rules/risk-profile.ts';
import type { ScreeningQuery } from '../screening/screen.ts';
import type { AlertContent } from './alert.ts';
import type { SeizureReport } from './seizure.ts';
import {
  countryCode,
  currencyCode,
  instant,
  objectId,
  type ParseResult,
  parseWith,
  RouteSchema,
  routeCountries,
  text,
} from './shared-fields.ts';
import { SharingError } from './sharing-error.ts';

/**
 * A declaration of cash and bearer negotiable instruments (BNI) at the border, FATF
 * Recommendation 32: who carries how much of what, from where, for what. An undeclared, falsely
 * declared or suspicious movement is a seizure (category cash-and-bearer-instruments), the
 * traveller is screened, and partners on the route are alerted.
 */

/** FATF glossary: currency, and bearer negotiable instruments. */
export const INSTRUMENT_TYPES = [
  'banknotes-and-coins',
  'travellers-cheques',
  'cheques',
  'promissory-notes',
  'money-orders',
  'bearer-shares',
  'other-bearer-instrument',
] as const;

/**
 * - `declared`: declared in full, nothing suspicious
 * - `undeclared`: not declared above the threshold
 * - `falsely-declared`: declared, but less (or other) than carried
 * - `suspicious`: declared, with grounds to suspect money laundering or terrorist financing
 */
export const CASH_STATUSES = ['declared', 'undeclared', 'falsely-declared', 'suspicious'] as const;
export type CashStatus = (typeof CASH_STATUSES)[number];

export const CashDeclarationSchema = z
  .strictObject({
    id: objectId,
    administration: text(100),
    /** When the movement was declared or found. */
    at: instant,
    office: text(20),
    direction: z.enum(['entry', 'exit']),
    traveller: z.strictObject({
      name: text(300),
      dateOfBirth: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
        .optional(),
      nationality: countryCode,
      documentType: z.enum(['passport', 'identity-card', 'residence-permit', 'other']),
      documentNumber: text(40),
      address: text(500).optional(),
    }),
    /** The person or company the cash is carried for, when not the traveller. */
    onBehalfOf: z.strictObject({ name: text(300), country: countryCode.optional() }).optional(),
    /** Total carried, in `currency` (instruments in other currencies are converted by the officer). */
    amount: z.number().finite().positive('must be greater than zero'),
    currency: currencyCode,
    instruments: z.array(z.enum(INSTRUMENT_TYPES)).min(1, 'must list at least one instrument type'),
    originOfFunds: text(1000),
    intendedUse: text(1000),
    transportMode: z.enum(TRANSPORT_MODES),
    route: RouteSchema,
    status: z.enum(CASH_STATUSES),
    /** What the traveller declared, when falsely declared. */
    declaredAmount: z.number().finite().nonnegative().optional(),
    /** The officer's grounds, for suspicious and undeclared movements (national only). */
    grounds: text(2000).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.status === 'falsely-declared' && c.declaredAmount === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['declaredAmount'],
        message: 'a false declaration needs the declared amount',
      });
    }
    if (c.status === 'suspicious' && c.grounds === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['grounds'],
        message: 'a suspicious movement needs the grounds for suspicion',
      });
    }
  });
export type CashDeclaration = z.output<typeof CashDeclarationSchema>;

export function parseCashDeclaration(input: unknown): ParseResult<CashDeclaration> {
  return parseWith(CashDeclarationSchema, input);
}

/** Only declared, unsuspicious movements stay out of seizure reports and alerts. */
export function isSeizable(cash: CashDeclaration): boolean {
  return cash.status !== 'declared';
}

/**
 * The seizure report of an undeclared, falsely declared or suspicious movement: category
 * cash-and-bearer-instruments, the traveller (and principal) as national-only persons and
 * companies, the grounds as national-only notes. Throws `NOT_SEIZABLE` for a plain declaration.
 */
export function cashSeizure(cash: CashDeclaration, seizureId: string): SeizureReport {
  if (!isSeizable(cash)) {
    throw new SharingError(
      'NOT_SEIZABLE',
      `cash declaration ${cash.id} is declared and unsuspicious: no seizure`,
    );
  }
  const t = cash.traveller;
  const seizure: SeizureReport = {
    id: seizureId,
    administration: cash.administration,
    date: cash.at,
    office: cash.office,
    direction: cash.direction === 'entry' ? 'import' : 'export',
    category: 'cash-and-bearer-instruments',
    quantity: { value: cash.amount, unit: 'currency-units' },
    estimatedValue: { amount: cash.amount, currency: cash.currency },
    concealment: cash.status === 'undeclared' ? 'in-baggage' : 'false-declaration',
    detection: 'documentary-check',
    transportMode: cash.transportMode,
    route: structuredClone(cash.route),
    persons: [
      {
        role: 'traveller',
        name: t.name,
        nationality: t.nationality,
        documentType: t.documentType,
        documentNumber: t.documentNumber,
        ...(t.dateOfBirth === undefined ? {} : { dateOfBirth: t.dateOfBirth }),
        ...(t.address === undefined ? {} : { address: t.address }),
      },
    ],
    companies: [],
    notes: [
      `Cash ${cash.status}: ${cash.amount} ${cash.currency} in ${cash.instruments.join(', ')}`,
      cash.declaredAmount === undefined ? undefined : `declared ${cash.declaredAmount} ${cash.currency}`,
      `origin: ${cash.originOfFunds}`,
      `intended use: ${cash.intendedUse}`,
      cash.onBehalfOf && `carried for ${cash.onBehalfOf.name}`,
      cash.grounds && `grounds: ${cash.grounds}`,
    ]
      .filter(Boolean)
      .join('; ')
      .slice(0, 4000),
  };
  return seizure;
}

/** The traveller (and principal) as party-screening queries (`core/screening`). */
export function cashScreeningQueries(cash: CashDeclaration): ScreeningQuery[] {
  const t = cash.traveller;
  const queries: ScreeningQuery[] = [
    {
      id: `${cash.id}/traveller`,
      name: t.name,
      type: 'person',
      country: t.nationality,
      ...(t.dateOfBirth === undefined ? {} : { dob: t.dateOfBirth }),
    },
  ];
  if (cash.onBehalfOf) {
    queries.push({
      id: `${cash.id}/on-behalf-of`,
      name: cash.onBehalfOf.name,
      type: 'any',
      ...(cash.onBehalfOf.country === undefined ? {} : { country: cash.onBehalfOf.country }),
    });
  }
  return queries;
}

/** An alert draft for the partners on the route, and the countries to address it to. */
export interface CashAlertDraft {
  /** Countries of the route other than the reporting one: the adapters map them to partners. */
  countries: string[];
  content: AlertContent;
}

/** How long a cash alert stays in force by default. */
const CASH_ALERT_DAYS = 30;

/**
 * The alert an analyst would send partners on the route of a seizable movement: the traveller as
 * a party criterion (declarations name parties, not travellers, so this catches the same person
 * as declarant, consignee or importer), TLP:AMBER+STRICT because it names a person, valid 30 days.
 * The analyst reviews it before issuing.
 */
export function cashAlertDraft(cash: CashDeclaration, ownCountry: string, now: number): CashAlertDraft {
  if (!isSeizable(cash)) {
    throw new SharingError(
      'NOT_SEIZABLE',
      `cash declaration ${cash.id} is declared and unsuspicious: no alert`,
    );
  }
  const criteria: Criterion = {
    party: { name: [cash.traveller.name], country: [cash.traveller.nationality] },
  };
  const routeText = routeCountries(cash.route).join(' > ');
  return {
    countries: routeCountries(cash.route).filter((c) => c !== ownCountry),
    content: {
      title: `Cash courier: ${cash.status} ${cash.currency} ${cash.amount} on ${routeText}`,
      reason: `${cash.administration} found ${cash.status} cash (${cash.amount} ${cash.currency}, ${cash.instruments.join(', ')}) carried by this person on ${cash.at.slice(0, 10)} (FATF R.32).`,
      instructions:
        'Check the declarations this person takes part in for cash or bearer negotiable instruments; report any find to the sender.',
      handling: 'AMBER+STRICT',
      validUntil: new Date(now + CASH_ALERT_DAYS * 86_400_000).toISOString().slice(0, 10),
      criteria,
      containers: [],
      products: [],
      vessels: [],
      minChannel: 'yellow',
      weight: 50,
    },
  };
}

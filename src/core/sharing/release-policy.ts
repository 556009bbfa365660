import type { z } from 'zod';
import { type SeizureReport, SeizureReportSchema } from './seizure.ts';

/**
 * Which form of a seizure report leaves the administration: `national` (nCEN: the whole record,
 * for the administration itself and whom national law allows) or `global` (CEN: no personal
 * data, for every partner).
 */
export const RELEASE_FORMS = ['national', 'global'] as const;
export type ReleaseForm = (typeof RELEASE_FORMS)[number];

/** What a form does with a field. */
export type FieldRelease = 'keep' | 'omit';

export interface FieldPolicy {
  national: FieldRelease;
  global: FieldRelease;
  /** Why the global form keeps or omits it (shown in docs/SHARING.md and in review). */
  why: string;
}

/**
 * The release policy, one row per field of `SeizureReportSchema`: the type makes a new field a
 * compile error until it is listed here, and the global form is built from this table alone
 * (an allowlist), so nothing reaches it by default.
 */
export const SEIZURE_RELEASE_POLICY = {
  id: { national: 'keep', global: 'keep', why: "the reporting administration's reference, not personal" },
  administration: { national: 'keep', global: 'keep', why: 'who reports, an authority' },
  date: { national: 'keep', global: 'keep', why: 'CEN records the seizure date' },
  office: { national: 'keep', global: 'keep', why: 'customs office code, a place' },
  direction: { national: 'keep', global: 'keep', why: 'import, export or transit' },
  category: { national: 'keep', global: 'keep', why: 'commodity group' },
  hsCode: { national: 'keep', global: 'keep', why: 'tariff classification' },
  goods: {
    national: 'keep',
    global: 'omit',
    why: 'free text: it could name a person ("parcel for ..."); category and HS code describe the goods',
  },
  quantity: { national: 'keep', global: 'keep', why: 'amount seized' },
  estimatedValue: { national: 'keep', global: 'keep', why: 'amount seized' },
  concealment: { national: 'keep', global: 'keep', why: 'a method from a closed list' },
  detection: { national: 'keep', global: 'keep', why: 'a method from a closed list' },
  transportMode: { national: 'keep', global: 'keep', why: 'a mode from a closed list' },
  route: { national: 'keep', global: 'keep', why: 'countries only' },
  declarationId: {
    national: 'keep',
    global: 'omit',
    why: 'points to a declaration, which names traders and persons',
  },
  alertId: {
    national: 'keep',
    global: 'omit',
    why: "would reveal a partner's alert (and its handling code) to everyone",
  },
  persons: { national: 'keep', global: 'omit', why: 'personal data: nCEN only' },
  companies: { national: 'keep', global: 'omit', why: 'named companies and pending cases: nCEN only' },
  notes: { national: 'keep', global: 'omit', why: "officer's free text: it may name anyone" },
} as const satisfies { readonly [K in keyof Required<SeizureReport>]: FieldPolicy };

type Kept<F extends ReleaseForm> = {
  [K in keyof typeof SEIZURE_RELEASE_POLICY]: (typeof SEIZURE_RELEASE_POLICY)[K][F] extends 'keep'
    ? K
    : never;
}[keyof typeof SEIZURE_RELEASE_POLICY];

function keptFields(form: ReleaseForm): Array<keyof SeizureReport> {
  return (Object.keys(SEIZURE_RELEASE_POLICY) as Array<keyof SeizureReport>).filter(
    (field) => SEIZURE_RELEASE_POLICY[field][form] === 'keep',
  );
}

const GLOBAL_FIELDS = keptFields('global');

/** The global (CEN) form of a seizure report: the fields the policy keeps, nothing else. */
export const GlobalSeizureReportSchema = SeizureReportSchema.pick(
  Object.fromEntries(GLOBAL_FIELDS.map((f) => [f, true])) as { [K in Kept<'global'>]: true },
);
export type GlobalSeizureReport = z.output<typeof GlobalSeizureReportSchema>;

/**
 * Derives the form of a (validated) seizure report that may be released. Built field by field
 * from the policy; kept values are deep-copied so the released form shares nothing with the record.
 *
 * @example
 * releaseForm(report, 'global') // no persons, companies, notes, goods text or declaration id
 */
export function releaseForm(seizure: SeizureReport, form: 'global'): GlobalSeizureReport;
export function releaseForm(seizure: SeizureReport, form: 'national'): SeizureReport;
export function releaseForm(seizure: SeizureReport, form: ReleaseForm): GlobalSeizureReport | SeizureReport;
export function releaseForm(seizure: SeizureReport, form: ReleaseForm): GlobalSeizureReport | SeizureReport {
  const out: Record<string, unknown> = {};
  for (const field of form === 'global' ? GLOBAL_FIELDS : keptFields('national')) {
    const value = seizure[field];
    if (value !== undefined) out[field] = structuredClone(value);
  }
  return out as GlobalSeizureReport | SeizureReport;
}

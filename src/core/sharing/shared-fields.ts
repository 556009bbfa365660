import { z } from 'zod';
import { isValidInstant, jsonPointer, textFault } from '../declaration/validation.ts';
import type { SharingIssue } from './sharing-error.ts';

/**
 * Field schemas and the parse helper every sharing object uses, so a seizure, a cash declaration,
 * an alert and a group report problems the same way: `{ path: RFC 6901 pointer, message }`.
 */

/** Trimmed text of bounded length that PostgreSQL and UTF-8 can hold (no NUL, no lone surrogate). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const fault = textFault(value);
      if (fault) ctx.addIssue({ code: 'custom', message: `contains ${fault}` });
    });

/** ISO 3166-1 alpha-2 country code in capitals. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "NL"');

/** ISO 4217 alphabetic currency code. */
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. "EUR"');

/** ISO 8601 date or date-time that is a real instant. */
export const instant = z
  .string()
  .max(40)
  .refine(isValidInstant, 'must be an ISO 8601 date or date-time, e.g. "2026-12-03T10:00:00Z"');

/** HS code, 6 to 10 digits without dots. */
export const hsCode = z.string().regex(/^\d{6,10}$/, 'must be 6 to 10 digits without dots, e.g. "300490"');

/** Identifier of a shared object: letters, digits and `._:-`, so it is safe in URLs and log entries. */
export const objectId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"');

/** Name of an administration or installation as partners know it. */
export const partyName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,99}$/, 'must be 1-100 lower-case letters, digits, "." or "-"');

/** A route: departure, transit countries in order, destination (ISO 3166-1 alpha-2). */
export const RouteSchema = z.strictObject({
  departure: countryCode,
  transit: z.array(countryCode).max(20).default([]),
  destination: countryCode,
});
export type Route = z.output<typeof RouteSchema>;

/** Every country of a route, in order, each once. */
export function routeCountries(route: Route): string[] {
  return [...new Set([route.departure, ...route.transit, route.destination])];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: SharingIssue[] };

/** Validates with a schema; never throws; unknown keys are named one by one. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: SharingIssue[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: jsonPointer([...issue.path, key]), message: `"${key}" is not a known field` });
      }
    } else issues.push({ path: jsonPointer(issue.path), message: issue.message });
  }
  return { ok: false, issues };
}

/** One line per issue, for error messages: `/route/departure: must be ...`. */
export function issuesText(issues: readonly SharingIssue[]): string {
  return issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
}

import type { ErrorDetail } from '../error.ts';
import { type EnvironmentReference, speciesKey } from './environment-reference.ts';
import {
  controlOf,
  type PermitRecord,
  PermitRecordSchema,
  type QuotaControl,
  type QuotaRecord,
  QuotaRecordSchema,
} from './permit.ts';
import { lookupSubstance } from './substances.ts';

/** A register record that passed every check, with what the register keeps beside it. */
export type CheckedRecord =
  | { type: 'quota'; quota: QuotaRecord }
  | {
      type: 'document';
      document: PermitRecord;
      /** Canonical subject (the catalogue's substance name, the listed species' name). */
      subject: string;
      odp: number | null;
      gwp: number | null;
      control: QuotaControl | null;
    };

/** RFC 6901 pointer of a zod issue path. */
function pointer(path: readonly PropertyKey[]): string {
  return `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

/**
 * Checks one record of a register file or request: its shape (zod), dates in order, the
 * substance a controlled one (its canonical name and per-unit ODP/GWP kept), the species' appendix
 * as CITES lists it. Issues name the field as a JSON pointer.
 */
export function checkRegisterRecord(
  value: unknown,
  reference: EnvironmentReference,
): { ok: true; record: CheckedRecord } | { ok: false; issues: ErrorDetail[] } {
  // The kind picks the schema, so an issue names the field (a union would only say that no kind fits).
  const quota = typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'quota';
  const parsed = (quota ? QuotaRecordSchema : PermitRecordSchema).safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: pointer(i.path), code: i.code, message: i.message })),
    };
  const record = parsed.data;
  if (record.kind === 'quota') return { ok: true, record: { type: 'quota', quota: record } };
  const issues: ErrorDetail[] = [];
  if (Date.parse(record.validUntil) <= Date.parse(record.validFrom))
    issues.push({ path: '/validUntil', code: 'invalid_range', message: 'must be after validFrom' });
  let subject: string;
  let odp: number | null = null;
  let gwp: number | null = null;
  let control: QuotaControl | null = null;
  switch (record.kind) {
    case 'ods-licence': {
      const found = lookupSubstance(reference.catalogue, record.substance);
      if (!found.ok) {
        issues.push({ path: '/substance', code: 'unknown_substance', message: found.reason });
        subject = record.substance;
      } else {
        subject = found.figures.name;
        odp = found.figures.odp;
        gwp = found.figures.gwp;
        control = controlOf(found.figures.annex);
      }
      break;
    }
    case 'cites-permit':
    case 'cites-certificate': {
      const listed = reference.species.get(speciesKey(record.species));
      subject = listed?.scientificName ?? record.species.trim().replace(/\s+/g, ' ');
      if (listed && listed.appendix !== record.appendix)
        issues.push({
          path: '/appendix',
          code: 'appendix_mismatch',
          message: `${listed.scientificName} is listed in CITES Appendix ${listed.appendix}, not ${record.appendix}`,
        });
      break;
    }
    case 'basel-notification':
    case 'basel-movement':
      subject = record.wasteCode;
      break;
    default:
      subject = record.chemical;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, record: { type: 'document', document: record, subject, odp, gwp, control } };
}

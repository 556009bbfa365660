import {
  checkCountry,
  checkInstant,
  checkNonNegative,
  IssueList,
  type ValidationIssue,
  validateRecord,
} from '../declaration/validation.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import { type Consignment, ConsignmentSchema } from './consignment.ts';

export type ConsignmentValidation =
  | { ok: true; consignment: Consignment }
  | { ok: false; consignmentId?: string; errors: ValidationIssue[] };

/** UPU S10 weights of the eight serial digits (UPU standard S10, check digit). */
const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/**
 * UPU S10 item identifier: service indicator (2 letters), 8-digit serial, check digit, ISO 3166
 * country of the issuing post (2 letters). Check digit = 11 - (weighted sum mod 11), 10 -> 0, 11 -> 5.
 */
export function isValidS10(value: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(value);
  if (!m) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(m[1]![i]) * S10_WEIGHTS[i]!;
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  else if (check === 11) check = 5;
  return check === Number(m[2]);
}

/** IOSS VAT identification number: `IM`, the 3-digit code of the member state of identification, 7 digits. */
export function isValidIoss(value: string): boolean {
  return /^IM\d{10}$/.test(value);
}

function checkSemantics(c: Consignment, ref: ReferenceData): ValidationIssue[] {
  const out = new IssueList();
  checkInstant(out, '/lodgedAt', c.lodgedAt);
  if (!ref.currencies.has(c.currency)) {
    out.add('/currency', 'unknown_currency', `/currency: "${c.currency}" is not an ISO 4217 currency code`);
  }
  checkCountry(out, ref, '/seller/country', c.seller.country);
  checkCountry(out, ref, '/buyer/country', c.buyer.country);
  checkNonNegative(out, '/transportCost', c.transportCost, 'the transport cost');
  if (!Number.isFinite(c.grossMassKg) || c.grossMassKg <= 0) {
    out.add(
      '/grossMassKg',
      'out_of_range',
      `/grossMassKg: the gross mass must be a positive number of kilograms (got ${c.grossMassKg})`,
    );
  }
  if (c.iossNumber !== undefined && !isValidIoss(c.iossNumber)) {
    out.add(
      '/iossNumber',
      'invalid_ioss_number',
      `/iossNumber: "${c.iossNumber}" is not an IOSS number (IM followed by 10 digits)`,
    );
  }
  const postal = c.transport?.postalItemId;
  if (postal !== undefined && !isValidS10(postal)) {
    out.add(
      '/transport/postalItemId',
      'invalid_postal_id',
      `/transport/postalItemId: "${postal}" is not a UPU S10 item identifier (e.g. RR123456785DE, check digit)`,
    );
  }
  c.items.forEach((item, i) => {
    const p = `/items/${i}`;
    checkNonNegative(out, `${p}/value`, item.value, 'the value');
    checkCountry(out, ref, `${p}/originCountry`, item.originCountry);
    if (item.hs6 === undefined) return;
    if (!/^\d{6}$/.test(item.hs6)) {
      out.add(`${p}/hs6`, 'unknown_hs_code', `${p}/hs6: "${item.hs6}" must be 6 digits, no dots`);
    } else if (!ref.hs['2022'].subheadings.has(item.hs6)) {
      out.add(
        `${p}/hs6`,
        'unknown_hs_code',
        `${p}/hs6: subheading ${item.hs6.slice(0, 4)}.${item.hs6.slice(4)} does not exist in HS 2022`,
      );
    }
  });
  return out.issues;
}

/** Validates one untrusted consignment record at the boundary (see {@link validateRecord}). */
export function validateConsignment(input: unknown, ref: ReferenceData): ConsignmentValidation {
  const result = validateRecord(input, 'consignment', ConsignmentSchema, (c) => checkSemantics(c, ref));
  if (result.ok) return { ok: true, consignment: result.value };
  return result.id === undefined
    ? { ok: false, errors: result.errors }
    : { ok: false, consignmentId: result.id, errors: result.errors };
}

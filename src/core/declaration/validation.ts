import type { z } from 'zod';
import { type ReferenceData, UNKNOWN_COUNTRY } from '../reference/reference-data.ts';
import { type Declaration, DeclarationSchema, type GoodsItem } from './declaration.ts';
import { itemIdentifiers } from './gs1.ts';

/** Closed set of machine codes for a rejected record. */
export type ValidationCode =
  | 'malformed_syntax'
  | 'too_large'
  | 'too_deep'
  | 'invalid_text'
  | 'not_an_object'
  | 'required'
  | 'wrong_type'
  | 'unknown_field'
  | 'invalid_value'
  | 'out_of_range'
  | 'negative_value'
  | 'invalid_date'
  | 'date_order'
  | 'unknown_hs_code'
  | 'unknown_country'
  | 'unknown_currency'
  | 'unknown_locode'
  | 'invalid_imo'
  | 'invalid_gtin'
  | 'duplicate_item_sequence'
  | 'invalid_postal_id'
  | 'invalid_ioss_number'
  | 'invalid_gs1';

/** One problem with a record: where (RFC 6901 JSON pointer), what (code) and why (plain words). */
export interface ValidationIssue {
  path: string;
  code: ValidationCode;
  message: string;
}

export type ValidationResult =
  | { ok: true; declaration: Declaration }
  | { ok: false; declarationId?: string; errors: ValidationIssue[] };

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` in each reference token. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Deepest nesting of objects and arrays a record may have. A declaration needs 5 (declaration,
 * items, item, documents, document); the limit only stops hostile input (10,000 levels) from
 * reaching recursive code such as `JSON.stringify`, which overflows the stack.
 */
export const MAX_NESTING = 32;

/** At most this many text and nesting issues are listed for one record. */
const MAX_SHAPE_ISSUES = 20;

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Why a string is not text Greenlane can keep, or undefined when it is. A lone UTF-16 surrogate
 * cannot be encoded as UTF-8 (RFC 3629 §3); the input readers also turn each invalid UTF-8 byte
 * into the lone surrogate U+DC00 + byte, so both come out here. U+0000 is refused as well:
 * PostgreSQL text cannot hold it, and no declaration field means it.
 */
export function textFault(value: string): string | undefined {
  if (!value.includes('\u0000') && !SURROGATE.test(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return `the NUL character (U+0000) at character ${i + 1}`;
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    const escaped = `\\u${c.toString(16)}`;
    return c >= 0xdc80 && c <= 0xdcff
      ? `invalid UTF-8 (byte 0x${(c - 0xdc00).toString(16)}, or the lone surrogate ${escaped}) at character ${i + 1}`
      : `a lone UTF-16 surrogate ${escaped} at character ${i + 1}, which is not text`;
  }
  return undefined;
}

/**
 * Walks a record without recursion, before anything recursive touches it: nesting deeper than
 * {@link MAX_NESTING} (reported once, at the first place it happens) and strings or member
 * names that are not valid Unicode text.
 */
export function shapeIssues(input: object): { issues: ValidationIssue[]; tooDeep: boolean } {
  interface Node {
    value: unknown;
    depth: number;
    key?: string;
    parent?: Node;
  }
  // Paths are built only for the rare node that has an issue, from its parents.
  const pointer = (node: Node, key?: string): string => {
    const keys: string[] = key === undefined ? [] : [key];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
    return jsonPointer(keys.reverse());
  };
  const issues: ValidationIssue[] = [];
  const stack: Node[] = [{ value: input, depth: 0 }];
  while (stack.length > 0 && issues.length < MAX_SHAPE_ISSUES) {
    const node = stack.pop()!;
    const value = node.value;
    if (typeof value === 'string') {
      const fault = textFault(value);
      if (fault) {
        const at = pointer(node);
        issues.push({ path: at, code: 'invalid_text', message: `${at || 'the record'}: ${fault}` });
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (node.depth >= MAX_NESTING) {
      const at = pointer(node);
      issues.push({
        path: at,
        code: 'too_deep',
        message: `${at}: objects and arrays are nested more than ${MAX_NESTING} levels deep`,
      });
      return { issues, tooDeep: true };
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const fault = textFault(key);
      if (fault) {
        const at = pointer(node, key);
        issues.push({ path: at, code: 'invalid_text', message: `${at}: the member name holds ${fault}` });
      }
      const member = (value as Record<string, unknown>)[key];
      if (typeof member === 'object' || typeof member === 'string') {
        stack.push({ value: member, depth: node.depth + 1, key, parent: node });
      }
    }
  }
  return { issues, tooDeep: false };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

export function fromZodIssue(issue: z.core.$ZodIssue, input: unknown): ValidationIssue[] {
  const path = jsonPointer(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(input, issue.path);
      if (actual === undefined) {
        return [{ path, code: 'required', message: `${path || 'the record'} is required but missing` }];
      }
      return [
        {
          path,
          code: 'wrong_type',
          message: `${path} must be ${issue.expected === 'number' ? 'a number' : `of type ${issue.expected}`}, got ${describeType(actual)}`,
        },
      ];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: jsonPointer([...issue.path, key]),
        code: 'unknown_field' as const,
        message: `${jsonPointer([...issue.path, key])} is not a field of this record (check the spelling)`,
      }));
    case 'invalid_value':
      if (valueAt(input, issue.path) === undefined) {
        return [{ path, code: 'required', message: `${path} is required but missing` }];
      }
      return [
        {
          path,
          code: 'invalid_value',
          message: `${path} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        },
      ];
    case 'too_small':
    case 'too_big': {
      const actual = valueAt(input, issue.path);
      if (typeof actual === 'string' && actual.trim() === '' && issue.code === 'too_small') {
        return [{ path, code: 'required', message: `${path} is required but empty` }];
      }
      return [{ path, code: 'out_of_range', message: `${path}: ${issue.message.toLowerCase()}` }];
    }
    default:
      return [{ path, code: 'invalid_value', message: `${path}: ${issue.message}` }];
  }
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** True for a real ISO 8601 date or date-time (rejects 2021-02-30, 25:00 and the like). */
export function isValidInstant(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}

/** Epoch milliseconds of an ISO date or date-time; a date alone and no zone mean UTC. */
export function instantMs(value: string): number {
  if (value.length === 10) return Date.parse(`${value}T00:00:00Z`);
  return Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
}

/** IMO ship number: 7 digits, the last a check digit (weights 7..2 over the first six, mod 10). */
export function isValidImo(value: string): boolean {
  const digits = value.replace(/^IMO\s*/i, '');
  if (!/^\d{7}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(digits[i]) * (7 - i);
  return sum % 10 === Number(digits[6]);
}

/** GS1 GTIN-8/12/13/14 with its mod-10 check digit. */
export function isValidGtin(value: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
  let sum = 0;
  const body = value.slice(0, -1);
  for (let i = 0; i < body.length; i++) {
    const fromRight = body.length - i;
    sum += Number(body[i]) * (fromRight % 2 === 1 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10 === Number(value.at(-1));
}

export class IssueList {
  readonly issues: ValidationIssue[] = [];
  add(path: string, code: ValidationCode, message: string): void {
    this.issues.push({ path, code, message });
  }
}

export function checkCountry(
  out: IssueList,
  ref: ReferenceData,
  path: string,
  value: string | undefined,
): void {
  if (value === undefined) return;
  if (value === UNKNOWN_COUNTRY || ref.countries.has(value)) return;
  out.add(path, 'unknown_country', `${path}: "${value}" is not an ISO 3166-1 alpha-2 country code`);
}

export function checkNonNegative(
  out: IssueList,
  path: string,
  value: number | undefined,
  what: string,
): void {
  if (value === undefined) return;
  if (!Number.isFinite(value)) out.add(path, 'invalid_value', `${path}: ${what} must be a finite number`);
  else if (value < 0) out.add(path, 'negative_value', `${path}: ${what} cannot be negative (got ${value})`);
}

export function checkInstant(out: IssueList, path: string, value: string | undefined): void {
  if (value === undefined) return;
  if (!isValidInstant(value)) {
    out.add(path, 'invalid_date', `${path}: "${value}" is not a valid ISO 8601 date or date-time`);
  }
}

/**
 * The pack identifiers of a goods item: a real expiry date, a readable `gs1` code (its expiry's
 * century placed from the lodgement date, GS1 General Specifications §7.12) that agrees with the
 * fields given beside it, and a non-negative unrefrigerated time.
 */
function checkMedicalIdentifiers(out: IssueList, p: string, item: GoodsItem, lodgedAt: string): void {
  if (
    item.expiry !== undefined &&
    !(/^\d{4}-\d{2}-\d{2}$/.test(item.expiry) && isValidInstant(item.expiry))
  ) {
    out.add(`${p}/expiry`, 'invalid_date', `${p}/expiry: "${item.expiry}" is not a date YYYY-MM-DD`);
  }
  checkNonNegative(out, `${p}/unrefrigeratedHours`, item.unrefrigeratedHours, 'the unrefrigerated time');
  if (item.gs1 === undefined || !isValidInstant(lodgedAt)) return;
  const result = itemIdentifiers(
    { ...item, gtin: item.gtin !== undefined && isValidGtin(item.gtin) ? item.gtin : undefined },
    new Date(instantMs(lodgedAt)),
  );
  if (result.ok) return;
  for (const fault of result.faults) {
    const path = `${p}/${fault.field}`;
    out.add(path, fault.field === 'gs1' ? 'invalid_gs1' : 'invalid_value', `${path}: ${fault.message}`);
  }
}

/** Checks that need the reference data or cross-field logic, after the structure is known good. */
function checkSemantics(d: Declaration, ref: ReferenceData): ValidationIssue[] {
  const out = new IssueList();
  checkInstant(out, '/lodgedAt', d.lodgedAt);
  checkInstant(out, '/arrivalAt', d.arrivalAt);
  if (!ref.currencies.has(d.currency)) {
    out.add('/currency', 'unknown_currency', `/currency: "${d.currency}" is not an ISO 4217 currency code`);
  }
  checkNonNegative(out, '/invoiceTotal', d.invoiceTotal, 'the invoice total');
  checkCountry(out, ref, '/dispatchCountry', d.dispatchCountry);
  checkCountry(out, ref, '/destinationCountry', d.destinationCountry);
  d.route.forEach((code, i) => {
    if (!ref.locodes.has(code)) {
      out.add(`/route/${i}`, 'unknown_locode', `/route/${i}: "${code}" is not a known UN/LOCODE`);
    }
  });
  for (const role of ['declarant', 'importer', 'exporter', 'consignor', 'consignee', 'carrier'] as const) {
    const party = d[role];
    if (!party) continue;
    checkCountry(out, ref, `/${role}/country`, party.country);
    checkCountry(out, ref, `/${role}/address/country`, party.address?.country);
  }
  if (d.transport) {
    checkCountry(out, ref, '/transport/nationality', d.transport.nationality);
    const imo = d.transport.vesselImo;
    if (imo !== undefined && !isValidImo(imo)) {
      out.add(
        '/transport/vesselImo',
        'invalid_imo',
        `/transport/vesselImo: "${imo}" is not a valid IMO number`,
      );
    }
  }
  const seen = new Set<number>();
  d.items.forEach((item, i) => {
    const p = `/items/${i}`;
    if (seen.has(item.sequence)) {
      out.add(
        `${p}/sequence`,
        'duplicate_item_sequence',
        `${p}/sequence: item number ${item.sequence} is used twice`,
      );
    }
    seen.add(item.sequence);
    if (!/^\d{6,10}$/.test(item.hsCode)) {
      out.add(
        `${p}/hsCode`,
        'unknown_hs_code',
        `${p}/hsCode: "${item.hsCode}" must be 6 to 10 digits, no dots`,
      );
    } else if (!ref.hs[item.hsEdition].subheadings.has(item.hsCode.slice(0, 6))) {
      out.add(
        `${p}/hsCode`,
        'unknown_hs_code',
        `${p}/hsCode: subheading ${item.hsCode.slice(0, 4)}.${item.hsCode.slice(4, 6)} does not exist in HS ${item.hsEdition}`,
      );
    }
    checkCountry(out, ref, `${p}/originCountry`, item.originCountry);
    checkNonNegative(out, `${p}/netMass`, item.netMass, 'net mass');
    checkNonNegative(out, `${p}/grossMass`, item.grossMass, 'gross mass');
    checkNonNegative(
      out,
      `${p}/supplementaryQuantity`,
      item.supplementaryQuantity,
      'the supplementary quantity',
    );
    checkNonNegative(out, `${p}/invoiceValue`, item.invoiceValue, 'the invoice value');
    checkNonNegative(out, `${p}/customsValue`, item.customsValue, 'the customs value');
    checkNonNegative(out, `${p}/dutyRate`, item.dutyRate, 'the duty rate');
    if (item.gtin !== undefined && !isValidGtin(item.gtin)) {
      out.add(`${p}/gtin`, 'invalid_gtin', `${p}/gtin: "${item.gtin}" is not a valid GTIN (check digit)`);
    }
    checkMedicalIdentifiers(out, p, item, d.lodgedAt);
    item.documents.forEach((doc, j) => {
      checkInstant(out, `${p}/documents/${j}/validFrom`, doc.validFrom);
      checkInstant(out, `${p}/documents/${j}/validUntil`, doc.validUntil);
    });
  });
  return out.issues;
}

/** What {@link validateRecord} gives back: the parsed record, or every issue with the record's id when it had one. */
export type RecordValidation<T> =
  | { ok: true; value: T }
  | { ok: false; id?: string; errors: ValidationIssue[] };

/**
 * The boundary steps every record kind shares (declarations, consignments): an object, a sane
 * shape (nesting depth, text), the schema, then the kind's own semantic checks. Never throws: every
 * problem becomes an issue with its JSON pointer, so one bad record cannot stop a batch.
 */
export function validateRecord<T extends { id: string }>(
  input: unknown,
  noun: string,
  schema: z.ZodType<T>,
  semantics: (value: T) => ValidationIssue[],
): RecordValidation<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const message = `a ${noun} must be a JSON object, got ${describeType(input)}`;
    return { ok: false, errors: [{ path: '', code: 'not_an_object', message }] };
  }
  const rawId = (input as { id?: unknown }).id;
  const id = typeof rawId === 'string' ? rawId : undefined;
  const rejected = (errors: ValidationIssue[]): RecordValidation<T> =>
    id === undefined ? { ok: false, errors } : { ok: false, id, errors };
  const shape = shapeIssues(input);
  if (shape.tooDeep) return rejected(shape.issues);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return rejected([...shape.issues, ...parsed.error.issues.flatMap((issue) => fromZodIssue(issue, input))]);
  }
  const errors = [...shape.issues, ...semantics(parsed.data)];
  if (errors.length > 0) return { ok: false, id: parsed.data.id, errors };
  return { ok: true, value: parsed.data };
}

/** Validates one untrusted declaration at the boundary (see {@link validateRecord}). */
export function validateDeclaration(input: unknown, ref: ReferenceData): ValidationResult {
  const result = validateRecord(input, 'declaration', DeclarationSchema, (d) => checkSemantics(d, ref));
  if (result.ok) return { ok: true, declaration: result.value };
  return result.id === undefined
    ? { ok: false, errors: result.errors }
    : { ok: false, declarationId: result.id, errors: result.errors };
}

import { GreenlaneError } from '../error.ts';

/**
 * GS1 identifiers of a medicine pack, read from what a scanner or a declarant gives: element
 * strings (GS1 General Specifications §7.8, with parentheses as printed under the barcode, or
 * concatenated with FNC1 / ASCII GS separators as a DataMatrix scan delivers them) and GS1
 * Digital Link URIs (GS1 Digital Link standard: URI syntax, §4). Only the four application
 * identifiers a pack of medicine carries under the pharmaceutical serialisation rules are
 * understood: 01 GTIN, 10 batch/lot, 17 expiry date and 21 serial number. Anything else is
 * refused with its reason rather than guessed at.
 */

/** What a GS1 code identifies; only the fields present in the code are set. */
export interface Gs1Identifiers {
  /** GTIN-14 (a GTIN-8/12/13 is padded with leading zeros), check digit verified. */
  gtin?: string;
  /** Batch or lot number (AI 10). */
  lot?: string;
  /** Expiry date (AI 17) as `YYYY-MM-DD`; day `00` is the last day of the month. */
  expiry?: string;
  /** Serial number (AI 21). */
  serial?: string;
}

export type Gs1ErrorCode =
  | 'EMPTY'
  | 'UNKNOWN_AI'
  | 'WRONG_LENGTH'
  | 'BAD_CHECK_DIGIT'
  | 'INVALID_CHARACTER'
  | 'INVALID_DATE'
  | 'MISSING_SEPARATOR'
  | 'DUPLICATE_AI'
  | 'MALFORMED';

/** A GS1 code that cannot be read; the message says where and why. */
export class Gs1Error extends GreenlaneError<Gs1ErrorCode> {
  override name = 'Gs1Error';
}

type Field = keyof Gs1Identifiers;

interface AiSpec {
  field: Field;
  /** Fixed length of the value, or undefined for variable-length. */
  fixed?: number;
  /** Maximum length of a variable-length value. */
  max?: number;
  title: string;
}

/** GS1 General Specifications §3.2 (AI table) for the four AIs a pharmaceutical pack carries. */
const AIS: Readonly<Record<string, AiSpec>> = {
  '01': { field: 'gtin', fixed: 14, title: 'GTIN' },
  '10': { field: 'lot', max: 20, title: 'batch/lot' },
  '17': { field: 'expiry', fixed: 6, title: 'expiry date' },
  '21': { field: 'serial', max: 20, title: 'serial number' },
};
const AI_OF: Readonly<Record<Field, string>> = { gtin: '01', lot: '10', expiry: '17', serial: '21' };

/** ASCII 29, Group Separator: how a scanner transmits FNC1 inside a GS1 element string. */
export const GS = '\u001d';

/**
 * GS1 AI encodable character set 82 (General Specifications §7.11, figure 7.11-1): the digits,
 * the Latin letters, and `! " % & ' ( ) * + , - . / : ; < = > ? _`.
 */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/** Symbology identifiers (ISO/IEC 15424) scanners put before GS1 data: DataMatrix, 128, QR, DataBar. */
const SYMBOLOGY_IDS = [']d2', ']C1', ']Q3', ']e0'];

function fail(code: Gs1ErrorCode, message: string): never {
  throw new Gs1Error(code, message);
}

/** GS1 mod-10 check digit (General Specifications §7.9.1) of the digits before it. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const fromRight = body.length - i;
    sum += Number(body[i]) * (fromRight % 2 === 1 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * A GTIN-8, -12, -13 or -14 as the 14-digit GTIN (padded with leading zeros), its check digit
 * verified; throws a {@link Gs1Error} saying what is wrong.
 */
export function normaliseGtin(value: string, where = 'GTIN'): string {
  if (!/^\d+$/.test(value)) fail('INVALID_CHARACTER', `${where} "${value}" must be digits only`);
  if (![8, 12, 13, 14].includes(value.length))
    fail('WRONG_LENGTH', `${where} "${value}" has ${value.length} digits; a GTIN has 8, 12, 13 or 14`);
  const gtin = value.padStart(14, '0');
  const expected = gs1CheckDigit(gtin.slice(0, 13));
  if (expected !== Number(gtin[13]))
    fail('BAD_CHECK_DIGIT', `${where} "${value}" has check digit ${gtin[13]}, expected ${expected}`);
  return gtin;
}

/**
 * The `YYYY-MM-DD` of a GS1 date YYMMDD. The century follows General Specifications §7.12: with
 * YY the year within the current century, a year 51 to 99 years ahead of today's is in the
 * previous century, one 50 to 99 years behind in the next, any other in the current one. Day `00`
 * means the last day of the month.
 */
export function gs1Date(yymmdd: string, today: Date, where = 'AI (17) expiry date'): string {
  if (!/^\d{6}$/.test(yymmdd)) fail('INVALID_DATE', `${where} "${yymmdd}" must be six digits YYMMDD`);
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const current = today.getUTCFullYear();
  const century = current - (current % 100);
  const diff = yy - (current % 100);
  const year = diff >= 51 ? century - 100 + yy : diff <= -50 ? century + 100 + yy : century + yy;
  if (mm < 1 || mm > 12) fail('INVALID_DATE', `${where} "${yymmdd}" has month ${yymmdd.slice(2, 4)}`);
  const last = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd > last)
    fail('INVALID_DATE', `${where} "${yymmdd}" has day ${dd}, but ${year}-${yymmdd.slice(2, 4)} has ${last}`);
  const day = dd === 0 ? last : dd;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Validates one AI's value and sets its field; `where` names it in messages. */
function setField(out: Gs1Identifiers, ai: string, raw: string, today: Date, lenient: boolean): void {
  const spec = AIS[ai];
  if (!spec)
    fail('UNKNOWN_AI', `AI (${ai}) is not one Greenlane reads (01 GTIN, 10 lot, 17 expiry, 21 serial)`);
  const where = `AI (${ai}) ${spec.title}`;
  if (out[spec.field] !== undefined) fail('DUPLICATE_AI', `${where} appears twice`);
  if (raw.length === 0) fail('WRONG_LENGTH', `${where} is empty`);
  if (spec.field === 'gtin') {
    if (!lenient && raw.length !== 14 && /^\d+$/.test(raw))
      fail('WRONG_LENGTH', `${where} "${raw}" has ${raw.length} digits; it must have 14`);
    out.gtin = normaliseGtin(raw, where);
    return;
  }
  if (spec.field === 'expiry') {
    if (!/^\d*$/.test(raw)) fail('INVALID_CHARACTER', `${where} "${raw}" must be digits only`);
    if (raw.length !== 6) fail('WRONG_LENGTH', `${where} "${raw}" has ${raw.length} digits; it must have 6`);
    out.expiry = gs1Date(raw, today, where);
    return;
  }
  if (raw.length > spec.max!)
    fail('WRONG_LENGTH', `${where} has ${raw.length} characters; at most ${spec.max} are allowed`);
  if (!CSET82.test(raw)) {
    const bad = [...raw].find((c) => !CSET82.test(c))!;
    fail(
      'INVALID_CHARACTER',
      `${where} "${printable(raw)}" contains ${printable(bad)}, which is not in GS1 character set 82`,
    );
  }
  out[spec.field] = raw;
}

/** A value as it can be shown in a message (control characters escaped). */
function printable(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

/** `(01)…(10)…`: the human-readable form, where each value runs to the next parenthesis. */
function parseParenthesised(text: string, today: Date): Gs1Identifiers {
  const out: Gs1Identifiers = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '(') fail('MALFORMED', `expected "(" at character ${i + 1} of "${printable(text)}"`);
    const close = text.indexOf(')', i);
    if (close < 0) fail('MALFORMED', `the "(" at character ${i + 1} is never closed`);
    const ai = text.slice(i + 1, close);
    if (!/^\d{2,4}$/.test(ai)) fail('MALFORMED', `"(${printable(ai)})" is not an application identifier`);
    const next = text.indexOf('(', close + 1);
    const end = next < 0 ? text.length : next;
    // A GS after a value is what a scanner adds in a mixed form; it is not part of the value.
    const raw = text.slice(close + 1, end);
    const value = raw.endsWith(GS) ? raw.slice(0, -1) : raw;
    setField(out, ai, value, today, false);
    i = end;
  }
  return out;
}

/**
 * Concatenated element string (§7.8.5): a fixed-length AI's value has its length; a
 * variable-length value runs to the next GS or the end, so one followed by another AI without a
 * GS is malformed (its value would swallow the next AI).
 */
function parseConcatenated(text: string, today: Date): Gs1Identifiers {
  const out: Gs1Identifiers = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] === GS) {
      i++;
      continue;
    }
    const ai = text.slice(i, i + 2);
    const spec = AIS[ai];
    if (!spec) {
      if (!/^\d{2}$/.test(ai))
        fail(
          'MALFORMED',
          `expected an application identifier at character ${i + 1}, found "${printable(ai)}"`,
        );
      fail(
        'UNKNOWN_AI',
        `AI (${ai}) at character ${i + 1} is not one Greenlane reads (01 GTIN, 10 lot, 17 expiry, 21 serial)`,
      );
    }
    const start = i + 2;
    let end: number;
    if (spec.fixed !== undefined) {
      end = start + spec.fixed;
      if (end > text.length)
        fail(
          'WRONG_LENGTH',
          `AI (${ai}) ${spec.title} "${printable(text.slice(start))}" is shorter than ${spec.fixed} characters`,
        );
      const value = text.slice(start, end);
      if (value.includes(GS))
        fail(
          'WRONG_LENGTH',
          `AI (${ai}) ${spec.title} "${printable(value)}" is shorter than ${spec.fixed} characters`,
        );
    } else {
      const gs = text.indexOf(GS, start);
      end = gs < 0 ? text.length : gs;
      const value = text.slice(start, end);
      if (value.length > spec.max!) {
        // Longer than the AI allows: most often a missing GS before the next AI.
        const hint = /(01\d{14}|17\d{6}|10|21)/.exec(value.slice(1));
        fail(
          hint ? 'MISSING_SEPARATOR' : 'WRONG_LENGTH',
          hint
            ? `AI (${ai}) ${spec.title} "${printable(value)}" runs past ${spec.max} characters: a GS (FNC1) separator is missing after the variable-length AI (${ai})`
            : `AI (${ai}) ${spec.title} has ${value.length} characters; at most ${spec.max} are allowed`,
        );
      }
    }
    setField(out, ai, text.slice(start, end), today, false);
    i = end;
  }
  return out;
}

/** Decodes one URI component; a broken %-escape is a {@link Gs1Error}. */
function decode(component: string, where: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return fail('MALFORMED', `${where} "${component}" has an invalid percent-encoding`);
  }
}

/** Path qualifiers of a GTIN in the order the Digital Link standard (§4.4) fixes: 22, 10, 21. */
const PATH_QUALIFIERS = ['10', '21'];

/**
 * A GS1 Digital Link URI (any host, any path prefix): `/01/{gtin}` followed by the qualifiers
 * `/10/{lot}` and `/21/{serial}` in that order, and data attributes such as `17` in the query
 * (lot and serial are accepted there too, as some printers put them, but not twice).
 * Query parameters that are not all digits (`linkType`, `context`…) are not GS1 data and are
 * ignored, as the standard says; a numeric one must be an AI Greenlane reads.
 */
function parseDigitalLink(text: string, today: Date): Gs1Identifiers {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('MALFORMED', `"${printable(text)}" is not a valid URI`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail('MALFORMED', `a GS1 Digital Link URI must be http or https, not ${url.protocol}`);
  // The path as written: the URL parser removes "." and ".." segments (RFC 3986 §5.2.4), which
  // would drop a lot or serial that is a dot, or read the segments around it in another order.
  const pathname = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(text)?.[1] ?? url.pathname;
  const segments = pathname.split('/').slice(1);
  // The primary key is the first `01` that leaves whole AI/value pairs after it; what comes
  // before it is the resolver's own path prefix (§4.2: any host, any prefix).
  const start = segments.findIndex((s, k) => s === '01' && (segments.length - k) % 2 === 0);
  if (start < 0)
    fail(
      'MALFORMED',
      segments.includes('01')
        ? `the path "${printable(pathname)}" ends with an AI without a value`
        : `no /01/{GTIN} primary key in the path "${printable(pathname)}"`,
    );
  const out: Gs1Identifiers = {};
  const rest = segments.slice(start);
  let lastQualifier = -1;
  for (let k = 0; k < rest.length; k += 2) {
    const ai = rest[k]!;
    const value = decode(rest[k + 1]!, `the value of AI (${ai})`);
    if (k > 0) {
      const order = PATH_QUALIFIERS.indexOf(ai);
      if (order < 0) {
        if (AIS[ai])
          fail('MALFORMED', `AI (${ai}) cannot be in the path of a Digital Link; put it in the query`);
        fail(
          'UNKNOWN_AI',
          `AI (${printable(ai)}) in the path is not one Greenlane reads (10 lot, 21 serial after 01)`,
        );
      }
      if (order <= lastQualifier)
        fail('MALFORMED', `AI (${ai}) comes after a qualifier it must precede (01, 10, 21)`);
      lastQualifier = order;
    }
    setField(out, ai, value, today, true);
  }
  for (const [name, rawValue] of queryPairs(url.search)) {
    if (!/^\d+$/.test(name)) continue;
    const spec = AIS[name];
    if (spec && out[spec.field] !== undefined)
      fail('DUPLICATE_AI', `AI (${name}) is in both the path and the query`);
    setField(out, name, rawValue, today, true);
  }
  return out;
}

/** The query's name=value pairs, percent-decoded (a `+` is a plain plus in GS1 data, not a space). */
function queryPairs(search: string): Array<[string, string]> {
  if (search.length <= 1) return [];
  return search
    .slice(1)
    .split('&')
    .filter((p) => p.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq), 'a query parameter name');
      return [name, decode(eq < 0 ? '' : pair.slice(eq + 1), `the value of query parameter ${name}`)];
    });
}

/**
 * Parses a GS1 code in any of the forms a scanner or declarant gives; throws a {@link Gs1Error}
 * with the reason when it is malformed. `today` fixes the century of a two-digit expiry year.
 *
 * @example
 * parseGs1('(01)09506000134352(17)270600(10)A1B2(21)XYZ', new Date('2026-12-03'))
 * // => { gtin: '09506000134352', expiry: '2027-06-30', lot: 'A1B2', serial: 'XYZ' }
 * parseGs1(']d2010950600013435217270600' + '10A1B2\x1d21XYZ', today) // the same
 * parseGs1('https://id.example.com/01/09506000134352/10/A1B2/21/XYZ?17=270600', today) // the same
 */
export function parseGs1(input: string, today: Date): Gs1Identifiers {
  let text = input.trim();
  if (text.length === 0) fail('EMPTY', 'the GS1 code is empty');
  if (/^https?:\/\//i.test(text)) return parseDigitalLink(text, today);
  const symbology = SYMBOLOGY_IDS.find((id) => text.startsWith(id));
  if (symbology) text = text.slice(symbology.length);
  // A leading FNC1 (GS) only marks the data as GS1; it separates nothing.
  while (text.startsWith(GS)) text = text.slice(1);
  if (text.length === 0) fail('EMPTY', 'the GS1 code has no data after its symbology identifier');
  return text.startsWith('(') ? parseParenthesised(text, today) : parseConcatenated(text, today);
}

/** {@link parseGs1} as a result instead of an exception. */
export function tryParseGs1(
  input: string,
  today: Date,
): { ok: true; value: Gs1Identifiers } | { ok: false; code: Gs1ErrorCode; reason: string } {
  try {
    return { ok: true, value: parseGs1(input, today) };
  } catch (err) {
    if (err instanceof Gs1Error) return { ok: false, code: err.code, reason: err.message };
    throw err;
  }
}

/** The YYMMDD of an expiry `YYYY-MM-DD` (the last day of a month is written as itself, not 00). */
function yymmdd(expiry: string): string {
  return `${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8, 10)}`;
}

/** The fixed-length AIs first, then the variable-length ones, so only one GS is ever needed. */
const ELEMENT_ORDER: readonly Field[] = ['gtin', 'expiry', 'lot', 'serial'];

/** The human-readable element string, e.g. `(01)09506000134352(17)270630(10)A1B2(21)XYZ`. */
export function toElementString(ids: Gs1Identifiers): string {
  return ELEMENT_ORDER.filter((f) => ids[f] !== undefined)
    .map((f) => `(${AI_OF[f]})${f === 'expiry' ? yymmdd(ids[f]!) : ids[f]}`)
    .join('');
}

/** The element string as a scanner transmits it: `]d2`, then the AIs with GS after variable ones. */
export function toScannedString(ids: Gs1Identifiers): string {
  const present = ELEMENT_ORDER.filter((f) => ids[f] !== undefined);
  return `]d2${present
    .map((f, k) => {
      const value = f === 'expiry' ? yymmdd(ids[f]!) : ids[f]!;
      const variable = AIS[AI_OF[f]]!.fixed === undefined;
      return `${AI_OF[f]}${value}${variable && k < present.length - 1 ? GS : ''}`;
    })
    .join('')}`;
}

/**
 * Percent-encodes every character outside RFC 3986's unreserved set, and the dots of a value that
 * is "." or "..", which URL libraries would otherwise remove as a dot segment.
 */
function encode(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E');
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The GS1 Digital Link URI of a code with a GTIN: lot and serial in the path, expiry in the query.
 * @example toDigitalLink({ gtin: '09506000134352', lot: 'A1' }) // 'https://id.gs1.org/01/09506000134352/10/A1'
 */
export function toDigitalLink(ids: Gs1Identifiers, base = 'https://id.gs1.org'): string {
  if (ids.gtin === undefined) fail('MALFORMED', 'a Digital Link URI needs a GTIN');
  let uri = `${base.replace(/\/+$/, '')}/01/${ids.gtin}`;
  if (ids.lot !== undefined) uri += `/10/${encode(ids.lot)}`;
  if (ids.serial !== undefined) uri += `/21/${encode(ids.serial)}`;
  if (ids.expiry !== undefined) uri += `?17=${yymmdd(ids.expiry)}`;
  return uri;
}

/** What a goods item identifies, from its fields and its `gs1` code together. */
export interface ItemIdentifiers {
  /** GTIN-14. */
  gtin?: string;
  lot?: string;
  /** `YYYY-MM-DD`. */
  expiry?: string;
  /** Every serial declared: `serial`, `serials` and the code's AI 21, without repeats. */
  serials: string[];
}

/** The identifying fields of a goods item (a subset of `GoodsItem`, so this file needs no schema). */
export interface IdentifiedItem {
  gtin?: string | undefined;
  lot?: string | undefined;
  expiry?: string | undefined;
  serial?: string | undefined;
  serials?: readonly string[] | undefined;
  gs1?: string | undefined;
}

/** One disagreement or fault in a goods item's identifiers: the field and why. */
export interface IdentifierFault {
  field: 'gtin' | 'lot' | 'expiry' | 'serial' | 'gs1';
  message: string;
}

/**
 * The goods item's identifiers with its `gs1` code read (the century of its expiry fixed by
 * `lodgedAt`), or the faults: an unreadable code, or a code that disagrees with a field given
 * beside it.
 */
export function itemIdentifiers(
  item: IdentifiedItem,
  lodgedAt: Date,
): { ok: true; ids: ItemIdentifiers } | { ok: false; faults: IdentifierFault[] } {
  const faults: IdentifierFault[] = [];
  let code: Gs1Identifiers = {};
  if (item.gs1 !== undefined) {
    const parsed = tryParseGs1(item.gs1, lodgedAt);
    if (!parsed.ok) return { ok: false, faults: [{ field: 'gs1', message: parsed.reason }] };
    code = parsed.value;
  }
  let gtin: string | undefined;
  if (item.gtin !== undefined) {
    try {
      gtin = normaliseGtin(item.gtin);
    } catch (err) {
      faults.push({ field: 'gtin', message: (err as Error).message });
    }
  }
  if (gtin !== undefined && code.gtin !== undefined && gtin !== code.gtin)
    faults.push({
      field: 'gtin',
      message: `GTIN ${item.gtin} differs from the gs1 code's GTIN ${code.gtin}`,
    });
  if (item.lot !== undefined && code.lot !== undefined && item.lot !== code.lot)
    faults.push({ field: 'lot', message: `lot "${item.lot}" differs from the gs1 code's lot "${code.lot}"` });
  if (item.expiry !== undefined && code.expiry !== undefined && item.expiry !== code.expiry)
    faults.push({
      field: 'expiry',
      message: `expiry ${item.expiry} differs from the gs1 code's ${code.expiry}`,
    });
  if (faults.length > 0) return { ok: false, faults };
  const serials = [
    ...new Set([
      ...(item.serial ? [item.serial] : []),
      ...(item.serials ?? []),
      ...(code.serial ? [code.serial] : []),
    ]),
  ];
  const ids: ItemIdentifiers = { serials };
  const g = gtin ?? code.gtin;
  if (g !== undefined) ids.gtin = g;
  const lot = item.lot ?? code.lot;
  if (lot !== undefined) ids.lot = lot;
  const expiry = item.expiry ?? code.expiry;
  if (expiry !== undefined) ids.expiry = expiry;
  return { ok: true, ids };
}

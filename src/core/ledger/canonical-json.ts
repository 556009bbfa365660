import { LedgerError } from './ledger-error.ts';

/** Lone UTF-16 surrogates cannot be encoded as UTF-8 (RFC 8785 §3.2.2.2 requires I-JSON strings). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where a value sits, for the error message (`$.items[0].code`): kept as a stack of keys and
 * indexes and only turned into text when something is not JSON, since building a path string for
 * every member was most of the cost of hashing a declaration.
 */
type Path = Array<string | number>;

function where(path: Path): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return out;
}

function notCanonical(path: Path, what: string): LedgerError {
  return new LedgerError('NOT_CANONICAL_JSON', `${where(path)}: ${what}`);
}

function serialize(value: unknown, path: Path, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number-to-String; NaN and ±Infinity are not JSON.
      if (!Number.isFinite(value)) throw notCanonical(path, `${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw notCanonical(path, 'lone surrogate in string');
      // RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify string escaping is the canonical one.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw notCanonical(path, `${typeof value} is not a JSON value`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw notCanonical(path, 'circular reference');
  seen.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = '[';
    for (let i = 0; i < obj.length; i += 1) {
      path.push(i);
      out += (i > 0 ? ',' : '') + serialize(obj[i], path, seen);
      path.pop();
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null)
      throw notCanonical(path, 'only plain objects and arrays are JSON (convert dates first)');
    const record = obj as Record<string, unknown>;
    // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names; the default
    // Array.prototype.sort comparison is exactly that order.
    const keys = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const k of keys) {
      const member = record[k];
      if (member === undefined) continue;
      if (LONE_SURROGATE.test(k)) throw notCanonical(path, 'lone surrogate in key');
      path.push(k);
      out += `${first ? '' : ','}${JSON.stringify(k)}:${serialize(member, path, seen)}`;
      path.pop();
      first = false;
    }
    out += '}';
  }
  seen.delete(obj);
  return out;
}

/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte sequence a log entry is hashed as, so two
 * parties serialising the same decision produce the same leaf. Members whose value is `undefined`
 * are omitted (as `JSON.stringify` does); anything not JSON throws `NOT_CANONICAL_JSON`.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, [], new Set());
}

/** UTF-8 bytes of `canonicalJson(value)`: the exact leaf input of the log. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

import { LedgerError } from './ledger-error.ts';

/** Lone UTF-16 surrogates cannot be encoded as UTF-8 (RFC 8785 §3.2.2.2 requires I-JSON strings). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialize(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number-to-String; NaN and ±Infinity are not JSON.
      if (!Number.isFinite(value))
        throw new LedgerError('NOT_CANONICAL_JSON', `${path}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value))
        throw new LedgerError('NOT_CANONICAL_JSON', `${path}: lone surrogate in string`);
      // RFC 8785 §3.2.2.2: the ECMAScript JSON.stringify string escaping is the canonical one.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new LedgerError('NOT_CANONICAL_JSON', `${path}: ${typeof value} is not a JSON value`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new LedgerError('NOT_CANONICAL_JSON', `${path}: circular reference`);
  seen.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = `[${obj.map((v, i) => serialize(v, `${path}[${i}]`, seen)).join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new LedgerError(
        'NOT_CANONICAL_JSON',
        `${path}: only plain objects and arrays are JSON (convert dates first)`,
      );
    }
    // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names; the default
    // Array.prototype.sort comparison is exactly that order.
    const keys = Object.keys(obj)
      .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
      .sort();
    out = `{${keys
      .map((k) => {
        if (LONE_SURROGATE.test(k))
          throw new LedgerError('NOT_CANONICAL_JSON', `${path}: lone surrogate in key`);
        return `${JSON.stringify(k)}:${serialize((obj as Record<string, unknown>)[k], `${path}.${k}`, seen)}`;
      })
      .join(',')}}`;
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
  return serialize(value, '$', new Set());
}

/** UTF-8 bytes of `canonicalJson(value)`: the exact leaf input of the log. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

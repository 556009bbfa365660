/**
 * Decimal numbers as written in data files: optional sign, digits, optional fraction, optional
 * exponent (`12`, `-0.5`, `.5`, `5.`, `1e3`, `2.5E-2`), surrounded by optional whitespace. Anything
 * else is not a number here, although JavaScript's `Number()` would read it: hexadecimal, binary
 * and octal literals (`0x10`), `Infinity`, `NaN`, the empty or blank string (which `Number()` reads
 * as 0), thousands separators and decimal commas (`1,5` is ambiguous between 15 and 1.5).
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value of a decimal number, or undefined when `text` is not one or does not fit a double. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A numeric field of a declaration file: undefined when empty, the number when it is one, else the
 * text unchanged, so validation reports the field with its path and the value it got.
 */
export function numericField(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  return parseDecimal(value) ?? value;
}

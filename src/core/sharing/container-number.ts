/**
 * ISO 6346 freight container identification: owner code (3 letters), equipment category
 * identifier (U freight container, J detachable equipment, Z trailer or chassis), serial number
 * (6 digits) and a check digit, e.g. `CSQU3054383`.
 */

const CONTAINER = /^[A-Z]{3}[UJZ]\d{7}$/;

/**
 * ISO 6346 Annex A letter values: A = 10 upwards, skipping 11, 22 and 33 (multiples of 11, which
 * would weaken the mod-11 check).
 */
function letterValue(letter: string): number {
  let value = 10;
  for (let c = 'A'.charCodeAt(0); c < letter.charCodeAt(0); c++) {
    value += 1;
    if (value % 11 === 0) value += 1;
  }
  return value;
}

const LETTER_VALUES = new Map<string, number>(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l) => [l, letterValue(l)]),
);

/** The check digit of the first ten characters: sum of value x 2^position, mod 11, 10 read as 0. */
export function containerCheckDigit(firstTen: string): number {
  if (!/^[A-Z]{4}\d{6}$/.test(firstTen)) {
    throw new RangeError(`"${firstTen}" is not 4 capital letters and 6 digits`);
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = firstTen[i]!;
    const value = i < 4 ? LETTER_VALUES.get(ch)! : Number(ch);
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

/** Upper-cases and removes the spaces and dashes people write, e.g. `csqu 305438-3` -> `CSQU3054383`. */
export function normaliseContainerNumber(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** Why a container number is not valid, or undefined when it is (after normalisation). */
export function containerNumberFault(value: string): string | undefined {
  const n = normaliseContainerNumber(value);
  if (!CONTAINER.test(n)) {
    return 'must be an ISO 6346 container number: 3-letter owner code, U, J or Z, 6 digits and a check digit, e.g. "CSQU3054383"';
  }
  const expected = containerCheckDigit(n.slice(0, 10));
  if (Number(n[10]) !== expected) return `check digit is ${n[10]}, ISO 6346 gives ${expected}`;
  return undefined;
}

export function isValidContainerNumber(value: string): boolean {
  return containerNumberFault(value) === undefined;
}

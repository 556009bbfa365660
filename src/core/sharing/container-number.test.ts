import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containerCheckDigit,
  containerNumberFault,
  isValidContainerNumber,
  normaliseContainerNumber,
} from './container-number.ts';

describe('ISO 6346 container numbers', () => {
  it('accepts CSQU3054383, the example of ISO 6346 and of the BIC', () => {
    expect(containerNumberFault('CSQU3054383')).toBeUndefined();
  });

  it('computes the check digit with the letter values that skip multiples of 11', () => {
    expect(containerCheckDigit('CSQU305438')).toBe(3);
    // By hand: C13 + S30x2 + Q28x4 + U32x8 + 3x16 + 0x32 + 5x64 + 4x128 + 3x256 + 0x512 = 2089 = 11x189 + 10,
    // and a remainder of 10 is written 0.
    expect(containerCheckDigit('CSQU305430')).toBe(0);
    expect(isValidContainerNumber('CSQU3054300')).toBe(true);
  });

  it('names a wrong check digit', () => {
    expect(containerNumberFault('CSQU3054384')).toBe('check digit is 4, ISO 6346 gives 3');
  });

  it('rejects a malformed number and a wrong category identifier', () => {
    expect(containerNumberFault('CSQ3054383')).toContain('must be an ISO 6346 container number');
    expect(containerNumberFault('CSQX3054383')).toContain('U, J or Z');
    expect(isValidContainerNumber('')).toBe(false);
  });

  it('normalises spaces, dashes and case', () => {
    expect(normaliseContainerNumber('csqu 305438-3')).toBe('CSQU3054383');
    expect(isValidContainerNumber('csqu 305438-3')).toBe(true);
  });

  it('detects every single-digit change of the serial number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        (serial, pos, delta) => {
          const body = `CSQU${String(serial).padStart(6, '0')}`;
          const valid = `${body}${containerCheckDigit(body)}`;
          expect(isValidContainerNumber(valid)).toBe(true);
          const digits = [...valid];
          digits[4 + pos] = String((Number(digits[4 + pos]) + delta) % 10);
          const changed = digits.join('');
          // The mod-11 weights 2^i are distinct mod 11, so one changed digit always changes the sum;
          // only the 10 -> 0 folding can hide it.
          if (containerCheckDigit(changed.slice(0, 10)) !== 0 || containerCheckDigit(body) !== 0) {
            expect(isValidContainerNumber(changed)).toBe(false);
          }
        },
      ),
    );
  });
});

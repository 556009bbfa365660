import { SCREEN_LIMITS } from '../../src/installation/config.ts';

/**
 * Names of `length` Han characters from a fixed pseudo-random sequence (the same every run): the
 * slowest names to screen, since each is read as Japanese and its readings compared.
 */
export function hanNames(count: number, length: number, seed = 20261203): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length }, () => String.fromCodePoint(0x4e00 + Math.floor(next() * 0x5000))).join(''),
  );
}

/** The heaviest `POST /v1/screen` body the limits allow: the most parties, the longest Han names. */
export function heaviestScreenRequest(): { parties: Array<{ name: string; type: 'any' }> } {
  return {
    parties: hanNames(SCREEN_LIMITS.maxParties, SCREEN_LIMITS.maxNameLength).map((name) => ({
      name,
      type: 'any' as const,
    })),
  };
}

import { SCREEN_LIMITS } from '../../src/app/config.ts';

/**
 * The heaviest `POST /v1/screen` body the limits allow: the most parties, each a name of the
 * longest length in Han script (the slowest script to screen: every name is read as Japanese
 * and its readings compared), from a fixed pseudo-random sequence so every run is the same.
 */
export function heaviestScreenRequest(): { parties: Array<{ name: string; type: 'any' }> } {
  let seed = 20261203;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const name = () =>
    Array.from({ length: SCREEN_LIMITS.maxNameLength }, () =>
      String.fromCodePoint(0x4e00 + Math.floor(next() * 0x5000)),
    ).join('');
  return { parties: Array.from({ length: SCREEN_LIMITS.maxParties }, () => ({ name: name(), type: 'any' })) };
}

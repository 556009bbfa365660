import { hash } from 'node:crypto';
import { z } from 'zod';

/**
 * How the combined score becomes a channel, and the random share of inspections (ASYCUDA
 * selectivity "random criteria"; WCO Risk Management Compendium: random selection keeps every
 * trader exposed to control and gives an unbiased sample to measure compliance and to train models
 * on goods the rules would never select).
 */
export const SelectionPolicySchema = z
  .strictObject({
    /** Combined score at which a declaration goes to yellow, and to red. */
    thresholds: z
      .strictObject({ yellow: z.number().finite().min(0), red: z.number().finite().min(0) })
      .refine((t) => t.yellow <= t.red, { message: 'yellow threshold must not exceed the red threshold' }),
    /** Fractions of declarations selected at random for yellow and for red. */
    randomRates: z
      .strictObject({ yellow: z.number().min(0).max(1), red: z.number().min(0).max(1) })
      .refine((r) => r.yellow + r.red <= 1, { message: 'random rates must add up to at most 1' }),
    /**
     * Recorded with every decision. Without "|" so that `seed|declarationId|version` reads back
     * unambiguously.
     */
    seed: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^|]*$/, 'must not contain "|"'),
  })
  .readonly();
export type SelectionPolicy = z.infer<typeof SelectionPolicySchema>;

/** 2^48: the draw uses the first 48 bits of the digest, exact in a double. */
const TWO_POW_48 = 2 ** 48;

/**
 * The reproducible random draw of one declaration version, uniform in [0, 1):
 * the first 6 bytes (big-endian) of SHA-256 over the UTF-8 text `seed|declarationId|version`,
 * divided by 2^48. It depends on nothing else, so the same declaration gets the same draw in any
 * processing order, on any worker, and anyone with the seed can recompute it:
 * `printf '%s' 'seed|DECL-1|1' | sha256sum`, take 12 hex digits, divide by 2^48.
 */
export function selectionDraw(seed: string, declarationId: string, version: number): number {
  // One-shot crypto.hash (Node >= 20.12): a third faster than createHash for short inputs.
  return hash('sha256', `${seed}|${declarationId}|${version}`, 'buffer').readUIntBE(0, 6) / TWO_POW_48;
}

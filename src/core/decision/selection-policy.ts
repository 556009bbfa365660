import { createHmac, hash } from 'node:crypto';
import { z } from 'zod';
import { DecisionError } from './decision-error.ts';

/**
 * How the combined score becomes a channel, and the random share of inspections (ASYCUDA
 * selectivity "random criteria"; WCO Risk Management Compendium: random selection keeps every
 * trader exposed to control and gives an unbiased sample to measure compliance and to train models
 * on goods the rules would never select). The randomness itself comes from a secret
 * {@link SelectionKey}, which is not part of the policy: the policy is published, the key never.
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
  })
  .readonly();
export type SelectionPolicy = z.infer<typeof SelectionPolicySchema>;

/**
 * The installation's secret for random selection. Whoever holds it can predict every draw, so it
 * is never printed, returned or logged: decisions record only its `id`.
 */
export interface SelectionKey {
  /** `selectionKeyId(secret)`: names the key in decisions without revealing it. */
  id: string;
  /** At least 32 random bytes (HMAC-SHA256 key, RFC 2104 §3: no less than the output length). */
  secret: Uint8Array;
}

/** Shortest accepted secret: the HMAC-SHA256 output length (RFC 2104 §3). */
export const MIN_SELECTION_SECRET_BYTES = 32;

/** What a draw is for; each purpose draws independently from the same key. */
export type DrawPurpose = 'channel' | 'model-explore';

/** 2^48: the draw uses the first 48 bits of the MAC, exact in a double. */
const TWO_POW_48 = 2 ** 48;

function checkSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SELECTION_SECRET_BYTES) {
    throw new DecisionError(
      'INVALID_KEY',
      `a selection key needs at least ${MIN_SELECTION_SECRET_BYTES} bytes, got ${secret.length}`,
    );
  }
}

/**
 * The id of a selection key: `sel_` and 16 hex digits of SHA-256 over a fixed label and the
 * secret. It names the key in decisions and lets an auditor check a key file against them; being a
 * one-way hash of a 256-bit secret, it tells nothing about the draws.
 */
export function selectionKeyId(secret: Uint8Array): string {
  checkSecret(secret);
  const digest = hash('sha256', Buffer.concat([Buffer.from('greenlane selection key id\0'), secret]), 'hex');
  return `sel_${digest.slice(0, 16)}`;
}

/**
 * The random draw of one declaration, uniform in [0, 1): the first 6 bytes (big-endian) of
 * HMAC-SHA256 (RFC 2104) under the secret key over the UTF-8 text
 * `["greenlane-selection/v1",purpose,administration,declarationId]` (a JSON array, so no field
 * can run into the next), divided by 2^48. It depends on the declaration and its administration
 * only, not on the version: an amendment cannot re-roll it, and without the key nobody can
 * compute it in advance.
 */
export function selectionDraw(
  secret: Uint8Array,
  purpose: DrawPurpose,
  administration: string,
  declarationId: string,
): number {
  checkSecret(secret);
  const message = JSON.stringify(['greenlane-selection/v1', purpose, administration, declarationId]);
  return createHmac('sha256', secret).update(message, 'utf8').digest().readUIntBE(0, 6) / TWO_POW_48;
}

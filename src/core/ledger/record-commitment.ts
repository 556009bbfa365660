import { createHash, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { LedgerError } from './ledger-error.ts';

/** Bytes of a record's salt: 256 bits, so a commitment cannot be brute-forced from guessable content. */
export const RECORD_SALT_BYTES = 32;

/**
 * The commitment a public leaf makes to a confidential record: SHA-256(salt || content), where
 * `content` is the record's RFC 8785 canonical JSON (UTF-8) and `salt` a random value kept in the
 * store. Without the salt nobody can test a guess ("was declaration D-1 red?") against the leaf;
 * with record and salt an auditor recomputes it. Hiding and binding rest on SHA-256 alone.
 */
export function recordCommitment(salt: Buffer, content: string): Buffer {
  if (salt.length !== RECORD_SALT_BYTES)
    throw new LedgerError('INVALID_ARGUMENT', `salt must be ${RECORD_SALT_BYTES} bytes, got ${salt.length}`);
  return createHash('sha256').update(salt).update(Buffer.from(content, 'utf8')).digest();
}

/** The public leaf text of a record: canonical JSON `{"commitment":"<64 hex>"}`. */
export function commitmentLeaf(commitment: Buffer): string {
  return canonicalJson({ commitment: commitment.toString('hex') });
}

const LEAF = /^\{"commitment":"([0-9a-f]{64})"\}$/;

/** The commitment of a leaf written by {@link commitmentLeaf}, or undefined for any other leaf (plain entries). */
export function parseCommitmentLeaf(leaf: string): Buffer | undefined {
  const m = LEAF.exec(leaf);
  return m ? Buffer.from(m[1]!, 'hex') : undefined;
}

/** Why a record does not match a leaf. */
export type RecordCheck =
  | { ok: true }
  | { ok: false; reason: 'NOT_A_COMMITMENT' | 'NOT_CANONICAL' | 'BAD_SALT' | 'MISMATCH'; message: string };

/**
 * The auditor's check: does this record (canonical JSON text) with this salt (hex) produce the
 * public leaf? Every input is attacker-controlled, so each is parsed defensively and a failure
 * says which part is wrong.
 *
 * @example
 * checkRecordAgainstLeaf(leafBytes.toString('utf8'), record.content, record.salt) // { ok: true }
 */
export function checkRecordAgainstLeaf(leaf: string, content: string, saltHex: string): RecordCheck {
  const committed = parseCommitmentLeaf(leaf);
  if (!committed)
    return { ok: false, reason: 'NOT_A_COMMITMENT', message: 'the leaf is not a record commitment' };
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(JSON.parse(content));
  } catch {
    canonical = undefined;
  }
  if (canonical !== content)
    return { ok: false, reason: 'NOT_CANONICAL', message: 'the record is not RFC 8785 canonical JSON' };
  if (!/^[0-9a-f]{64}$/.test(saltHex))
    return { ok: false, reason: 'BAD_SALT', message: `the salt must be ${RECORD_SALT_BYTES * 2} hex digits` };
  const computed = recordCommitment(Buffer.from(saltHex, 'hex'), content);
  if (!timingSafeEqual(computed, committed))
    return {
      ok: false,
      reason: 'MISMATCH',
      message: 'record and salt do not produce the leaf: the record was altered',
    };
  return { ok: true };
}

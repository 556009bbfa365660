import { GreenlaneError } from '../error.ts';

/**
 * Every failure of the transparency-log domain carries one of these codes, so callers (CLI, HTTP,
 * witness) can map them without parsing messages.
 */
export type LedgerErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INCLUSION_PROOF_INVALID'
  | 'CONSISTENCY_PROOF_INVALID'
  | 'NOT_CANONICAL_JSON'
  | 'MALFORMED_CHECKPOINT'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_KEY'
  | 'SIGNATURE_INVALID'
  | 'NODE_MISSING'
  | 'NOT_FOUND'
  | 'KEY_MISMATCH';

/** The one error type of the ledger core; `code` is a closed union, `cause` keeps the origin. */
export class LedgerError extends GreenlaneError<LedgerErrorCode> {
  override name = 'LedgerError';
}

/** Rejects anything that is not a non-negative safe integer (tree sizes and indexes). */
export function assertTreeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `${what} must be a non-negative safe integer, got ${String(value)}`,
    );
  }
}

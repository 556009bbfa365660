import { GreenlaneError } from '../../core/error.ts';

/**
 * Why a store operation failed. A closed set, so the HTTP and CLI layers can map every code:
 * - `NOT_FOUND`: the declaration, decision or key does not exist for this administration;
 * - `CONFLICT`: a concurrent writer won a race (safe to retry) or the change contradicts the state;
 * - `INVALID_INPUT`: a value the store cannot accept (bad cursor, empty reason, negative amount...);
 * - `UNKNOWN_ADMINISTRATION`: the tenant does not exist.
 *
 * A declaration that moved on since it was assessed is the app's `StaleVersionError`
 * (`src/app/ports/stale-version-error.ts`), which the store throws.
 */
export type StoreErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID_INPUT' | 'UNKNOWN_ADMINISTRATION';

/** The one error type the store throws on purpose; anything else is a bug or an outage. */
export class StoreError extends GreenlaneError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

/**
 * True for a unique / primary-key violation: PostgreSQL SQLSTATE 23505, SQLite
 * SQLITE_CONSTRAINT_PRIMARYKEY / SQLITE_CONSTRAINT_UNIQUE.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

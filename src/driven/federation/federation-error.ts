import { GreenlaneError } from '../../core/error.ts';

/**
 * Why a federation operation failed:
 * - `UNKNOWN_PARTNER`: a partner name that is not among the administration's partners;
 * - `INVALID_INPUT`: a partner or shared item that does not validate (the message names the field);
 * - `CONFLICT`: a partner name or key already added;
 * - `NOT_FOUND`: no such shared item;
 * - `NOT_LOGGED`: the log has not appended the item (yet);
 * - `HANDLING_FORBIDS`: the item's TLP code forbids this share (a national seizure report under a
 *   label other than AMBER+STRICT or RED; another administration's AMBER, AMBER+STRICT or RED item
 *   passed on), refused before it leaves, as the receiver would.
 */
export type FederationErrorCode =
  | 'UNKNOWN_PARTNER'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'NOT_LOGGED'
  | 'HANDLING_FORBIDS';

/** The one error type of the federation adapters. */
export class FederationError extends GreenlaneError<FederationErrorCode> {
  override readonly name = 'FederationError';
}

/**
 * A share the outbox refused for the caller's input (an unknown partner, an invalid item), as
 * `{ path, code, message }` for the caller's own error (the message names the field; an unknown
 * partner's path is `/to`). Undefined for any other failure (the database, a bug), which the
 * caller lets through. Every capability that shares maps the outbox's refusals through this.
 */
export function shareRefusal(err: unknown): { path: string; code: string; message: string } | undefined {
  if (!(err instanceof GreenlaneError) || (err.code !== 'UNKNOWN_PARTNER' && err.code !== 'INVALID_INPUT'))
    return undefined;
  return {
    path: err.code === 'UNKNOWN_PARTNER' ? '/to' : '',
    code: err.code.toLowerCase(),
    message: err.message,
  };
}

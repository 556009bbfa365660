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

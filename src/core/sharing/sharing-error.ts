import { GreenlaneError } from '../error.ts';
/** Closed set of codes for a refused sharing operation (bad input is reported, illegal moves thrown). */
export type SharingErrorCode =
  | 'INVALID_INPUT'
  | 'ILLEGAL_TRANSITION'
  | 'VERSION_CONFLICT'
  | 'NOT_SEIZABLE'
  | 'HANDLING_FORBIDS'
  | 'MALFORMED_SIGNATURE';

/** The one error type of the sharing core; `code` is a closed union, `cause` keeps the origin. */
export class SharingError extends GreenlaneError<SharingErrorCode> {
  override name = 'SharingError';
}

/** One problem in shared input: where (RFC 6901 pointer) and what. */
export interface SharingIssue {
  path: string;
  message: string;
}

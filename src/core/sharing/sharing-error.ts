/** Closed set of codes for a refused sharing operation (bad input is reported, illegal moves thrown). */
export type SharingErrorCode =
  | 'INVALID_INPUT'
  | 'ILLEGAL_TRANSITION'
  | 'VERSION_CONFLICT'
  | 'NOT_SEIZABLE'
  | 'HANDLING_FORBIDS'
  | 'MALFORMED_SIGNATURE';

/** The one error type of the sharing core; `code` is a closed union, `cause` keeps the origin. */
export class SharingError extends Error {
  override name = 'SharingError';
  constructor(
    readonly code: SharingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One problem in shared input: where (RFC 6901 pointer) and what. */
export interface SharingIssue {
  path: string;
  message: string;
}

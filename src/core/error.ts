/**
 * One problem inside an input: where (a field path, an RFC 6901 JSON pointer where the input is
 * JSON-shaped), what (a machine code) and why (plain words).
 */
export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
}

export interface GreenlaneErrorOptions {
  /** The problems one by one, when the error is about an input with several fields. */
  details?: readonly ErrorDetail[];
  /** The error that led to this one (kept for logs, never shown to API clients). */
  cause?: unknown;
}

/**
 * The base of every error Greenlane throws on purpose: a machine `code` callers switch on (each
 * subclass narrows it to a closed union), a plain-language message for people, optional details
 * and the cause. The boundaries map errors by this shape alone (the HTTP API to a status and its
 * error body, the CLI to an exit code); anything thrown that is not a `GreenlaneError` is a bug or
 * an outage.
 *
 * @example
 * export type ZipErrorCode = 'NOT_A_ZIP' | 'CORRUPT';
 * export class ZipError extends GreenlaneError<ZipErrorCode> {
 *   override name = 'ZipError';
 * }
 * throw new ZipError('CORRUPT', 'the central directory is cut short', { cause: err });
 */
export class GreenlaneError<Code extends string = string> extends Error {
  override name = 'GreenlaneError';
  // Declared, not initialised: an error without details has no `details` property at all.
  declare readonly details?: readonly ErrorDetail[];

  constructor(
    readonly code: Code,
    message: string,
    options?: GreenlaneErrorOptions,
  ) {
    // Only a given cause becomes `cause`, as with `new Error(message, options)`.
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    if (options?.details !== undefined) this.details = options.details;
  }
}

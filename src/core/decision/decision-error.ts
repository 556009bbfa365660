/** Closed set of codes for a refused decision operation. */
export type DecisionErrorCode = 'INVALID_POLICY' | 'INVALID_OVERRIDE' | 'INVALID_KEY';

export class DecisionError extends Error {
  override name = 'DecisionError';
  constructor(
    readonly code: DecisionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

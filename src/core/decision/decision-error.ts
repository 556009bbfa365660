import { GreenlaneError } from '../error.ts';

/** Closed set of codes for a refused decision operation. */
export type DecisionErrorCode = 'INVALID_POLICY' | 'INVALID_OVERRIDE' | 'INVALID_KEY';

export class DecisionError extends GreenlaneError<DecisionErrorCode> {
  override name = 'DecisionError';
}

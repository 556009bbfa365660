import { GreenlaneError } from '../error.ts';

export type EnvironmentErrorCode = 'UNKNOWN_SUBSTANCE' | 'INVALID_PERMIT' | 'UNKNOWN_PERMIT';

/** A name that is no controlled substance, or a permit record that cannot be taken into the register. */
export class EnvironmentError extends GreenlaneError<EnvironmentErrorCode> {
  override name = 'EnvironmentError';
}

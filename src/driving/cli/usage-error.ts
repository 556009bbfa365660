import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';

/** Thrown by a command for a usage problem (bad flag value, missing file argument): exit code 2. */
export class UsageError extends GreenlaneError<'USAGE'> {
  override name = 'UsageError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('USAGE', message, options);
  }
}

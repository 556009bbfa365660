import { GreenlaneError } from '../../core/error.ts';

/** The one code of {@link StaleVersionError}. */
export type StaleVersionErrorCode = 'STALE_VERSION';

/**
 * A declaration moved on (a new version, an override) between the pipeline reading its head and
 * saving a decision made against it (`AssessmentItem.expected`). The store writes nothing of the
 * batch and throws this; the pipeline decides the batch again on the new heads.
 */
export class StaleVersionError extends GreenlaneError<StaleVersionErrorCode> {
  override name = 'StaleVersionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STALE_VERSION', message, options);
  }
}

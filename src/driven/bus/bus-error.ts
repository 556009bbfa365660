import { GreenlaneError } from '../../core/error.ts';

/** Closed set of codes of the message bus. */
export type BusErrorCode = 'UNREACHABLE' | 'INVALID_SUBJECT' | 'PUBLISH_FAILED';

/** The message bus cannot be reached, or refused what was sent to it. */
export class BusError extends GreenlaneError<BusErrorCode> {
  override name = 'BusError';
}

import { GreenlaneError } from '../error.ts';

/** Closed set of codes for misuse of the rules engine (bad profile data is reported, not thrown). */
export type RulesErrorCode = 'DUPLICATE_PROFILE_VERSION' | 'REFERENCE_MISMATCH';

export class RulesError extends GreenlaneError<RulesErrorCode> {
  override name = 'RulesError';
}

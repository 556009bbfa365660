import { instantMs } from '../../core/declaration/validation.ts';
import { StoreError } from './store-error.ts';

/** ISO 8601 instant in UTC with milliseconds, so stored timestamps compare as strings. */
export function utc(value: string, field: string): string {
  const ms = instantMs(value);
  if (!Number.isFinite(ms))
    throw new StoreError('INVALID_INPUT', `${field}: "${value}" is not an ISO 8601 instant`);
  return new Date(ms).toISOString();
}

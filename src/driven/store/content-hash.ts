import { createHash } from 'node:crypto';
import { canonicalJsonBytes } from '../../core/ledger/canonical-json.ts';
import { StoreError } from '../database/store-error.ts';

/**
 * Lower-case hex SHA-256 of the RFC 8785 canonical JSON of a value, so the same content hashes
 * the same whatever its key order. Anything that is not JSON is `INVALID_INPUT`.
 */
export function contentHash(value: unknown): string {
  let bytes: Buffer;
  try {
    bytes = canonicalJsonBytes(value);
  } catch (cause) {
    throw new StoreError('INVALID_INPUT', `content is not JSON: ${(cause as Error).message}`, { cause });
  }
  return createHash('sha256').update(bytes).digest('hex');
}

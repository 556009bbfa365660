import { createHash } from 'node:crypto';
import { GreenlaneError } from '../error.ts';
import { canonicalJsonBytes } from '../ledger/canonical-json.ts';

/** Closed set of codes for content that cannot be hashed. */
export type ContentHashErrorCode = 'NOT_JSON';

/** The value given to {@link contentHash} is not JSON (NaN, a lone surrogate, a cycle, a function...). */
export class ContentHashError extends GreenlaneError<ContentHashErrorCode> {
  override name = 'ContentHashError';
}

/**
 * Lower-case hex SHA-256 of the RFC 8785 canonical JSON of a value, so the same content hashes
 * the same whatever its key order: how a resubmitted declaration (or a stored risk profile) is
 * told apart from a changed one.
 *
 * @throws ContentHashError `NOT_JSON` for anything that is not JSON.
 */
export function contentHash(value: unknown): string {
  let bytes: Buffer;
  try {
    bytes = canonicalJsonBytes(value);
  } catch (cause) {
    throw new ContentHashError('NOT_JSON', `content is not JSON: ${(cause as Error).message}`, { cause });
  }
  return createHash('sha256').update(bytes).digest('hex');
}

import { StoreError } from './store-error.ts';

/**
 * Opaque keyset-pagination cursors: the (timestamp, id) of the last row of a page, base64url
 * JSON. Keyset rather than offset so a page stays stable while new rows arrive at the top.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

/** Parses a cursor from an untrusted client; anything malformed is `INVALID_INPUT`. */
export function decodeCursor(cursor: string): KeysetPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new StoreError('INVALID_INPUT', 'the cursor is not valid', { cause });
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string'
  ) {
    throw new StoreError('INVALID_INPUT', 'the cursor is not valid');
  }
  return { at: parsed[0], id: parsed[1] };
}

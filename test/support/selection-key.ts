import { createHash } from 'node:crypto';
import { type SelectionKey, selectionKeyId } from '../../src/core/decision/selection-policy.ts';

/** A fixed selection key for tests (derived from `label`), so draws are stable across runs. */
export function testSelectionKey(label = 'test'): SelectionKey {
  const secret = createHash('sha256').update(`greenlane test selection key ${label}`).digest();
  return { id: selectionKeyId(secret), secret };
}

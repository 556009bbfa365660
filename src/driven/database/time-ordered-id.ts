import { randomFillSync } from 'node:crypto';

/** Random bytes drawn in blocks: one CSPRNG call per 256 ids instead of one per id. */
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;

/**
 * A UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then 74 random bits. Ids created together
 * sort together, so batch inserts append to the end of primary-key B-trees instead of splitting
 * pages all over them as random (v4) UUIDs do, and ids still cannot be guessed.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

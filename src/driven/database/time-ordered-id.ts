import { randomFillSync } from 'node:crypto';

/** Random bytes drawn in blocks: one CSPRNG call per 256 ids instead of one per id. */
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;

/** The millisecond and the 12-bit counter of the last id this process made. */
let lastMs = -1;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, a 12-bit counter (`rand_a`, RFC 9562 §6.2
 * method 1) and 62 random bits. Ids created together sort together, so batch inserts append to
 * the end of primary-key B-trees instead of splitting pages all over them as random (v4) UUIDs do,
 * and ids still cannot be guessed. Within a process they are strictly increasing, also inside one
 * millisecond: the counter starts at a random value below 2048 each new millisecond and counts
 * up; when it runs out the id borrows the next millisecond. A `now` earlier than the last id's
 * (the clock stepped back) keeps the last millisecond, so "newest first" by id stays true.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  let ms = Math.floor(now);
  if (ms > lastMs) {
    counter = ((b[6]! << 8) | b[7]!) & 0x7ff;
  } else {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  }
  lastMs = ms;
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A compact in-memory index of an administration's registered serial numbers, in front of the
 * store (the store stays the record; the index is rebuilt from it whenever the registry changes).
 * Each `(GTIN, serial)` is kept as a 53-bit fingerprint in one sorted `Float64Array` (8 bytes per
 * serial, 80 MB for 10 million), with a directory of bucket starts by the fingerprint's top bits
 * (about 4 serials a bucket, 2 bytes per serial more): a check reads the directory, then a few
 * neighbouring values, so it costs two cache misses rather than a binary search's twenty-odd, and
 * allocates nothing.
 *
 * A key that is not registered is answered "not registered" without fail. A key that is not
 * registered but shares its fingerprint with a registered one would read as registered: with n
 * registered serials the chance per check is n / 2^53 (about 1 in 900 million at 10 million
 * serials), far below the rate at which counterfeiters copy genuine codes, which the clone check
 * catches. A registered key always reads as registered.
 */

const TWO_32 = 2 ** 32;
/** Bits of the first hash kept above the second's 32: 21 + 32 = 53, the integers a double holds exactly. */
const HIGH_MASK = (1 << 21) - 1;

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The 53-bit fingerprint of a registered serial: two independent 32-bit FNV-1a hashes of `gtin NUL serial`. */
export function serialFingerprint(gtin: string, serial: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const step = (code: number) => {
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x0100018d);
  };
  for (let i = 0; i < gtin.length; i++) step(gtin.charCodeAt(i));
  step(0);
  for (let i = 0; i < serial.length; i++) step(serial.charCodeAt(i));
  return (fmix(a) & HIGH_MASK) * TWO_32 + fmix(b ^ serial.length);
}

/** Collects fingerprints (growing in place), then sorts them once into a {@link SerialIndex}. */
export class SerialIndexBuilder {
  private values: Float64Array;
  private size = 0;

  constructor(expected = 1024) {
    this.values = new Float64Array(Math.max(16, expected));
  }

  add(gtin: string, serial: string): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = serialFingerprint(gtin, serial);
  }

  build(): SerialIndex {
    const sorted = this.values.subarray(0, this.size).sort();
    let unique = 0;
    for (let i = 0; i < sorted.length; i++)
      if (i === 0 || sorted[i] !== sorted[unique - 1]) sorted[unique++] = sorted[i]!;
    // A copy of the exact size, so the builder's slack is freed.
    const values = sorted.slice(0, unique);
    this.values = new Float64Array(16);
    this.size = 0;
    return new SerialIndex(values);
  }
}

/** Fingerprints are below 2^53; a bucket is the fingerprint's top `bits` bits. */
const FINGERPRINT_BITS = 53;

/** The sorted fingerprints of registered serials, with their bucket directory. */
export class SerialIndex {
  private readonly starts: Uint32Array;
  private readonly divisor: number;

  constructor(private readonly values: Float64Array) {
    // About four fingerprints a bucket: a power of two at least n / 4 (at least 2^4).
    const bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, values.length / 4))));
    this.divisor = 2 ** (FINGERPRINT_BITS - bits);
    const buckets = 2 ** bits;
    this.starts = new Uint32Array(buckets + 1);
    let i = 0;
    for (let b = 0; b <= buckets; b++) {
      while (i < values.length && Math.floor(values[i]! / this.divisor) < b) i++;
      this.starts[b] = i;
    }
  }

  /** Number of distinct fingerprints (registered serials, but for collisions). */
  get size(): number {
    return this.values.length;
  }

  /** Bytes the index holds. */
  get bytes(): number {
    return this.values.byteLength + this.starts.byteLength;
  }

  /** False: certainly not registered. True: registered (see the module comment for the false-positive rate). */
  has(gtin: string, serial: string): boolean {
    const target = serialFingerprint(gtin, serial);
    const bucket = Math.floor(target / this.divisor);
    const values = this.values;
    for (let i = this.starts[bucket]!, end = this.starts[bucket + 1]!; i < end; i++) {
      const v = values[i]!;
      if (v === target) return true;
      if (v > target) return false;
    }
    return false;
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key secrets: `glk_<key id>_<43 base64url chars of 256 random bits>`. The key id lets the
 * store find the row without searching by hash; only the SHA-256 of the whole secret is stored,
 * and the comparison of hashes is constant-time.
 */
const SECRET_RE = /^glk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/** A new key id and its secret (256 bits from the OS CSPRNG). */
export function newApiKeySecret(): { id: string; secret: string } {
  const id = randomBytes(8).toString('hex');
  return { id, secret: `glk_${id}_${randomBytes(32).toString('base64url')}` };
}

/** Lower-case hex SHA-256 of the secret, as stored in `api_keys.key_hash`. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The key id embedded in a well-formed secret, or null for anything else. */
export function apiKeyIdOf(secret: string): string | null {
  return SECRET_RE.exec(secret)?.[1] ?? null;
}

/** Constant-time equality of two hex SHA-256 digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

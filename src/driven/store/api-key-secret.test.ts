import { describe, expect, it } from 'vitest';
import { apiKeyIdOf, hashApiKeySecret, newApiKeySecret, sameHash } from './api-key-secret.ts';

describe('API key secrets', () => {
  it('embed their key id and hash to 64 hex characters', () => {
    const { id, secret } = newApiKeySecret();
    expect(apiKeyIdOf(secret)).toBe(id);
    expect(hashApiKeySecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(newApiKeySecret().secret).not.toBe(secret);
  });

  it('refuse malformed secrets and compare hashes exactly', () => {
    const { secret } = newApiKeySecret();
    expect(apiKeyIdOf(`${secret}x`)).toBeNull();
    expect(apiKeyIdOf('glk_0123456789abcdef_short')).toBeNull();
    const h = hashApiKeySecret(secret);
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, hashApiKeySecret(`${secret.slice(0, -1)}#`))).toBe(false);
    expect(sameHash(h, 'not-hex')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ContentHashError, contentHash } from './content-hash.ts';

describe('contentHash', () => {
  it('hashes the canonical JSON: key order does not matter, content does', () => {
    const a = contentHash({ id: 'D1', items: [{ hsCode: '300490', value: 1.5 }] });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ items: [{ value: 1.5, hsCode: '300490' }], id: 'D1' })).toBe(a);
    expect(contentHash({ id: 'D1', items: [{ hsCode: '300490', value: 1.25 }] })).not.toBe(a);
    // SHA-256 of the canonical bytes `{"a":1}`.
    expect(contentHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('refuses what is not JSON with NOT_JSON, saying why', () => {
    for (const value of [{ score: Number.NaN }, { at: new Date(0) }, { name: 'lone \ud800' }, () => 1]) {
      const error = (() => {
        try {
          contentHash(value);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ContentHashError);
      expect(error).toMatchObject({
        code: 'NOT_JSON',
        message: expect.stringMatching(/^content is not JSON: /),
      });
    }
  });
});

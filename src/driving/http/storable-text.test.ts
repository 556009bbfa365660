import { describe, expect, it } from 'vitest';
import { isStorableText, unstorableReason } from './storable-text.ts';

describe('unstorableReason', () => {
  it('accepts any well-formed text, astral characters included', () => {
    for (const text of ['', 'Rotterdam', 'Ünsal Çelik', '北京', 'emoji 😀 pair', '\t\n']) {
      expect(unstorableReason(text), text).toBeUndefined();
      expect(isStorableText(text)).toBe(true);
    }
  });

  it('names U+0000 and lone surrogates, high or low, wherever they are', () => {
    expect(unstorableReason('a\u0000b')).toMatch(/NUL/);
    for (const text of ['\ud800', 'x\ud800y', '\udc00', 'end \udfff', '\ud83d\ud83d\ude00'.slice(0, 2)]) {
      expect(unstorableReason(text), JSON.stringify(text)).toMatch(/surrogate/);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members by UTF-16 code units and drops whitespace (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serialises numbers as ECMAScript does (RFC 8785 Appendix B samples)', () => {
    expect(
      canonicalJson([1e30, 4.5, 0.002, 1e-7, -0, Number('333333333.33333329'), 1e21, 9007199254740991]),
    ).toBe('[1e+30,4.5,0.002,1e-7,0,333333333.3333333,1e+21,9007199254740991]');
  });

  it('escapes strings minimally (RFC 8785 §3.2.2.2)', () => {
    expect(canonicalJson({ s: '\u20ac$\u000f\u000aA\'\u0042\u0022\u005c\\"/' })).toBe(
      '{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('rejects what JSON cannot carry', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1n,
      () => 1,
      new Date(0),
      '\ud800',
      { k: Symbol('x') },
    ]) {
      expect(() => canonicalJson(bad)).toThrow(expect.objectContaining({ code: 'NOT_CANONICAL_JSON' }));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(expect.objectContaining({ code: 'NOT_CANONICAL_JSON' }));
  });

  it('is stable under key order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalJson(v);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
        const reordered = JSON.parse(
          JSON.stringify(v, (_k, x) =>
            x && typeof x === 'object' && !Array.isArray(x)
              ? Object.fromEntries(Object.entries(x).reverse())
              : x,
          ),
        );
        expect(canonicalJson(reordered)).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

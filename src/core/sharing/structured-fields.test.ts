import { describe, expect, it } from 'vitest';
import {
  type InnerList,
  type Item,
  parseDictionary,
  serializeInnerList,
  serializeString,
  Token,
} from './structured-fields.ts';

describe('RFC 9651 dictionaries', () => {
  it('parses inner lists with parameters, byte sequences, booleans, tokens and decimals', () => {
    const dict = parseDictionary('a=("x" "y\\"z");n=-5;s="q", b=:AQID:, c, d=tok/en:1;p=?0, e=1.25');
    const a = dict.get('a') as InnerList;
    expect(a.items.map((i) => i.value)).toEqual(['x', 'y"z']);
    expect([...a.params]).toEqual([
      ['n', -5],
      ['s', 'q'],
    ]);
    expect([...((dict.get('b') as Item).value as Uint8Array)]).toEqual([1, 2, 3]);
    expect((dict.get('c') as Item).value).toBe(true);
    const d = dict.get('d') as Item;
    expect(d.value).toEqual(new Token('tok/en:1'));
    expect(d.params.get('p')).toBe(false);
    expect((dict.get('e') as Item).value).toBe(1.25);
  });

  it('serialises an inner list back to the same text', () => {
    const text = '("@method" "content-digest");created=1618884473;keyid="k\\\\1"';
    const list = parseDictionary(`sig=${text}`).get('sig') as InnerList;
    expect(serializeInnerList(list)).toBe(text);
  });

  it.each([
    ['a=("x"', 'expected'],
    ['a=1, ', 'trailing comma'],
    ['a=1,a=2', 'appears twice'],
    ['a=("x");p=1;p=2', 'parameter "p" appears twice'],
    ['A=1', 'expected a key'],
    ['a="\u00e9"', 'outside printable ASCII'],
    ['a="x\\n"', 'invalid escape'],
    ['a=1234567890123456', 'more than 15 digits'],
    ['a=?2', 'boolean'],
    ['a=:abc:', 'not base64'],
    ['a=("x""y")', 'expected a space'],
  ])('refuses %s', (value, message) => {
    expect(() => parseDictionary(value)).toThrow(message);
  });

  it('refuses to serialise a string that structured fields cannot carry', () => {
    expect(serializeString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => serializeString('line\nbreak')).toThrow('outside printable ASCII');
  });
});

import { describe, expect, it } from 'vitest';
import { SerialIndexBuilder, serialFingerprint } from './serial-index.ts';

describe('the in-memory serial index', () => {
  it('finds every registered serial and refuses unregistered ones', () => {
    const builder = new SerialIndexBuilder(4);
    for (let i = 0; i < 20_000; i++) builder.add(`0950600000${String(i % 7).padStart(4, '0')}`, `S${i}`);
    builder.add('09506000000000', 'S0');
    const index = builder.build();
    expect(index.size).toBe(20_000);
    for (let i = 0; i < 20_000; i++)
      expect(index.has(`0950600000${String(i % 7).padStart(4, '0')}`, `S${i}`)).toBe(true);
    let found = 0;
    for (let i = 0; i < 20_000; i++)
      if (index.has(`0950600000${String(i % 7).padStart(4, '0')}`, `X${i}`)) found++;
    // The serial of another GTIN is not this GTIN's.
    for (let i = 0; i < 20_000; i++) if (index.has('09506000000099', `S${i}`)) found++;
    expect(found).toBe(0);
  });

  it('answers an empty registry, and keeps fingerprints within the integers a double holds', () => {
    expect(new SerialIndexBuilder().build().has('09506000134352', 'S1')).toBe(false);
    for (const [g, s] of [
      ['09506000134352', 'S1'],
      ['', ''],
      ['99999999999999', 'zzzzzzzzzzzzzzzzzzzz'],
    ] as const) {
      const f = serialFingerprint(g, s);
      expect(Number.isSafeInteger(f) && f >= 0).toBe(true);
    }
    expect(serialFingerprint('a', 'bc')).not.toBe(serialFingerprint('ab', 'c'));
  });
});

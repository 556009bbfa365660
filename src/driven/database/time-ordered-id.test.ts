import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.ts';

describe('timeOrderedId', () => {
  it('is a UUIDv7 carrying the millisecond timestamp (RFC 9562 §5.7)', () => {
    // Later than any id made before in this process (the generator never goes back in time).
    const at = Date.UTC(2100, 10, 28, 20, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time and never repeats', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    const same = Array.from({ length: 2000 }, () => timeOrderedId(1_700_000_000_000));
    expect(new Set(same).size).toBe(2000);
  });

  it('increases strictly inside one millisecond, past the counter, and when the clock steps back', () => {
    const at = Date.UTC(2101, 0, 1);
    // 5,000 ids in one millisecond: more than the 12-bit counter holds, so some borrow the next one.
    const burst = Array.from({ length: 5000 }, () => timeOrderedId(at));
    const back = timeOrderedId(at - 60_000);
    const all = [...burst, back];
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
    const ms = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(ms(burst[0]!)).toBe(at);
    expect(ms(back)).toBeGreaterThanOrEqual(at);
    expect(ms(burst.at(-1)!)).toBeLessThanOrEqual(at + 3);
  });
});

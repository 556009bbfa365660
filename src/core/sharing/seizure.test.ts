import { describe, expect, it } from 'vitest';
import { parseSeizureReport } from './seizure.ts';
import { makeSeizure } from './test-fixtures.ts';

describe('parseSeizureReport', () => {
  it('accepts a complete national record and fills the defaults', () => {
    const { persons: _p, companies: _c, notes: _n, ...minimal } = makeSeizure();
    const parsed = parseSeizureReport({ ...minimal, route: { departure: 'EC', destination: 'NL' } });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.persons).toEqual([]);
      expect(parsed.value.route.transit).toEqual([]);
    }
  });

  it('names each faulty field by its path', () => {
    const parsed = parseSeizureReport({
      ...makeSeizure(),
      category: 'explosives',
      route: { departure: 'nl', transit: ['PA', 'XXX'], destination: 'NL' },
      quantity: { value: 0, unit: 'kg' },
      hsCode: '2939.79',
      persons: [{ role: 'suspect', name: '  ' }],
      passport: 'X',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/category',
        '/route/departure',
        '/route/transit/1',
        '/quantity/value',
        '/hsCode',
        '/persons/0/name',
        '/passport',
      ]),
    );
    expect(parsed.issues.find((i) => i.path === '/passport')?.message).toBe(
      '"passport" is not a known field',
    );
    expect(parsed.issues.find((i) => i.path === '/quantity/value')?.message).toBe(
      'must be greater than zero',
    );
  });

  it('rejects an impossible date and text with a NUL character', () => {
    const parsed = parseSeizureReport({ ...makeSeizure(), date: '2026-02-30', notes: 'a\u0000b' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path).sort()).toEqual(['/date', '/notes']);
    expect(parsed.issues.find((i) => i.path === '/notes')?.message).toContain('NUL');
  });
});

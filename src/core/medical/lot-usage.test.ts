import { describe, expect, it } from 'vitest';
import { replacesLotUsage, touchedLots } from './lot-usage.ts';

describe('lot usage', () => {
  it('keeps the latest figure: a later report replaces, an older or repeated one does not', () => {
    expect(replacesLotUsage(undefined, { asOf: '2026-03-04T10:00:00Z' })).toBe(true);
    const stored = { asOf: '2026-03-04T10:00:00Z' };
    expect(replacesLotUsage(stored, { asOf: '2026-03-04T10:00:01Z' })).toBe(true);
    expect(replacesLotUsage(stored, { asOf: '2026-03-04T10:00:00Z' })).toBe(false);
    expect(replacesLotUsage(stored, { asOf: '2026-03-04T09:59:59Z' })).toBe(false);
    // Offsets are compared as instants.
    expect(replacesLotUsage(stored, { asOf: '2026-03-04T11:30:00+02:00' })).toBe(false);
  });

  it('lists each lot a batch touched once', () => {
    expect(
      touchedLots([
        { lots: [['09506000134352', 'L1', 10]] },
        {
          lots: [
            ['09506000134352', 'L1', 5],
            ['09506000134352', 'L2', 1],
          ],
        },
        { lots: [] },
      ]),
    ).toEqual([
      ['09506000134352', 'L1'],
      ['09506000134352', 'L2'],
    ]);
  });
});

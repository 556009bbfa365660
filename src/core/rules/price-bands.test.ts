import { describe, expect, it } from 'vitest';
import { bandMedian, PriceBandTable, robustZ } from './price-bands.ts';

const obs = (hsCode: string, originCountry: string, unitPrices: number[]) =>
  unitPrices.map((p) => ({ hsCode, originCountry, value: p * 10, netMass: 10 }));

describe('price bands', () => {
  const table = PriceBandTable.compute(
    [
      ...obs('3004900000', 'IN', [1, 2, 4, 8, 1000]),
      ...obs('300490', 'CH', [20, 20]),
      { hsCode: '300490', originCountry: 'CN', value: 0, netMass: 10 },
      { hsCode: '300490', originCountry: 'CN', value: 5, netMass: 0 },
    ],
    'USD',
  );

  it('takes the median and MAD of log unit prices per HS6 x origin and per HS6, robust to outliers', () => {
    const inBand = table.byOrigin('300490', 'IN')!;
    expect(inBand.count).toBe(5);
    expect(bandMedian(inBand)).toBeCloseTo(4, 10);
    // |ln p - ln 4| = ln 4, ln 2, 0, ln 2, ln 250: median ln 2.
    expect(inBand.logMad).toBeCloseTo(Math.log(2), 10);
    const all = table.byHs6('300490')!;
    expect(all.count).toBe(7);
    expect(bandMedian(all)).toBeCloseTo(8, 10);
    expect(table.byOrigin('300490', 'CN')).toBeUndefined();
    expect(table.byOrigin('300490', 'CH')!.logMad).toBe(0);
  });

  it('gives robust z-scores, undefined without spread', () => {
    const inBand = table.byOrigin('300490', 'IN')!;
    expect(robustZ(inBand, 4)).toBeCloseTo(0, 10);
    expect(robustZ(inBand, 1)).toBeCloseTo(-2 / 1.4826, 6);
    expect(robustZ(table.byOrigin('300490', 'CH')!, 3)).toBeUndefined();
    expect(robustZ(inBand, 0)).toBeUndefined();
  });

  it('round-trips through JSON and validates what it reads', () => {
    const copy = PriceBandTable.fromJSON(JSON.parse(JSON.stringify(table)));
    expect(copy.currency).toBe('USD');
    expect(copy.byOrigin('300490', 'IN')).toEqual(table.byOrigin('300490', 'IN'));
    expect(copy.byHs6('300490')).toEqual(table.byHs6('300490'));
    expect(() =>
      PriceBandTable.fromJSON({ format: 'greenlane-price-bands/1', currency: 'USD', bands: [{ hs6: '30' }] }),
    ).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { parseRiskProfiles, RiskProfileSchema } from './risk-profile.ts';

const valid = {
  id: 'ODS-NO-LICENCE',
  version: 3,
  title: 'Ozone-depleting substances without licence',
  reason: 'ODS imported without a Montreal Protocol licence.',
  instructions: 'Ask for the licence; sample the cylinders.',
  weight: 70,
  minChannel: 'red',
  criteria: {
    all: [
      { regulatoryConcern: { concern: ['ozone_depleting'] } },
      { missingDocument: { types: ['ODS-LICENCE'] } },
    ],
  },
};

describe('RiskProfileSchema', () => {
  it('accepts a profile and fills defaults', () => {
    const p = RiskProfileSchema.parse(valid);
    expect(p.enabled).toBe(true);
    expect(p.criteria).toEqual({
      all: [
        { regulatoryConcern: { concern: ['ozone_depleting'], minConfidence: 'low' } },
        { missingDocument: { types: ['ODS-LICENCE'] } },
      ],
    });
    const band = RiskProfileSchema.parse({ ...valid, criteria: { unitPriceBelowBand: { ratio: 0.3 } } });
    expect(band.criteria).toEqual({
      unitPriceBelowBand: { ratio: 0.3, minSamples: 20, fallbackToHs6: true },
    });
  });

  it.each([
    [{ all: [{ hsPrefix: ['30.04'] }] }, '/criteria/all/0/hsPrefix/0', 'must be 2 to 10 digits'],
    [{ all: [] }, '/criteria/all', 'non-empty list'],
    [
      { any: [{ hsPrefix: ['3004'], originCountry: ['CN'] }] },
      '/criteria/any/0',
      'exactly one key, got hsPrefix, originCountry',
    ],
    [{ not: { origin: ['CN'] } }, '/criteria/not/origin', 'unknown criterion "origin"'],
    [{ originCountry: ['cn'] }, '/criteria/originCountry/0', 'ISO 3166-1 alpha-2'],
    [{ originCountry: [] }, '/criteria/originCountry', 'at least one value'],
    [{ invoiceTotal: {} }, '/criteria/invoiceTotal', 'needs at least one of gt, gte, lt, lte'],
    [{ invoiceTotal: { gte: 1, currency: 'usd' } }, '/criteria/invoiceTotal/currency', 'ISO 4217'],
    [{ unitPriceBelowBand: { ratio: 1.5 } }, '/criteria/unitPriceBelowBand/ratio', ''],
    [{ party: { role: ['importer'] } }, '/criteria/party', 'needs at least one of id, name, country'],
    [{ transportMode: ['ship'] }, '/criteria/transportMode/0', ''],
    [{ routeIncludes: ['IRAN'] }, '/criteria/routeIncludes/0', 'UN/LOCODE'],
    [{ firstTimeTrader: { role: 'buyer' } }, '/criteria/firstTimeTrader/role', ''],
    [{ missingDocument: { types: ['CITES'], when: 'always' } }, '/criteria/missingDocument', ''],
    ['hsPrefix', '/criteria', 'must be an object with one key'],
  ])('reports criteria error %j at its path', (criteria, path, message) => {
    const result = parseRiskProfiles({ ...valid, criteria });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toContain(path);
    expect(result.issues.find((i) => i.path === path)!.message).toContain(message);
  });

  it('refuses runaway nesting', () => {
    let deep: unknown = { hsPrefix: ['30'] };
    for (let i = 0; i < 40; i++) deep = { not: deep };
    const result = parseRiskProfiles({ ...valid, criteria: deep });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toContain('nested deeper than 32');
  });

  it('checks profile fields', () => {
    const result = parseRiskProfiles({
      ...valid,
      id: 'ods no licence',
      version: 0,
      minChannel: 'blue',
      validFrom: '2026-05-01',
      validUntil: '2026-02-30',
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual([
      '/extra',
      '/id',
      '/minChannel',
      '/validUntil',
      '/version',
    ]);
    const order = parseRiskProfiles({ ...valid, validFrom: '2026-05-01', validUntil: '2026-04-30' });
    expect(order.ok).toBe(false);
    if (!order.ok)
      expect(order.issues).toEqual([
        { path: '/validUntil', message: 'validUntil must not be before validFrom' },
      ]);
  });

  it('reads one profile or a list, with list indexes in the paths', () => {
    expect(parseRiskProfiles(valid)).toMatchObject({ ok: true, profiles: [{ id: 'ODS-NO-LICENCE' }] });
    const list = parseRiskProfiles([valid, { ...valid, weight: -1 }]);
    expect(list).toEqual({ ok: false, issues: [{ path: '/1/weight', message: expect.any(String) }] });
  });
});

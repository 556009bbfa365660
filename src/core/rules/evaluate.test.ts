import { describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { Declaration } from '../declaration/declaration.ts';
import {
  compileProfiles,
  evaluateProfiles,
  type ProfileContext,
  profileSignals,
  profileVersionsInForce,
} from './evaluate.ts';
import { PriceBandTable } from './price-bands.ts';
import { type RiskProfile, type RiskProfileInput, RiskProfileSchema } from './risk-profile.ts';
import { RulesError } from './rules-error.ts';

const reference = referenceData(dataDir());
const ctx: ProfileContext = { reference };

function profile(criteria: unknown, extra: Partial<RiskProfileInput> = {}): RiskProfile {
  return RiskProfileSchema.parse({
    id: 'TEST-PROFILE',
    version: 1,
    title: 'Test profile',
    reason: 'Test reason.',
    instructions: 'Check it.',
    weight: 10,
    criteria,
    ...extra,
  });
}

function run(criteria: unknown, d: Declaration, c: ProfileContext = ctx) {
  return evaluateProfiles(d, [profile(criteria)], c);
}

/** Fired item sequence numbers, or null when the profile did not fire. */
function fired(criteria: unknown, d: Declaration, c: ProfileContext = ctx): number[] | null {
  const hits = run(criteria, d, c);
  return hits.length === 0 ? null : hits[0]!.items;
}

const twoItems = makeDeclaration({}, [
  { hsCode: '3004900000', originCountry: 'IN', netMass: 100, invoiceValue: 5000 },
  { hsCode: '290341', originCountry: 'CN', netMass: 1000, invoiceValue: 900 },
]);

describe('item leaves', () => {
  it('hsPrefix matches any listed prefix length', () => {
    expect(fired({ hsPrefix: ['30'] }, twoItems)).toEqual([1]);
    expect(fired({ hsPrefix: ['29034', '3004'] }, twoItems)).toEqual([1, 2]);
    expect(fired({ hsPrefix: ['300241'] }, twoItems)).toBeNull();
  });

  it('originCountry is "in list"', () => {
    expect(fired({ originCountry: ['CN', 'KP'] }, twoItems)).toEqual([2]);
    expect(fired({ originCountry: ['US'] }, twoItems)).toBeNull();
  });

  it('itemValue, netMass and unitPrice compare with their bounds', () => {
    expect(fired({ itemValue: { gte: 5000 } }, twoItems)).toEqual([1]);
    expect(fired({ itemValue: { gt: 5000 } }, twoItems)).toBeNull();
    expect(fired({ netMass: { gt: 500, lte: 1000 } }, twoItems)).toEqual([2]);
    // 5000/100 = 50 and 900/1000 = 0.9 USD/kg
    expect(fired({ unitPrice: { lt: 1 } }, twoItems)).toEqual([2]);
    expect(fired({ unitPrice: { gte: 50 } }, twoItems)).toEqual([1]);
  });

  it('money bounds with a currency apply only to declarations in that currency', () => {
    expect(fired({ itemValue: { gte: 1000, currency: 'USD' } }, twoItems)).toEqual([1]);
    expect(fired({ itemValue: { gte: 1000, currency: 'EUR' } }, twoItems)).toBeNull();
  });

  it('unitPrice uses the customs value when there is no invoice value, and needs a net mass', () => {
    const d = makeDeclaration({}, [
      { invoiceValue: undefined, customsValue: 10, netMass: 100 },
      { netMass: undefined },
    ]);
    expect(fired({ unitPrice: { lt: 1 } }, d)).toEqual([1]);
    expect(fired({ unitPrice: { gt: 0 } }, d)).toEqual([1]);
  });

  it('regulatoryConcern matches the reference hs-regulatory flags by subheading or heading', () => {
    expect(fired({ regulatoryConcern: { concern: ['hfc_kigali'] } }, twoItems)).toEqual([2]);
    expect(fired({ regulatoryConcern: { concern: ['medical'] } }, twoItems)).toEqual([1]);
    expect(
      fired({ regulatoryConcern: { concern: ['hfc_kigali'], subconcern: ['HFC_mixture'] } }, twoItems),
    ).toBeNull();
    expect(fired({ regulatoryConcern: { concern: ['cites'] } }, twoItems)).toBeNull();
    const hits = run({ regulatoryConcern: { concern: ['hfc_kigali'] } }, twoItems);
    expect(hits[0]!.facts).toEqual(['item 2: HS 290341 is flagged hfc_kigali/HFC (high)']);
  });

  it('regulatoryConcern honours minConfidence', () => {
    // 7204.49 (ferrous scrap) is a low-confidence basel_waste flag.
    const scrap = makeDeclaration({}, [{ hsCode: '720449' }]);
    expect(fired({ regulatoryConcern: { concern: ['basel_waste'] } }, scrap)).toEqual([1]);
    expect(
      fired({ regulatoryConcern: { concern: ['basel_waste'], minConfidence: 'medium' } }, scrap),
    ).toBeNull();
  });

  it('missingDocument fires without the document, with an expired or not yet valid one', () => {
    const crit = { missingDocument: { types: ['CITES', 'CITES-CERT'] } };
    const doc = (validFrom?: string, validUntil?: string) => ({
      documents: [{ type: 'CITES', reference: 'FR-2026-001', validFrom, validUntil }],
    });
    expect(fired(crit, makeDeclaration({}, [{}]))).toEqual([1]);
    expect(fired(crit, makeDeclaration({}, [doc()]))).toBeNull();
    expect(fired(crit, makeDeclaration({}, [doc('2026-01-01', '2026-06-30')]))).toBeNull();
    expect(fired(crit, makeDeclaration({}, [doc(undefined, '2026-03-01')]))).toEqual([1]);
    // A date alone is valid through the end of that day (lodged 2026-03-02T10:00Z).
    expect(fired(crit, makeDeclaration({}, [doc(undefined, '2026-03-02')]))).toBeNull();
    expect(fired(crit, makeDeclaration({}, [doc('2026-03-03')]))).toEqual([1]);
    expect(fired(crit, makeDeclaration({}, [{ documents: [{ type: 'INVOICE', reference: 'X' }] }]))).toEqual([
      1,
    ]);
    const expired = run(crit, makeDeclaration({}, [doc(undefined, '2026-03-01')]));
    expect(expired[0]!.message).toContain("item's CITES FR-2026-001 not valid at lodgement");
  });

  it('unitPriceBelowBand compares with the HS6 x origin median, falling back to HS6', () => {
    const obs = [
      ...Array.from({ length: 30 }, (_, i) => ({
        hsCode: '300490',
        originCountry: 'IN',
        value: 1000 + i,
        netMass: 100,
      })),
      ...Array.from({ length: 5 }, () => ({
        hsCode: '300490',
        originCountry: 'CN',
        value: 2000,
        netMass: 100,
      })),
    ];
    const priceBands = PriceBandTable.compute(obs, 'USD');
    const withBands = { reference, priceBands };
    const cheap = makeDeclaration({}, [
      { originCountry: 'IN', invoiceValue: 100, netMass: 100 },
      { originCountry: 'IN', invoiceValue: 1000, netMass: 100 },
      { originCountry: 'CN', invoiceValue: 100, netMass: 100 },
    ]);
    expect(fired({ unitPriceBelowBand: { ratio: 0.25 } }, cheap, withBands)).toEqual([1, 3]);
    expect(fired({ unitPriceBelowBand: { ratio: 0.25, fallbackToHs6: false } }, cheap, withBands)).toEqual([
      1,
    ]);
    expect(fired({ unitPriceBelowBand: { ratio: 0.25, minSamples: 50 } }, cheap, withBands)).toBeNull();
    expect(fired({ unitPriceBelowBand: { ratio: 0.25 } }, cheap, ctx)).toBeNull();
    expect(
      fired(
        { unitPriceBelowBand: { ratio: 0.25 } },
        makeDeclaration({ currency: 'EUR' }, [{ invoiceValue: 1 }]),
        withBands,
      ),
    ).toBeNull();
    const hit = run({ unitPriceBelowBand: { ratio: 0.25 } }, cheap, withBands)[0]!;
    expect(hit.facts[0]).toMatch(
      /^item 1: unit price 1 USD\/kg is 10% of the median 10.1 for HS 300490 from IN \(n=30, robust z -/,
    );
    expect(hit.facts[1]).toContain('for HS 300490, all origins (n=35');
  });
});

describe('declaration leaves', () => {
  const d = makeDeclaration({
    route: ['INNSA', 'IRBND', 'BEANR'],
    transport: { mode: 'sea' },
    importer: { id: 'BE0999', name: '  acme   trading nv ', country: 'BE', trustedTrader: true },
    invoiceTotal: 12_000,
  });

  it('dispatch and destination countries', () => {
    expect(fired({ dispatchCountry: ['IN'] }, d)).toEqual([]);
    expect(fired({ dispatchCountry: ['CN'] }, d)).toBeNull();
    expect(fired({ destinationCountry: ['BE', 'NL'] }, d)).toEqual([]);
    expect(fired({ dispatchCountry: ['IN'] }, makeDeclaration({ dispatchCountry: undefined }))).toBeNull();
  });

  it('routeIncludes matches a LOCODE or a country prefix', () => {
    expect(fired({ routeIncludes: ['IR'] }, d)).toEqual([]);
    expect(fired({ routeIncludes: ['IRBND'] }, d)).toEqual([]);
    expect(fired({ routeIncludes: ['IRBKM', 'KP'] }, d)).toBeNull();
    expect(run({ routeIncludes: ['IR'] }, d)[0]!.facts).toEqual(['route passes IRBND']);
  });

  it('customsOffice and transportMode', () => {
    expect(fired({ customsOffice: ['BE101000'] }, d)).toEqual([]);
    expect(fired({ customsOffice: ['NL000396'] }, d)).toBeNull();
    expect(fired({ transportMode: ['air', 'post'] }, d)).toBeNull();
    expect(fired({ transportMode: ['sea'] }, d)).toEqual([]);
  });

  it('party matches role and every given attribute, names ignoring case and spacing', () => {
    expect(fired({ party: { role: ['importer'], name: ['ACME Trading NV'] } }, d)).toEqual([]);
    expect(fired({ party: { name: ['acme trading nv'], country: ['NL'] } }, d)).toBeNull();
    expect(fired({ party: { role: ['exporter'], name: ['ACME TRADING NV'] } }, d)).toBeNull();
    expect(fired({ party: { id: ['IN-EXP-77'] } }, d)).toEqual([]);
    expect(fired({ party: { role: ['exporter', 'consignor'], country: ['IN'] } }, d)).toEqual([]);
  });

  it('invoiceTotal thresholds', () => {
    expect(fired({ invoiceTotal: { gte: 10_000 } }, d)).toEqual([]);
    expect(fired({ invoiceTotal: { lt: 10_000 } }, d)).toBeNull();
    expect(fired({ invoiceTotal: { gte: 0 } }, makeDeclaration({ invoiceTotal: undefined }))).toBeNull();
  });

  it('firstTimeTrader uses the roles the pipeline found new', () => {
    const crit = { firstTimeTrader: { role: 'importer' } };
    expect(fired(crit, d)).toBeNull();
    expect(fired(crit, d, { reference, firstTimeTraders: new Set(['exporter']) })).toBeNull();
    expect(fired(crit, d, { reference, firstTimeTraders: new Set(['importer']) })).toEqual([]);
  });

  it('trustedTrader compares the AEO status of a present party', () => {
    expect(fired({ trustedTrader: { role: 'importer' } }, d)).toEqual([]);
    expect(fired({ trustedTrader: { role: 'importer', trusted: false } }, d)).toBeNull();
    expect(fired({ trustedTrader: { role: 'exporter', trusted: false } }, d)).toEqual([]);
    expect(fired({ trustedTrader: { role: 'carrier', trusted: false } }, d)).toBeNull();
  });
});

describe('combinators and item semantics', () => {
  it('all over item leaves needs one and the same item', () => {
    // Item 1 is 3004 from IN, item 2 is 2903 from CN: no single item is 3004 from CN.
    expect(fired({ all: [{ hsPrefix: ['3004'] }, { originCountry: ['CN'] }] }, twoItems)).toBeNull();
    expect(fired({ all: [{ hsPrefix: ['2903'] }, { originCountry: ['CN'] }] }, twoItems)).toEqual([2]);
  });

  it('any and not', () => {
    expect(fired({ any: [{ hsPrefix: ['3004'] }, { originCountry: ['CN'] }] }, twoItems)).toEqual([1, 2]);
    expect(fired({ not: { originCountry: ['IN'] } }, twoItems)).toEqual([2]);
    expect(fired({ not: { any: [{ originCountry: ['IN'] }, { hsPrefix: ['29'] }] } }, twoItems)).toBeNull();
  });

  it('mixes declaration and item leaves; a false declaration leaf stops everything', () => {
    const crit = { all: [{ dispatchCountry: ['IN'] }, { hsPrefix: ['2903'] }] };
    expect(fired(crit, twoItems)).toEqual([2]);
    expect(fired(crit, makeDeclaration({ dispatchCountry: 'BE' }, [{ hsCode: '290341' }]))).toBeNull();
  });

  it('explains a hit with the facts that made it true, declaration facts first', () => {
    const crit = {
      all: [
        { hsPrefix: ['2903'] },
        { not: { originCountry: ['BE', 'DE'] } },
        { any: [{ dispatchCountry: ['IN'] }, { routeIncludes: ['KP'] }] },
      ],
    };
    const [hit] = run(crit, twoItems);
    expect(hit!.facts).toEqual([
      'dispatch country IN is in IN',
      'item 2: HS 290341 is under 2903, origin CN is not in BE or DE',
    ]);
    expect(hit!.message).toBe(
      'Test reason: dispatch country IN is in IN; item 2: HS 290341 is under 2903, origin CN is not in BE or DE.',
    );
  });

  it('spells out at most three fired items', () => {
    const many = makeDeclaration(
      {},
      Array.from({ length: 5 }, () => ({})),
    );
    const [hit] = run({ hsPrefix: ['3004'] }, many);
    expect(hit!.items).toEqual([1, 2, 3, 4, 5]);
    expect(hit!.facts.at(-1)).toBe('and 2 more items');
  });
});

describe('profile lifecycle', () => {
  const crit = { hsPrefix: ['3004'] };
  const d = makeDeclaration({ lodgedAt: '2026-03-02T10:00:00Z' });

  it('skips disabled profiles', () => {
    expect(evaluateProfiles(d, [profile(crit, { enabled: false })], ctx)).toEqual([]);
  });

  it('applies validity dates to the lodgement time, a date-only end covering its day', () => {
    const at = (validFrom?: string, validUntil?: string) =>
      evaluateProfiles(d, [profile(crit, { validFrom, validUntil })], ctx).length;
    expect(at('2026-03-01', '2026-03-02')).toBe(1);
    expect(at('2026-03-02T10:00:00Z')).toBe(1);
    expect(at('2026-03-02T10:00:01Z')).toBe(0);
    expect(at(undefined, '2026-03-01')).toBe(0);
    expect(at(undefined, '2026-03-02T09:59:59Z')).toBe(0);
  });

  it('takes the newest valid version of a profile', () => {
    const v1 = profile(crit, { version: 1, weight: 10, validUntil: '2026-02-28' });
    const v2 = profile(crit, { version: 2, weight: 20, validFrom: '2026-03-01' });
    const profiles = [v1, v2];
    expect(evaluateProfiles(d, profiles, ctx).map((h) => h.profileVersion)).toEqual([2]);
    const early = makeDeclaration({ lodgedAt: '2026-02-10' });
    expect(evaluateProfiles(early, profiles, ctx).map((h) => h.profileVersion)).toEqual([1]);
    const v3Disabled = profile(crit, { version: 3, enabled: false });
    expect(evaluateProfiles(d, [v1, v2, v3Disabled], ctx).map((h) => h.profileVersion)).toEqual([2]);
  });

  it('names the versions in force at a lodgement time, fired or not', () => {
    const v1 = profile(crit, { version: 1, validUntil: '2026-02-28' });
    const v2 = profile(crit, { version: 2, validFrom: '2026-03-01' });
    const off = profile(crit, { id: 'OFF-PROFILE', enabled: false });
    const other = profile({ hsPrefix: ['01'] }, { id: 'OTHER-PROFILE', version: 7 });
    const compiled = compileProfiles([v1, v2, off, other], reference);
    expect(profileVersionsInForce(compiled, '2026-03-02T10:00:00Z')).toEqual({
      'TEST-PROFILE': 2,
      'OTHER-PROFILE': 7,
    });
    expect(profileVersionsInForce(compiled, '2026-02-01')).toEqual({ 'TEST-PROFILE': 1, 'OTHER-PROFILE': 7 });
  });

  it('rejects the same version twice and profiles compiled for other reference data', () => {
    expect(() => compileProfiles([profile(crit), profile(crit)], reference)).toThrow(RulesError);
    const compiled = compileProfiles([profile(crit)], reference);
    expect(evaluateProfiles(d, compiled, ctx)).toHaveLength(1);
    const other = { ...reference };
    expect(() => evaluateProfiles(d, compiled, { reference: other })).toThrow(
      expect.objectContaining({ code: 'REFERENCE_MISMATCH' }),
    );
  });
});

describe('profileSignals', () => {
  it('carries weight, minimum channel, instructions, items and evidence', () => {
    const p = profile({ hsPrefix: ['2903'] }, { minChannel: 'red', weight: 70, tags: ['env'] });
    const hits = evaluateProfiles(twoItems, [p], ctx);
    expect(hits[0]!.tags).toEqual(['env']);
    expect(profileSignals(hits)).toEqual([
      {
        source: 'profile',
        code: 'TEST-PROFILE',
        message: 'Test reason: item 2: HS 290341 is under 2903.',
        score: 70,
        minChannel: 'red',
        instructions: 'Check it.',
        items: [2],
        evidence: { profileVersion: 1, title: 'Test profile', facts: ['item 2: HS 290341 is under 2903'] },
      },
    ]);
  });

  it('leaves out items for declaration-level profiles', () => {
    const [signal] = profileSignals(evaluateProfiles(twoItems, [profile({ dispatchCountry: ['IN'] })], ctx));
    expect(signal!.items).toBeUndefined();
    expect(signal!.minChannel).toBeUndefined();
  });
});

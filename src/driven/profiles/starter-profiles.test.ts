import { describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import { testSelectionKey } from '../../../test/support/selection-key.ts';
import { decideChannel } from '../../core/decision/decide.ts';
import type { DeclarationInput } from '../../core/declaration/declaration.ts';
import { validateDeclaration } from '../../core/declaration/validation.ts';
import {
  compileProfiles,
  evaluateProfiles,
  type ProfileContext,
  profileSignals,
} from '../../core/rules/evaluate.ts';
import { PriceBandTable } from '../../core/rules/price-bands.ts';
import { dataDir, PACKAGE_ROOT } from '../../installation/config.ts';
import { defaultSelectionPolicy } from '../../installation/runtime.ts';
import { loadReferenceData } from '../reference/file-reference-data.ts';
import { loadProfiles } from './load-profiles.ts';

const reference = loadReferenceData(dataDir());
const loaded = loadProfiles(`${PACKAGE_ROOT}/profiles`);
const compiled = compileProfiles(
  loaded.map((l) => l.profile),
  reference,
);

/** Past observations: medicaments from IN at about 50 USD/kg, T-shirts from CN at about 20 USD/kg. */
const priceBands = PriceBandTable.compute(
  [
    ...Array.from({ length: 40 }, (_, i) => ({
      hsCode: '300490',
      originCountry: 'IN',
      value: 4000 + 50 * i,
      netMass: 90,
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      hsCode: '610910',
      originCountry: 'CN',
      value: 1800 + 10 * i,
      netMass: 95,
    })),
  ],
  'USD',
);
const ctx: ProfileContext = { reference, priceBands };
const policy = { thresholds: { yellow: 40, red: 80 }, randomRates: { yellow: 0, red: 0 } };

/** Profile ids that fire on a declaration, after checking the declaration itself is valid. */
function firing(
  patch: Partial<DeclarationInput>,
  items?: Parameters<typeof makeDeclaration>[1],
  c = ctx,
): string[] {
  const d = makeDeclaration(patch, items);
  const valid = validateDeclaration(d, reference);
  expect(valid.ok ? [] : valid.errors).toEqual([]);
  return evaluateProfiles(d, compiled, c).map((h) => h.profileId);
}

const licence = (type: string) => ({ type, reference: `${type}-2026-0042`, validUntil: '2026-12-31' });

describe('starter profiles in profiles/', () => {
  it('load without issues: 8 to 12 profiles, each with instructions and a content hash', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(8);
    expect(loaded.length).toBeLessThanOrEqual(12);
    for (const { profile, contentHash } of loaded) {
      expect(profile.instructions.length).toBeGreaterThan(100);
      expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('each alone gives exactly its minimum channel under the runtime default policy', () => {
    const runtime = { ...defaultSelectionPolicy({}), randomRates: { yellow: 0, red: 0 } };
    for (const { profile } of loaded) {
      const signal = {
        source: 'profile' as const,
        code: profile.id,
        message: profile.reason,
        score: profile.weight,
      };
      const alone = decideChannel(
        { administration: 'NL', declarationId: 'D', version: 1 },
        [profile.minChannel ? { ...signal, minChannel: profile.minChannel } : signal],
        runtime,
        testSelectionKey(),
      );
      expect([profile.id, alone.channel]).toEqual([profile.id, profile.minChannel]);
    }
  });

  it('only name route places that exist in UN/LOCODE', () => {
    const routing = loaded.find((l) => l.profile.id === 'SEC-EMBARGOED-ROUTING')!.profile.criteria;
    const codes = JSON.stringify(routing)
      .match(/"UA[A-Z]{3}"/g)!
      .map((s) => s.slice(1, -1));
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((c) => !reference.locodes.has(c))).toEqual([]);
  });

  it('leave a clean declaration alone (green)', () => {
    const d = makeDeclaration();
    const hits = evaluateProfiles(d, compiled, ctx);
    expect(hits).toEqual([]);
    expect(
      decideChannel(
        { administration: 'NL', declarationId: d.id, version: 1 },
        profileSignals(hits),
        policy,
        testSelectionKey(),
      ).summary,
    ).toBe('no risk profile fired; released');
  });

  describe('MED-VACCINE-UNEXPECTED-ORIGIN', () => {
    const vaccine = { hsCode: '3002410000', netMass: 50, invoiceValue: 60_000 };
    it('fires on vaccines of unexpected origin or dispatch', () => {
      expect(firing({ dispatchCountry: 'HK' }, [{ ...vaccine, originCountry: 'IN' }])).toEqual([
        'MED-VACCINE-UNEXPECTED-ORIGIN',
      ]);
      expect(firing({ dispatchCountry: 'IN' }, [{ ...vaccine, originCountry: 'PK' }])).toEqual([
        'MED-VACCINE-UNEXPECTED-ORIGIN',
      ]);
    });
    it('stays quiet for vaccines from a producer via a hub, and for other medicines from anywhere', () => {
      expect(firing({ dispatchCountry: 'SG' }, [{ ...vaccine, originCountry: 'BE' }])).toEqual([]);
      expect(firing({ dispatchCountry: 'HK' }, [{ originCountry: 'PK' }])).toEqual([]);
    });
  });

  describe('MED-BELOW-PRICE-BAND', () => {
    it('fires on medicines at under 30% of the HS x origin median', () => {
      // 5 USD/kg against a median of about 50.
      expect(firing({}, [{ invoiceValue: 500, netMass: 100 }])).toEqual(['MED-BELOW-PRICE-BAND']);
    });
    it('stays quiet at a normal price or without price bands', () => {
      expect(firing({}, [{ invoiceValue: 4000, netMass: 100 }])).toEqual([]);
      expect(firing({}, [{ invoiceValue: 500, netMass: 100 }], { reference })).toEqual([]);
    });
  });

  describe('ENV-ODS-NO-LICENCE', () => {
    // 2903.71: chlorodifluoromethane (HCFC-22).
    const hcfc = { hsCode: '290371', originCountry: 'CN', netMass: 1360, invoiceValue: 6800 };
    it('fires on HCFC-22 without, or with an expired, ODS licence', () => {
      expect(firing({ dispatchCountry: 'CN' }, [hcfc])).toEqual(['ENV-ODS-NO-LICENCE']);
      const expired = { ...licence('ODS-LICENCE'), validUntil: '2025-12-31' };
      expect(firing({ dispatchCountry: 'CN' }, [{ ...hcfc, documents: [expired] }])).toEqual([
        'ENV-ODS-NO-LICENCE',
      ]);
    });
    it('stays quiet with a valid licence', () => {
      expect(firing({ dispatchCountry: 'CN' }, [{ ...hcfc, documents: [licence('ODS-LICENCE')] }])).toEqual(
        [],
      );
    });
  });

  describe('ENV-HFC-NO-LICENCE', () => {
    // 2903.45: 1,1,1,2-tetrafluoroethane (HFC-134a).
    const hfc = { hsCode: '290345', originCountry: 'CN', netMass: 1300, invoiceValue: 7800 };
    it('fires on HFC-134a without a licence', () => {
      expect(firing({ dispatchCountry: 'CN' }, [hfc])).toEqual(['ENV-HFC-NO-LICENCE']);
    });
    it('stays quiet with an HFC or ODS licence, and for HFO alternatives', () => {
      expect(firing({ dispatchCountry: 'CN' }, [{ ...hfc, documents: [licence('HFC-LICENCE')] }])).toEqual(
        [],
      );
      expect(firing({ dispatchCountry: 'CN' }, [{ ...hfc, documents: [licence('ODS-LICENCE')] }])).toEqual(
        [],
      );
      expect(firing({ dispatchCountry: 'CN' }, [{ ...hfc, hsCode: '290351' }])).toEqual([]);
    });
  });

  describe('ENV-CITES-NO-PERMIT', () => {
    // 4407.21: mahogany (Swietenia spp.), CITES Appendix II.
    const mahogany = { hsCode: '440721', originCountry: 'BR', netMass: 18_000, invoiceValue: 21_000 };
    it('fires on mahogany without a CITES permit', () => {
      expect(firing({ dispatchCountry: 'BR' }, [mahogany])).toEqual(['ENV-CITES-NO-PERMIT']);
    });
    it('stays quiet with a CITES permit and for ordinary sawn softwood', () => {
      expect(firing({ dispatchCountry: 'BR' }, [{ ...mahogany, documents: [licence('CITES')] }])).toEqual([]);
      expect(firing({ dispatchCountry: 'BR' }, [{ ...mahogany, hsCode: '440711' }])).toEqual([]);
    });
  });

  describe('VAL-UNIT-PRICE-FAR-BELOW-BAND', () => {
    const shirts = { hsCode: '610910', originCountry: 'CN', netMass: 1000 };
    it('fires on T-shirts at under 20% of the band', () => {
      expect(firing({ dispatchCountry: 'CN' }, [{ ...shirts, invoiceValue: 2000 }])).toEqual([
        'VAL-UNIT-PRICE-FAR-BELOW-BAND',
      ]);
    });
    it('stays quiet at a normal price and leaves medicines to their own profile', () => {
      expect(firing({ dispatchCountry: 'CN' }, [{ ...shirts, invoiceValue: 19_000 }])).toEqual([]);
      expect(firing({}, [{ invoiceValue: 500, netMass: 100 }])).not.toContain(
        'VAL-UNIT-PRICE-FAR-BELOW-BAND',
      );
    });
  });

  describe('SEC-EMBARGOED-ROUTING', () => {
    it('fires on a call at an Iranian port, a Crimean port, DPRK dispatch or DPRK origin', () => {
      expect(firing({ route: ['INNSA', 'IRBND', 'BEANR'] })).toEqual(['SEC-EMBARGOED-ROUTING']);
      expect(firing({ route: ['UASVP', 'TRIST', 'BEANR'], dispatchCountry: 'TR' })).toEqual([
        'SEC-EMBARGOED-ROUTING',
      ]);
      expect(firing({ dispatchCountry: 'KP', route: [] })).toEqual(['SEC-EMBARGOED-ROUTING']);
      expect(firing({ dispatchCountry: 'CN' }, [{ originCountry: 'KP', hsCode: '620342' }])).toEqual([
        'SEC-EMBARGOED-ROUTING',
      ]);
    });
    it('stays quiet for Odesa (not occupied) and ordinary routes', () => {
      expect(
        firing({ route: ['UAODS', 'TRIST', 'BEANR'], dispatchCountry: 'UA' }, [{ originCountry: 'UA' }]),
      ).toEqual([]);
      expect(firing({ route: ['INNSA', 'AEJEA', 'BEANR'] })).toEqual([]);
    });
  });

  describe('SEC-STRATEGIC-FIRST-TIME-IMPORTER', () => {
    // 8806.23: unmanned aircraft, 7 to 25 kg.
    const drones = { hsCode: '880623', originCountry: 'CN', netMass: 80, invoiceValue: 40_000 };
    const firstTime: ProfileContext = { ...ctx, firstTimeTraders: new Set(['importer']) };
    it('fires on drones for a first-time importer without AEO status', () => {
      expect(firing({ dispatchCountry: 'CN' }, [drones], firstTime)).toEqual([
        'SEC-STRATEGIC-FIRST-TIME-IMPORTER',
      ]);
    });
    it('stays quiet for a known importer or an AEO', () => {
      expect(firing({ dispatchCountry: 'CN' }, [drones])).toEqual([]);
      const aeo = { id: 'BE0123456789', name: 'Medica Import NV', country: 'BE', trustedTrader: true };
      expect(firing({ dispatchCountry: 'CN', importer: aeo }, [drones], firstTime)).toEqual([]);
    });
  });

  describe('DRUG-PRECURSOR-NO-AUTHORISATION', () => {
    // 2939.42: pseudoephedrine and its salts (Table I).
    const pse = { hsCode: '293942', originCountry: 'IN', netMass: 500, invoiceValue: 45_000 };
    it('fires on pseudoephedrine without an import authorisation', () => {
      expect(firing({}, [pse])).toEqual(['DRUG-PRECURSOR-NO-AUTHORISATION']);
    });
    it('stays quiet with an authorisation and for Table II acetone', () => {
      expect(firing({}, [{ ...pse, documents: [licence('PRECURSOR-IMPORT-AUTH')] }])).toEqual([]);
      expect(firing({}, [{ ...pse, hsCode: '291411' }])).toEqual([]);
    });
  });

  describe('ENV-BASEL-WASTE-NO-NOTIFICATION', () => {
    // 8549.11: waste lead-acid accumulators.
    const batteries = { hsCode: '854911', originCountry: 'NL', netMass: 20_000, invoiceValue: 6000 };
    it('fires on waste lead-acid batteries without notification', () => {
      expect(firing({ dispatchCountry: 'NL' }, [batteries])).toEqual(['ENV-BASEL-WASTE-NO-NOTIFICATION']);
    });
    it('stays quiet with a movement document and for new batteries', () => {
      expect(
        firing({ dispatchCountry: 'NL' }, [{ ...batteries, documents: [licence('BASEL-MOVEMENT')] }]),
      ).toEqual([]);
      expect(firing({ dispatchCountry: 'NL' }, [{ ...batteries, hsCode: '850710' }])).toEqual([]);
    });
  });

  it('combine into a red decision with reasons an officer can read', () => {
    const d = makeDeclaration({ dispatchCountry: 'CN', route: ['CNSHA', 'IRBND', 'BEANR'] }, [
      { hsCode: '290371', originCountry: 'CN', netMass: 1360, invoiceValue: 6800 },
    ]);
    const decision = decideChannel(
      { administration: 'NL', declarationId: d.id, version: 1 },
      profileSignals(evaluateProfiles(d, compiled, ctx)),
      policy,
      testSelectionKey(),
    );
    expect(decision.channel).toBe('red');
    expect(decision.reasons.map((r) => r.code)).toEqual(['SEC-EMBARGOED-ROUTING', 'ENV-ODS-NO-LICENCE']);
    expect(decision.reasons[1]!.message).toBe(
      'Ozone-depleting substance (Montreal Protocol) declared without a valid ODS import licence: ' +
        'item 1: HS 290371 is flagged ozone_depleting/CFC_halon_HCFC (high), item carries no ODS-LICENCE document.',
    );
  });
});

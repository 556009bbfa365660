import { describe, expect, it } from 'vitest';
import { loadEnvironmentReference } from '../../driven/reference/environment-reference.ts';
import { environmentDir } from '../../installation/config.ts';
import { hsFit, mixtureSubheading2022 } from './hs-fit.ts';
import { buildCatalogue, lookupSubstance, quotaQuantity, substanceKey } from './substances.ts';

const ref = loadEnvironmentReference(environmentDir({}));
const catalogue = ref.catalogue;

function figures(name: string) {
  const found = lookupSubstance(catalogue, name);
  if (!found.ok) throw new Error(found.reason);
  return found.figures;
}

describe('controlled substances', () => {
  it('finds a substance by chemical name, common name or R-number, ignoring case, spaces and hyphens', () => {
    for (const name of ['HCFC-22', 'hcfc 22', 'R-22', 'R22', 'Chlorodifluoromethane'])
      expect(figures(name)).toEqual({ name: 'HCFC-22', annex: 'C', group: 'I', odp: 0.055, gwp: 1810 });
    expect(figures('Halon 1301')).toEqual({
      name: 'Halon-1301',
      annex: 'A',
      group: 'II',
      odp: 10,
      gwp: null,
    });
    expect(figures('HFC-23')).toMatchObject({ annex: 'F', group: 'II', odp: 0, gwp: 14800 });
    expect(substanceKey(' R-410_A ')).toBe('r410a');
  });

  it('computes a blend as the mass-weighted sums of its components', () => {
    // R-410A = 50% HFC-32 (675) + 50% HFC-125 (3500).
    expect(figures('R-410A')).toEqual({ name: 'R-410A', annex: 'F', group: 'blend', odp: 0, gwp: 2087.5 });
    // R-404A = 44% HFC-125 + 52% HFC-143a + 4% HFC-134a.
    expect(figures('r404a').gwp).toBeCloseTo(0.44 * 3500 + 0.52 * 4470 + 0.04 * 1430, 6);
    // R-502 = 48.8% HCFC-22 + 51.2% CFC-115: ODP 0.33404.
    expect(figures('R-502')).toMatchObject({ annex: 'A/C', odp: 0.33404, gwp: 4656.72 });
  });

  it('refuses an unknown name with the reason and near names', () => {
    const found = lookupSubstance(catalogue, 'R-41OA');
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.reason).toContain('not a Montreal Protocol controlled substance');
      expect(found.near).toContain('R-410A');
    }
  });

  it('refuses a catalogue whose blend does not sum to 100% or names an unknown component', () => {
    const { problems } = buildCatalogue(
      [...catalogue.substances.values()],
      [
        {
          name: 'R-X',
          components: [
            { substance: 'HFC-32', percent: 60 },
            { substance: 'HFC-999', percent: 30 },
          ],
          hs2022: '382769',
          hs2017: '382478',
          synonyms: [],
        },
      ],
    );
    expect(problems).toEqual([
      'R-X: components sum to 90%, not 100%',
      'R-X: component HFC-999 is not a listed substance',
    ]);
  });

  it('turns kilograms into tonnes, ODP tonnes and CO2-equivalent tonnes', () => {
    expect(quotaQuantity(figures('HCFC-22'), 2000)).toEqual({
      tonnes: 2,
      odpTonnes: 0.11,
      co2eqTonnes: 3620,
    });
    expect(quotaQuantity(figures('Halon-1301'), 500)).toEqual({ tonnes: 0.5, odpTonnes: 5, co2eqTonnes: 0 });
  });
});

describe('HS codes that can hold a substance', () => {
  it('derives the 3827 subheading of every listed blend from its composition, as the table states it', () => {
    for (const blend of catalogue.blends.values())
      expect([blend.name, mixtureSubheading2022(catalogue, blend)]).toEqual([blend.name, blend.hs2022]);
  });

  it('accepts a substance in its own subheading and names where a misdeclared one belongs', () => {
    expect(hsFit(catalogue, 'HFC-134a', '29034500', '2022')).toEqual({ fits: true });
    expect(hsFit(catalogue, 'HFC-134a', '290351', '2022')).toMatchObject({ fits: false, expected: '290345' });
    const wrongSubheading = hsFit(catalogue, 'R-410A', '382764', '2022');
    expect(wrongSubheading).toMatchObject({ fits: false, expected: '382763' });
    if (wrongSubheading && !wrongSubheading.fits)
      expect(wrongSubheading.reason).toContain('another subheading of 3827');
    expect(hsFit(catalogue, 'R-410A', '382478', '2017')).toEqual({ fits: true });
    expect(hsFit(catalogue, 'no such thing', '382478', '2017')).toBeUndefined();
  });
});

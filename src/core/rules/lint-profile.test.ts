import { describe, expect, it } from 'vitest';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import { lintProfile } from './lint-profile.ts';
import { RiskProfileSchema } from './risk-profile.ts';

const reference = referenceData(dataDir());
const profile = (criteria: unknown) =>
  RiskProfileSchema.parse({
    id: 'LINT-ME',
    version: 1,
    title: 't',
    reason: 'r',
    instructions: 'i',
    weight: 1,
    criteria,
  });

describe('lintProfile', () => {
  it('accepts codes that exist in the reference data', () => {
    const p = profile({
      all: [
        { hsPrefix: ['30', '300241', '3002410010'] },
        { originCountry: ['IN'] },
        { party: { country: ['BE'] } },
        { routeIncludes: ['IR', 'UASVP'] },
        { regulatoryConcern: { concern: ['hfc_kigali', 'cites'], subconcern: ['HFC', 'timber'] } },
      ],
    });
    expect(lintProfile(p, reference)).toEqual([]);
  });

  it('names codes that can never match, with their paths', () => {
    const p = profile({
      any: [
        { hsPrefix: ['300299'] },
        { not: { dispatchCountry: ['BE', 'QQ'] } },
        { destinationCountry: ['EU'] },
        { party: { role: ['importer'], country: ['UK'] } },
        { routeIncludes: ['IRXXX'] },
        { regulatoryConcern: { concern: ['ozone_depletion'], subconcern: ['HFC'] } },
      ],
    });
    expect(lintProfile(p, reference).map((i) => i.path)).toEqual([
      '/criteria/any/0/hsPrefix/0',
      '/criteria/any/1/not/dispatchCountry/1',
      '/criteria/any/2/destinationCountry/0',
      '/criteria/any/3/party/country/0',
      '/criteria/any/4/routeIncludes/0',
      '/criteria/any/5/regulatoryConcern/concern/0',
      '/criteria/any/5/regulatoryConcern/subconcern/0',
    ]);
    expect(lintProfile(p, reference)[5]!.message).toContain(
      'unknown concern "ozone_depletion"; the reference flags have',
    );
  });
});

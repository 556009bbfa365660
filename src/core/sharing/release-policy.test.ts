import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markedSeizure as seizure, uuidsIn } from '../../../test/support/seizure-arbitrary.ts';
import { GlobalSeizureReportSchema, releaseForm, SEIZURE_RELEASE_POLICY } from './release-policy.ts';
import { SeizureReportSchema } from './seizure.ts';
import { makeSeizure } from './test-fixtures.ts';

/** Fields that carry personal data or free text that may: the global form must carry none of them. */
const PERSONAL_FIELDS = ['persons', 'companies', 'notes', 'goods', 'declarationId'];

describe('SEIZURE_RELEASE_POLICY', () => {
  it('lists every field of the seizure schema, and nothing else', () => {
    expect(Object.keys(SEIZURE_RELEASE_POLICY).sort()).toEqual(Object.keys(SeizureReportSchema.shape).sort());
  });

  it('omits every personal field from the global form and keeps everything nationally', () => {
    for (const field of PERSONAL_FIELDS) {
      expect(SEIZURE_RELEASE_POLICY[field as keyof typeof SEIZURE_RELEASE_POLICY].global).toBe('omit');
    }
    for (const rule of Object.values(SEIZURE_RELEASE_POLICY)) expect(rule.national).toBe('keep');
  });
});

describe('releaseForm', () => {
  it('gives the national form whole', () => {
    const seizure = makeSeizure();
    expect(releaseForm(seizure, 'national')).toEqual(seizure);
  });

  it('gives a global form with no persons, companies, notes, goods text or declaration', () => {
    const global = releaseForm(makeSeizure(), 'global');
    expect(global).toEqual({
      id: 'NL-2026-0001',
      administration: 'nl-customs',
      date: '2026-11-30',
      office: 'NL000396',
      direction: 'import',
      category: 'drugs',
      hsCode: '293979',
      quantity: { value: 412.5, unit: 'kg' },
      estimatedValue: { amount: 30_000_000, currency: 'EUR' },
      concealment: 'mixed-with-legitimate-goods',
      detection: 'risk-profile',
      transportMode: 'sea',
      route: { departure: 'EC', transit: ['PA'], destination: 'NL' },
    });
    expect(GlobalSeizureReportSchema.safeParse(global).success).toBe(true);
  });

  it('shares nothing with the record it came from', () => {
    const seizure = makeSeizure();
    const global = releaseForm(seizure, 'global');
    global.route.transit.push('CO');
    expect(seizure.route.transit).toEqual(['PA']);
  });

  it('a global report that carries persons is refused by the global schema', () => {
    const smuggled = { ...releaseForm(makeSeizure(), 'global'), persons: [{ role: 'suspect', name: 'X' }] };
    expect(GlobalSeizureReportSchema.safeParse(smuggled).success).toBe(false);
  });
});

describe('property: no personal field of a seizure ever appears in the global form', () => {
  it('holds for arbitrary seizures', () => {
    fc.assert(
      fc.property(seizure, (input) => {
        const record = SeizureReportSchema.parse(input);
        const personal = uuidsIn({
          persons: record.persons,
          companies: record.companies,
          notes: record.notes,
          goods: record.goods,
          declarationId: record.declarationId,
        });
        const global = releaseForm(record, 'global');
        const json = JSON.stringify(global);
        for (const uuid of personal) expect(json).not.toContain(uuid);
        for (const field of PERSONAL_FIELDS) expect(global).not.toHaveProperty(field);
        expect(GlobalSeizureReportSchema.safeParse(global).success).toBe(true);
        // The national form loses nothing.
        expect(uuidsIn(releaseForm(record, 'national')).sort()).toEqual(personal.sort());
      }),
      { numRuns: 500 },
    );
  });
});

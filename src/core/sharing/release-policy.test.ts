import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_MODES } from '../declaration/declaration.ts';
import { GlobalSeizureReportSchema, releaseForm, SEIZURE_RELEASE_POLICY } from './release-policy.ts';
import {
  CONCEALMENT_METHODS,
  DETECTION_METHODS,
  QUANTITY_UNITS,
  SEIZURE_CATEGORIES,
  SEIZURE_DIRECTIONS,
  SeizureReportSchema,
} from './seizure.ts';
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

// Personal values carry a UUID, so finding it anywhere in the global form is proof of a leak.
const marked = (max: number) =>
  fc
    .tuple(fc.string({ maxLength: Math.min(40, max - 40) }), fc.uuid())
    .map(([s, uuid]) => `${s.trim()} ${uuid}`.trim());
const country = fc.constantFrom('NL', 'EC', 'PA', 'CN', 'IN', 'BE', 'DE', 'ZA');
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const person = fc.record(
  {
    role: fc.constantFrom('suspect', 'traveller', 'driver', 'courier', 'recipient', 'sender', 'other'),
    name: marked(300),
    dateOfBirth: optional(fc.constantFrom('1970', '1985-06', '1990-01-31')),
    nationality: optional(country),
    documentType: optional(fc.constantFrom('passport', 'identity-card', 'other')),
    documentNumber: optional(marked(40).map((s) => s.slice(-40))),
    address: optional(marked(500)),
  },
  { requiredKeys: ['role', 'name'] },
);
const company = fc.record(
  {
    role: fc.constantFrom('importer', 'exporter', 'consignee', 'carrier', 'other'),
    name: marked(300),
    identifier: optional(marked(64)),
    country: optional(country),
    address: optional(marked(500)),
  },
  { requiredKeys: ['role', 'name'] },
);
const seizure = fc.record(
  {
    id: fc.stringMatching(/^[A-Z]{2}-[0-9]{1,8}$/),
    administration: fc.constantFrom('nl-customs', 'ec-senae', 'za-sars'),
    date: fc.constantFrom('2026-01-01', '2026-11-30T08:15:00Z'),
    office: fc.stringMatching(/^[A-Z]{2}[0-9]{6}$/),
    direction: fc.constantFrom(...SEIZURE_DIRECTIONS),
    category: fc.constantFrom(...SEIZURE_CATEGORIES),
    hsCode: optional(fc.stringMatching(/^[0-9]{6,10}$/)),
    goods: optional(marked(200)),
    quantity: fc.record({
      value: fc.double({ min: 0.001, max: 1e9, noNaN: true }),
      unit: fc.constantFrom(...QUANTITY_UNITS),
    }),
    estimatedValue: optional(
      fc.record({
        amount: fc.double({ min: 0, max: 1e12, noNaN: true }),
        currency: fc.constantFrom('EUR', 'USD'),
      }),
    ),
    concealment: fc.constantFrom(...CONCEALMENT_METHODS),
    detection: fc.constantFrom(...DETECTION_METHODS),
    transportMode: fc.constantFrom(...TRANSPORT_MODES),
    route: fc.record({
      departure: country,
      transit: fc.array(country, { maxLength: 4 }),
      destination: country,
    }),
    declarationId: optional(marked(64)),
    alertId: optional(fc.stringMatching(/^alert-[0-9a-f]{8}$/)),
    persons: fc.array(person, { maxLength: 4 }),
    companies: fc.array(company, { maxLength: 3 }),
    notes: optional(marked(4000)),
  },
  {
    requiredKeys: [
      'id',
      'administration',
      'date',
      'office',
      'direction',
      'category',
      'quantity',
      'concealment',
      'detection',
      'transportMode',
      'route',
      'persons',
      'companies',
    ],
  },
);

/** Every UUID in a value, wherever it sits. */
function uuidsIn(value: unknown): string[] {
  return JSON.stringify(value).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
}

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

import fc from 'fast-check';
import { TRANSPORT_MODES } from '../../src/core/declaration/declaration.ts';
import {
  CONCEALMENT_METHODS,
  DETECTION_METHODS,
  QUANTITY_UNITS,
  SEIZURE_CATEGORIES,
  SEIZURE_DIRECTIONS,
} from '../../src/core/sharing/seizure.ts';

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
/** Arbitrary seizure reports (schema input) whose personal and free-text values carry a UUID. */
export const markedSeizure = fc.record(
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
export function uuidsIn(value: unknown): string[] {
  return JSON.stringify(value).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
}

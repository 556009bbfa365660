import {
  type Declaration,
  type DeclarationInput,
  DeclarationSchema,
} from '../../src/core/declaration/declaration.ts';

type ItemInput = DeclarationInput['items'][number];

/**
 * A plausible, schema-valid import declaration (sea freight India -> Antwerp, one item of
 * medicaments) for tests; `patch` replaces top-level fields, `items` entries are merged into the
 * default item (sequence numbers follow the list order).
 */
export function makeDeclaration(
  patch: Partial<DeclarationInput> = {},
  items: Partial<ItemInput>[] = [{}],
): Declaration {
  const base: DeclarationInput = {
    id: 'DECL-TEST-1',
    type: 'import',
    customsOffice: 'BE101000',
    lodgedAt: '2026-03-02T10:00:00Z',
    importer: { id: 'BE0123456789', name: 'Medica Import NV', country: 'BE' },
    exporter: { id: 'IN-EXP-77', name: 'Sun Generics Pvt Ltd', country: 'IN' },
    declarant: { id: 'BE-DECL-1', name: 'Antwerp Brokers BV', country: 'BE' },
    transport: { mode: 'sea', vesselImo: '9321483' },
    dispatchCountry: 'IN',
    destinationCountry: 'BE',
    route: ['INNSA', 'BEANR'],
    currency: 'USD',
    invoiceTotal: 5000,
    items: [],
  };
  return DeclarationSchema.parse({
    ...base,
    ...patch,
    items: items.map((item, i) => ({
      sequence: i + 1,
      hsCode: '300490',
      originCountry: 'IN',
      netMass: 100,
      invoiceValue: 5000,
      ...item,
    })),
  });
}

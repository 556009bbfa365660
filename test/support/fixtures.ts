import type { DeclarationInput } from '../../src/core/declaration/declaration.ts';

/** A complete, valid import declaration to derive test cases from. */
export function sampleDeclaration(overrides: Partial<DeclarationInput> = {}): DeclarationInput {
  return {
    id: 'NL-2026-000001',
    type: 'import',
    customsOffice: 'NL000396',
    lodgedAt: '2026-03-02T09:15:00Z',
    arrivalAt: '2026-03-02T06:40:00Z',
    procedure: '4000',
    declarant: { id: 'NL123456789', name: 'Rotterdam Brokers B.V.', country: 'NL' },
    importer: {
      id: 'NL987654321',
      name: 'Pharma Distribution Europe B.V.',
      country: 'NL',
      identifiers: { eori: 'NL987654321' },
      trustedTrader: true,
    },
    exporter: { id: 'IN-AAACS1234F', name: 'Serum Exports Ltd', country: 'IN' },
    transport: { mode: 'sea', vesselImo: '9321483', vesselName: 'MAERSK EDINBURGH' },
    transportDocuments: [{ type: 'BL', reference: 'MAEU123456789' }],
    containers: ['MSKU1234565'],
    dispatchCountry: 'IN',
    destinationCountry: 'NL',
    route: ['INNSA', 'NLRTM'],
    currency: 'EUR',
    invoiceTotal: 125000,
    items: [
      {
        sequence: 1,
        hsCode: '300241',
        description: 'Measles vaccine, 10-dose vials',
        originCountry: 'IN',
        netMass: 850,
        grossMass: 1200,
        supplementaryQuantity: 50000,
        supplementaryUnit: 'NAR',
        invoiceValue: 125000,
        customsValue: 126500,
        dutyRate: 0,
        taxType: 'A',
        documents: [{ type: 'MA', reference: 'EU/1/20/1528', issuer: 'EMA', validUntil: '2027-12-31' }],
        gtin: '05012345678900',
      },
    ],
    ...overrides,
  };
}

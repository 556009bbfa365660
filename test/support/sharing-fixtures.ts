/** A cash declaration as an officer sends it (FATF R.32): undeclared euros from AE via TR to NL. */
export function cashBody(overrides: Record<string, unknown> = {}) {
  return {
    id: 'CASH-1',
    at: '2026-11-30T07:45:00Z',
    office: 'NLAMS01',
    direction: 'entry',
    traveller: {
      name: 'Karel Courier',
      dateOfBirth: '1979-03-14',
      nationality: 'BE',
      documentType: 'passport',
      documentNumber: 'EM123456',
    },
    amount: 48_000,
    currency: 'EUR',
    instruments: ['banknotes-and-coins'],
    originOfFunds: 'sale of a car',
    intendedUse: 'buying a house',
    transportMode: 'air',
    route: { departure: 'AE', transit: ['TR'], destination: 'NL' },
    status: 'undeclared',
    ...overrides,
  };
}

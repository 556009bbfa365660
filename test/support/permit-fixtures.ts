/**
 * An ODS import licence of trader TR-1 for 1,000 kg of R-410A from China in 2026, registered in
 * the Netherlands: the licence the permit tests and `bench:environment` load, with `patch` over it.
 */
export const sampleLicence = (number: string, patch: Record<string, unknown> = {}) => ({
  kind: 'ods-licence',
  number,
  direction: 'import',
  trader: 'TR-1',
  issuingCountry: 'NL',
  partnerCountry: 'CN',
  substance: 'R-410A',
  year: 2026,
  quantity: 1000,
  unit: 'kg',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2026-12-31T23:59:59Z',
  ...patch,
});

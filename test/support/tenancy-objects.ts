import { gs1CheckDigit } from '../../src/core/declaration/gs1.ts';
import { ALERT_FILE } from './alert-fixtures.ts';
import { testDeclaration } from './api-test-kit.ts';
import { sampleConsignment } from './consignment-fixture.ts';
import { PARTNERS } from './full-api.ts';

/*
 * The objects of the tenancy suite (test/api-tenancy.test.ts): each administration's fixtures carry
 * its secret marker (`XASECRET`, `XBSECRET`) in every string, so a leak is a substring away.
 */

export type Admin = 'XA' | 'XB';

/** A CITES permit of an administration whose trader and number carry its secret marker. */
export const markedPermit = (admin: Admin, number: string) => ({
  kind: 'cites-permit',
  number,
  direction: 'import',
  trader: `${admin}SECRET-TRADER`,
  issuingCountry: 'NL',
  species: 'Psittacus erithacus',
  appendix: 'I',
  purpose: 'T',
  source: 'C',
  quantity: 2,
  unit: 'pieces',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2026-12-31T00:00:00Z',
});

/** Each administration's registered medical product: GTINs differ, so one's is unknown to the other. */
export const PRODUCT_GTINS: Record<Admin, string> = {
  XA: `0950600000001${gs1CheckDigit('0950600000001')}`,
  XB: `0950600000002${gs1CheckDigit('0950600000002')}`,
};

/** A medical product of an administration whose names carry its secret marker, with lot L1. */
export const markedProduct = (admin: Admin) => ({
  gtin: PRODUCT_GTINS[admin],
  name: `${admin}SECRET vaccine`,
  brand: `${admin}SECRET-BRAND`,
  hsCode: '300241',
  manufacturers: [{ name: `${admin}SECRET Biologics`, country: 'IN' }],
  packagingFeatures: [`${admin}SECRET hologram`],
  lots: [{ lot: 'L1', expiry: '2027-06-30', quantityReleased: 100, serials: ['S1', 'S2'] }],
});

/** An HFC quota of the administration's marked trader: the permit reports show it (`GET /v1/permit-reports/quota`). */
export const markedQuota = (admin: Admin) => ({
  kind: 'quota',
  trader: `${admin}SECRET-TRADER`,
  year: 2026,
  control: 'hfc',
  co2eqTonnes: 100,
});

/** An alert file of an administration whose every free-text field carries its secret marker. */
export function markedAlert(admin: Admin) {
  return {
    ...ALERT_FILE,
    title: `Alert ${admin}SECRET`,
    reason: `${admin}SECRET reason`,
    instructions: `${admin}SECRET instructions`,
    validUntil: '2099-12-31',
  };
}

/** A seizure of an administration whose every personal and free-text value carries its secret marker. */
export function markedSeizure(admin: Admin, id: string) {
  return {
    id,
    administration: admin,
    date: '2026-11-30',
    office: `${admin}OFF01`,
    direction: 'import',
    category: 'drugs',
    goods: `cocaine for ${admin}SECRET`,
    quantity: { value: 12, unit: 'kg' },
    concealment: 'in-cargo',
    detection: 'risk-profile',
    transportMode: 'sea',
    route: { departure: 'EC', transit: [], destination: 'NL' },
    persons: [{ role: 'suspect', name: `Suspect ${admin}SECRET` }],
    companies: [{ role: 'consignee', name: `Consignee ${admin}SECRET BV` }],
    notes: `${admin}SECRET notes`,
  };
}

/** A cash declaration (undeclared: it derives a seizure, a screening and an alert draft) of an administration. */
export function markedCash(admin: Admin, id: string) {
  return {
    id,
    administration: admin,
    at: '2026-11-30T07:45:00Z',
    office: 'NLAMS01',
    direction: 'entry',
    traveller: {
      name: `Traveller ${admin}SECRET`,
      nationality: 'BE',
      documentType: 'passport',
      documentNumber: `${admin}SECRET1`,
    },
    amount: 48000,
    currency: 'EUR',
    instruments: ['banknotes-and-coins'],
    originOfFunds: `${admin}SECRET origin`,
    intendedUse: `${admin}SECRET use`,
    transportMode: 'air',
    route: { departure: 'AE', transit: [], destination: 'NL' },
    status: 'undeclared',
  };
}

/** A group of an administration with its first partner, open from 2026 to 2036. */
export function markedGroup(admin: Admin) {
  return {
    name: `Operation ${admin}SECRET`,
    members: [PARTNERS[admin][0]],
    from: '2026-01-01',
    until: '2036-12-31',
    purpose: `${admin}SECRET purpose`,
  };
}

/** A low-value consignment of an administration whose free-text fields carry its secret marker. */
export function markedConsignment(admin: Admin, id: string) {
  return sampleConsignment({
    id,
    seller: { name: `Seller ${admin}SECRET Co`, country: 'CN' },
    buyer: { country: 'DE', name: `Buyer ${admin}SECRET` },
    items: [{ description: `gift for ${admin}SECRET`, value: 12 }],
  });
}

/** A declaration of an administration whose every free-text field carries its secret marker. */
export function markedDeclaration(admin: Admin, id: string) {
  const d = testDeclaration(id, 'CN');
  return { ...d, importer: { ...d.importer, name: `Importer ${admin}SECRET BV` } };
}

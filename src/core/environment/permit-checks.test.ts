import { describe, expect, it } from 'vitest';
import { environmentReference } from '../../driven/reference/environment-reference.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir, environmentDir } from '../../installation/config.ts';
import type { Declaration, GoodsItem } from '../declaration/declaration.ts';
import type { RegisteredDocument } from './permit.ts';
import {
  documentConcern,
  emptyClaims,
  type PermitSnapshot,
  permitSignals,
  quotaKey,
} from './permit-checks.ts';

const reference = referenceData(dataDir({}));
const environment = environmentReference(environmentDir({}));

const licence: RegisteredDocument = {
  number: 'LIC-1',
  kind: 'ods-licence',
  direction: 'import',
  trader: 'TR-1',
  issuingCountry: 'NL',
  partnerCountry: 'CN',
  subject: 'R-410A',
  appendix: null,
  unit: 'kg',
  quantity: 1000,
  balance: 1000,
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-12-31T23:59:59.000Z',
  status: 'valid',
  year: 2026,
  odp: 0,
  gwp: 2087.5,
  control: 'hfc',
};

const permit: RegisteredDocument = {
  ...licence,
  number: 'CITES-1',
  kind: 'cites-permit',
  subject: 'Psittacus erithacus',
  appendix: 'I',
  unit: 'pieces',
  quantity: 4,
  balance: 4,
  year: null,
  odp: null,
  gwp: null,
  control: null,
};

function goods(patch: Partial<GoodsItem> = {}): GoodsItem {
  return {
    sequence: 1,
    hsCode: '382763',
    hsEdition: '2022',
    description: 'R-410A refrigerant',
    originCountry: 'CN',
    netMass: 400,
    documents: [{ type: 'ODS-LICENCE', reference: 'LIC-1' }],
    ...patch,
  };
}

function declaration(items: GoodsItem[], patch: Partial<Declaration> = {}): Declaration {
  return {
    id: 'D1',
    type: 'import',
    customsOffice: 'NLRTM001',
    lodgedAt: '2026-06-01T09:00:00Z',
    importer: { id: 'TR-1' },
    dispatchCountry: 'CN',
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'EUR',
    items,
    ...patch,
  };
}

function snapshot(patch: Partial<PermitSnapshot> = {}): PermitSnapshot {
  return {
    documents: new Map([
      [licence.number, licence],
      [permit.number, permit],
    ]),
    consumedBy: new Map(),
    quotas: new Map(),
    tradersWithHistory: new Set(['TR-1']),
    ...patch,
  };
}

function codes(d: Declaration, snap = snapshot(), claims = emptyClaims()): string[] {
  return permitSignals(d, { reference, environment, snapshot: snap, claims }).map((s) => s.code);
}

describe('permit checks', () => {
  it('raises nothing for a licensed shipment within its balance and quota', () => {
    expect(codes(declaration([goods()]))).toEqual([]);
  });

  it('flags a regulated code without the document it needs', () => {
    const signals = permitSignals(
      declaration([goods({ hsCode: '290345', description: 'tetrafluoroethane', documents: [] })]),
      {
        reference,
        environment,
        snapshot: snapshot(),
        claims: emptyClaims(),
      },
    );
    expect(signals.map((s) => s.code)).toEqual(['PERMIT_MISSING']);
    expect(signals[0]).toMatchObject({ source: 'permit', minChannel: 'yellow', items: [1] });
    expect(signals[0]!.instructions).toContain('ods-licence');
  });

  it('flags a document not in the register, and a malformed reference, whatever the type code format', () => {
    expect(
      codes(declaration([goods({ documents: [{ type: 'ozone licence', reference: 'LIC-404' }] })])),
    ).toEqual(['PERMIT_NOT_FOUND']);
    expect(
      codes(declaration([goods({ documents: [{ type: 'C400', reference: 'no such; permit' }] })])),
    ).toContain('PERMIT_REFERENCE_MALFORMED');
    expect(documentConcern('cites_permit')).toBe('cites');
    expect(documentConcern('Basel TFS')).toBe('basel_waste');
    expect(documentConcern('INVOICE')).toBeUndefined();
    // A registered number is checked whatever the type code says.
    expect(codes(declaration([goods({ documents: [{ type: 'X-99', reference: 'LIC-1' }] })]))).toEqual([]);
  });

  it('flags an expired or cancelled document, another trader, direction or country', () => {
    expect(codes(declaration([goods()], { lodgedAt: '2027-01-05T00:00:00Z' }))).toContain('PERMIT_EXPIRED');
    const cancelled = snapshot({
      documents: new Map([[licence.number, { ...licence, status: 'cancelled' }]]),
    });
    expect(codes(declaration([goods()]), cancelled)).toContain('PERMIT_CANCELLED');
    expect(codes(declaration([goods()], { importer: { id: 'TR-2' } }))).toEqual(['PERMIT_OTHER_TRADER']);
    expect(codes(declaration([goods()], { type: 'export', exporter: { id: 'TR-1' } }))).toContain(
      'PERMIT_OTHER_DIRECTION',
    );
    expect(codes(declaration([goods({ originCountry: 'IN' })], { dispatchCountry: 'IN' }))).toEqual([
      'PERMIT_OTHER_COUNTRY',
    ]);
  });

  it('flags another substance or species than the document names', () => {
    expect(codes(declaration([goods({ description: 'R-404A refrigerant', hsCode: '382761' })]))).toContain(
      'PERMIT_OTHER_SUBSTANCE',
    );
    const parrots = goods({
      hsCode: '010632',
      description: 'live Ara macao',
      netMass: undefined,
      supplementaryQuantity: 2,
      documents: [{ type: 'CITES', reference: 'CITES-1' }],
    });
    expect(codes(declaration([parrots]))).toEqual(['PERMIT_OTHER_SPECIES']);
  });

  it('flags an HFC under a heading that cannot hold it, or a blend under the wrong 3827 subheading', () => {
    const hfo = codes(declaration([goods({ hsCode: '290351', description: 'refrigerant gas' })]));
    expect(hfo).toEqual(['SUBSTANCE_WRONG_HEADING']);
    expect(codes(declaration([goods({ hsCode: '382764' })]))).toEqual(['SUBSTANCE_WRONG_HEADING']);
    // Without a licence, the description is enough in a chemical chapter.
    expect(codes(declaration([goods({ hsCode: '382790', description: 'HFC-134a', documents: [] })]))).toEqual(
      ['SUBSTANCE_WRONG_HEADING', 'PERMIT_MISSING'],
    );
  });

  it('flags quantity over the balance, no balance, and a balance shared by declarations of one batch', () => {
    expect(codes(declaration([goods({ netMass: 1200 })]))).toEqual(['PERMIT_OVER_BALANCE']);
    const empty = snapshot({ documents: new Map([[licence.number, { ...licence, balance: 0 }]]) });
    expect(codes(declaration([goods()]), empty)).toEqual(['PERMIT_NO_BALANCE']);
    const claims = emptyClaims();
    const snap = snapshot();
    expect(codes(declaration([goods({ netMass: 600 })]), snap, claims)).toEqual([]);
    expect(codes(declaration([goods({ netMass: 600 })], { id: 'D2' }), snap, claims)).toEqual([
      'PERMIT_OVER_BALANCE',
    ]);
    expect(codes(declaration([goods({ netMass: undefined })]))).toEqual(['PERMIT_QUANTITY_MISSING']);
  });

  it('flags an exhausted quota, and a first-time trader in a controlled substance', () => {
    const quotas = new Map([
      [
        quotaKey('TR-1', 2026, 'hfc'),
        {
          trader: 'TR-1',
          year: 2026,
          control: 'hfc' as const,
          limit: { tonnes: null, odpTonnes: null, co2eqTonnes: 1000 },
          used: { tonnes: 0.1, odpTonnes: 0, co2eqTonnes: 208.75 },
        },
      ],
    ]);
    // 0.4 t x 2087.5 = 835 CO2-eq t on top of 208.75 used: over 1000.
    const signals = permitSignals(declaration([goods()]), {
      reference,
      environment,
      snapshot: snapshot({ quotas }),
      claims: emptyClaims(),
    });
    expect(signals.map((s) => s.code)).toEqual(['QUOTA_EXHAUSTED']);
    expect(signals[0]!.evidence).toMatchObject({ take: { co2eqTonnes: 835 } });
    expect(codes(declaration([goods()]), snapshot({ tradersWithHistory: new Set() }))).toEqual([
      'FIRST_TIME_CONTROLLED_TRADER',
    ]);
  });

  it('flags a CITES permit used before by another declaration, released or in the same batch', () => {
    const parrots = goods({
      hsCode: '010632',
      description: 'live Psittacus erithacus',
      netMass: undefined,
      supplementaryQuantity: 2,
      documents: [{ type: 'CITES', reference: 'CITES-1' }],
    });
    expect(codes(declaration([parrots]))).toEqual([]);
    const used = snapshot({ consumedBy: new Map([['CITES-1', new Set(['OLD'])]]) });
    expect(codes(declaration([parrots]), used)).toEqual(['PERMIT_ALREADY_USED']);
    const claims = emptyClaims();
    codes(declaration([parrots]), snapshot(), claims);
    expect(codes(declaration([parrots], { id: 'D2' }), snapshot(), claims)).toEqual(['PERMIT_ALREADY_USED']);
  });
});

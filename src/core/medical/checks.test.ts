import { beforeAll, describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import { parsedProduct } from '../../../test/support/medical-fixtures.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { Declaration } from '../declaration/declaration.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import { countedUse, productSignals } from './checks.ts';
import { composeRegistryView, type RegistryRows } from './registry-view.ts';

let ref: ReferenceData;
beforeAll(() => {
  ref = referenceData(dataDir());
});

const product = parsedProduct();
function rows(patch: Partial<RegistryRows> = {}): RegistryRows {
  return {
    products: new Map([[product.gtin, product]]),
    lots: new Map(
      product.lots.map((l) => [
        `${product.gtin}\u0000${l.lot}`,
        {
          gtin: product.gtin,
          lot: l.lot,
          expiry: l.expiry,
          quantityReleased: l.quantityReleased,
          recalled: l.recalled,
        },
      ]),
    ),
    serialised: new Set([product.gtin]),
    registeredSerials: new Set(['S1', 'S2', 'S3'].map((s) => `${product.gtin}\u0000${s}`)),
    declaredSerials: new Map(),
    declaredLots: new Map(),
    brands: ['Vaxora'],
    ...patch,
  };
}

const genuine = {
  hsCode: '300241',
  gtin: product.gtin,
  lot: 'L1',
  expiry: '2027-06-30',
  serial: 'S1',
  manufacturer: 'Vaxora Biologics',
  supplementaryQuantity: 100,
  invoiceValue: 500,
  unrefrigeratedHours: 2,
};
function declaration(item: Record<string, unknown> = {}, patch: Record<string, unknown> = {}): Declaration {
  return makeDeclaration(
    {
      arrivalAt: '2026-03-05T10:00:00Z',
      importer: { id: 'BE0123456789', name: 'Medica Import NV', country: 'BE', trustedTrader: true },
      ...patch,
    },
    [{ ...genuine, ...item }],
  );
}
/** Decides declarations in order on one batch view; the codes of the last. */
function codes(d: Declaration, r = rows(), before: Declaration[] = []): string[] {
  const view = composeRegistryView(
    r,
    [...before, d].map((x) => x.id),
  );
  let last: string[] = [];
  for (const x of [...before, d]) {
    const signals = productSignals(x, view, ref);
    view.record(countedUse(x, signals));
    last = signals.map((s) => s.code);
  }
  return last;
}

describe('product checks', () => {
  it('puts a genuine, pre-arrival declaration of an authorised trader in the fast lane', () => {
    const d = declaration();
    const signals = productSignals(d, composeRegistryView(rows(), [d.id]), ref);
    expect(signals.map((s) => s.code)).toEqual(['MEDICAL_FAST_LANE']);
    expect(signals[0]).toMatchObject({ source: 'product', score: 0 });
    expect(signals[0]!.instructions).toContain('non-intrusive');
    expect(codes(declaration({}, { importer: { id: 'BE0123456789', name: 'Medica Import NV' } }))).toEqual(
      [],
    );
    expect(codes(declaration({}, { arrivalAt: '2026-03-01T10:00:00Z' }))).toEqual([]);
  });

  it('fires each check with evidence, the items and instructions', () => {
    expect(codes(declaration({ gtin: '05012345678900', description: 'VAXORA vaccine' }))).toEqual([
      'MEDICAL_GTIN_UNKNOWN',
    ]);
    expect(codes(declaration({ gtin: '05012345678900', description: 'other' }))).toEqual([]);
    expect(codes(declaration({ manufacturer: 'Fake Labs' }))).toEqual([
      'MEDICAL_MANUFACTURER_NOT_AUTHORISED',
    ]);
    expect(codes(declaration({ originCountry: 'CN' }))).toEqual(['MEDICAL_MANUFACTURER_NOT_AUTHORISED']);
    expect(codes(declaration({}, { exporter: { id: 'X', name: 'Broker FZE', country: 'AE' } }))).toEqual([
      'MEDICAL_EXPORTER_NOT_AUTHORISED',
    ]);
    expect(codes(declaration({}, { route: ['AEJEA', 'BEANR'] }))).toEqual(['MEDICAL_ROUTE_NOT_AUTHORISED']);
    expect(codes(declaration({ lot: 'L9' }))).toEqual(['MEDICAL_LOT_UNKNOWN']);
    expect(codes(declaration({ lot: 'L2' }))).toEqual(['MEDICAL_LOT_RECALLED']);
    expect(codes(declaration({ expiry: '2027-05-31' }))).toEqual(['MEDICAL_EXPIRY_MISMATCH']);
    expect(
      codes(
        declaration(
          { expiry: undefined },
          { lodgedAt: '2027-07-02T10:00:00Z', arrivalAt: '2027-07-09T10:00:00Z' },
        ),
      ),
    ).toEqual(['MEDICAL_LOT_EXPIRED']);
    expect(
      codes(
        declaration(
          { expiry: undefined },
          { lodgedAt: '2027-06-25T10:00:00Z', arrivalAt: '2027-07-09T10:00:00Z' },
        ),
      ),
    ).toEqual(['MEDICAL_LOT_EXPIRING']);
    expect(codes(declaration({ supplementaryQuantity: 1001, invoiceValue: 5005 }))).toEqual([
      'MEDICAL_LOT_OVER_QUANTITY',
    ]);
    expect(codes(declaration({ serial: 'S9' }))).toEqual(['MEDICAL_SERIAL_UNKNOWN']);
    expect(codes(declaration({ invoiceValue: 240 }))).toEqual(['MEDICAL_PRICE_FAR_BELOW']);
    expect(codes(declaration({ invoiceValue: 320 }))).toEqual(['MEDICAL_FAST_LANE']);
    expect(codes(declaration({ unrefrigeratedHours: 13 }))).toEqual(['MEDICAL_COLD_CHAIN_EXCEEDED']);
    const [signal] = productSignals(declaration({ lot: 'L9' }), composeRegistryView(rows(), []), ref);
    expect(signal).toMatchObject({ source: 'product', minChannel: 'red', items: [1] });
    expect(signal!.evidence).toMatchObject({
      findings: [{ item: 1, gtin: product.gtin, lot: 'L9' }],
      count: 1,
    });
    expect(signal!.instructions).toContain('temperature-controlled');
  });

  it('catches cloned serials and over-quantity lots across stored declarations and within a batch', () => {
    const stored = rows({
      declaredSerials: new Map([[`${product.gtin}\u0000S1`, ['D-OLD']]]),
      declaredLots: new Map([[`${product.gtin}\u0000L1`, [{ declarationId: 'D-OLD', quantity: 995 }]]]),
    });
    expect(codes(declaration({ supplementaryQuantity: 10, invoiceValue: 50 }), stored)).toEqual([
      'MEDICAL_LOT_OVER_QUANTITY',
      'MEDICAL_SERIAL_CLONED',
    ]);
    // The same declaration amended is not a clone of itself, and its old units are replaced.
    expect(codes(declaration({}, { id: 'D-OLD' }), stored)).toEqual(['MEDICAL_FAST_LANE']);
    const a = declaration({ supplementaryQuantity: 600, invoiceValue: 3000 }, { id: 'A' });
    const b = declaration({ supplementaryQuantity: 600, invoiceValue: 3000 }, { id: 'B' });
    expect(codes(a)).toEqual(['MEDICAL_FAST_LANE']);
    expect(codes(b, rows(), [a])).toEqual(['MEDICAL_LOT_OVER_QUANTITY', 'MEDICAL_SERIAL_CLONED']);
    // A claim flagged over-quantity is not counted against the lot: a genuine one after it passes.
    const c = declaration({ serial: 'S3', supplementaryQuantity: 300, invoiceValue: 1500 }, { id: 'C' });
    expect(codes(c, rows(), [a, b])).toEqual(['MEDICAL_FAST_LANE']);
  });

  it('adds the units partner administrations reported of the lot, naming each', () => {
    const lotKey = `${product.gtin}\u0000L1`;
    const shared = rows({
      partnerLots: new Map([
        [
          lotKey,
          [
            { partner: 'fr-douane', units: 250, asOf: '2026-03-04T10:00:00Z' },
            { partner: 'be-customs', units: 700, asOf: '2026-03-04T09:00:00Z' },
            { partner: 'de-zoll', units: 0, asOf: '2026-03-04T09:00:00Z' },
          ],
        ],
      ]),
    });
    // 100 here + 950 at partners > 1000 released.
    const d = declaration();
    const signals = productSignals(d, composeRegistryView(shared, [d.id]), ref);
    expect(signals.map((s) => s.code)).toEqual(['MEDICAL_LOT_OVER_QUANTITY']);
    expect(signals[0]!.evidence).toMatchObject({
      findings: [
        {
          declaredBefore: 0,
          declaredHere: 100,
          declaredAtPartners: 950,
          released: 1000,
          partners: [
            { administration: 'be-customs', units: 700 },
            { administration: 'fr-douane', units: 250 },
          ],
        },
      ],
    });
    expect(JSON.stringify(signals[0])).toContain('be-customs (700), fr-douane (250)');
    // Within the released quantity with the partners' units: no signal.
    expect(codes(declaration({ supplementaryQuantity: 50, invoiceValue: 250 }), shared)).toEqual([
      'MEDICAL_FAST_LANE',
    ]);
  });

  it('reads identifiers from a gs1 code', () => {
    const d = declaration({
      gtin: undefined,
      lot: undefined,
      expiry: undefined,
      serial: undefined,
      gs1: ']d20109506000134352172706301010\u001d21S9',
    });
    expect(codes(d)).toEqual(['MEDICAL_LOT_UNKNOWN', 'MEDICAL_SERIAL_UNKNOWN']);
  });
});

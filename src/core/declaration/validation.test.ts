import { beforeAll, describe, expect, it } from 'vitest';
import { sampleDeclaration } from '../../../test/support/fixtures.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import {
  isValidGtin,
  isValidImo,
  isValidInstant,
  jsonPointer,
  MAX_NESTING,
  validateDeclaration,
} from './validation.ts';

let ref: ReferenceData;
beforeAll(() => {
  ref = referenceData(dataDir());
});

function errorsOf(input: unknown) {
  const result = validateDeclaration(input, ref);
  if (result.ok) return [];
  return result.errors.map((e) => [e.path, e.code]);
}

function withItem(patch: Record<string, unknown>) {
  const d = sampleDeclaration();
  return { ...d, items: [{ ...d.items[0]!, ...patch }] };
}

describe('validateDeclaration', () => {
  it('accepts a complete declaration and fills defaults', () => {
    const result = validateDeclaration(sampleDeclaration(), ref);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.declaration.items[0]!.hsEdition).toBe('2022');
  });

  it('rejects a non-object', () => {
    expect(errorsOf([1])).toEqual([['', 'not_an_object']]);
    expect(errorsOf('x')).toEqual([['', 'not_an_object']]);
  });

  it('names each missing required field', () => {
    const { id: _id, currency: _c, ...rest } = sampleDeclaration();
    expect(errorsOf(rest)).toEqual(
      expect.arrayContaining([
        ['/id', 'required'],
        ['/currency', 'required'],
      ]),
    );
    expect(errorsOf({ ...sampleDeclaration(), items: [] })).toEqual([['/items', 'out_of_range']]);
    expect(errorsOf(withItem({ hsCode: undefined }))).toEqual([['/items/0/hsCode', 'required']]);
  });

  it('reports wrong types with the path', () => {
    expect(errorsOf(withItem({ netMass: '12kg' }))).toEqual([['/items/0/netMass', 'wrong_type']]);
    expect(errorsOf({ ...sampleDeclaration(), route: 'NLRTM' })).toEqual([['/route', 'wrong_type']]);
  });

  it('reports unknown fields (typos) and bad enumerations', () => {
    expect(errorsOf({ ...sampleDeclaration(), invoiceTotl: 3 })).toEqual([['/invoiceTotl', 'unknown_field']]);
    expect(errorsOf({ ...sampleDeclaration(), type: 'smuggle' })).toEqual([['/type', 'invalid_value']]);
  });

  it('rejects impossible values: negative mass, value and quantity', () => {
    expect(errorsOf(withItem({ netMass: -1 }))).toEqual([['/items/0/netMass', 'negative_value']]);
    expect(errorsOf(withItem({ grossMass: -0.5 }))).toEqual([['/items/0/grossMass', 'negative_value']]);
    expect(errorsOf(withItem({ customsValue: -10 }))).toEqual([['/items/0/customsValue', 'negative_value']]);
    expect(errorsOf(withItem({ invoiceValue: -10 }))).toEqual([['/items/0/invoiceValue', 'negative_value']]);
    expect(errorsOf(withItem({ supplementaryQuantity: -3 }))).toEqual([
      ['/items/0/supplementaryQuantity', 'negative_value'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), invoiceTotal: -1 })).toEqual([
      ['/invoiceTotal', 'negative_value'],
    ]);
  });

  it('rejects unparseable and impossible dates', () => {
    expect(errorsOf({ ...sampleDeclaration(), lodgedAt: 'yesterday' })).toEqual([
      ['/lodgedAt', 'invalid_date'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), lodgedAt: '2026-02-30' })).toEqual([
      ['/lodgedAt', 'invalid_date'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), arrivalAt: '2026-03-02T25:00:00Z' })).toEqual([
      ['/arrivalAt', 'invalid_date'],
    ]);
    const d = withItem({ documents: [{ type: 'CITES', reference: 'X', validUntil: '31/12/2026' }] });
    expect(errorsOf(d)).toEqual([['/items/0/documents/0/validUntil', 'invalid_date']]);
  });

  it('rejects HS codes that do not exist in the stated edition', () => {
    expect(errorsOf(withItem({ hsCode: '999999' }))).toEqual([['/items/0/hsCode', 'unknown_hs_code']]);
    expect(errorsOf(withItem({ hsCode: '30.02' }))).toEqual([['/items/0/hsCode', 'unknown_hs_code']]);
    // 3002.41 (vaccines for human medicine) is new in HS 2022; in HS 2017 vaccines were 3002.20.
    expect(errorsOf(withItem({ hsCode: '300241', hsEdition: '2017' }))).toEqual([
      ['/items/0/hsCode', 'unknown_hs_code'],
    ]);
    expect(errorsOf(withItem({ hsCode: '300220', hsEdition: '2017' }))).toEqual([]);
    expect(errorsOf(withItem({ hsCode: '3002410010' }))).toEqual([]);
  });

  it('rejects countries, currencies and UN/LOCODEs that do not exist', () => {
    expect(errorsOf(withItem({ originCountry: 'XX' }))).toEqual([
      ['/items/0/originCountry', 'unknown_country'],
    ]);
    expect(errorsOf(withItem({ originCountry: 'ZZ' }))).toEqual([]);
    expect(errorsOf({ ...sampleDeclaration(), importer: { name: 'X', country: 'UK' } })).toEqual([
      ['/importer/country', 'unknown_country'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), currency: 'EURO' })).toEqual([
      ['/currency', 'unknown_currency'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), currency: 'XYZ' })).toEqual([
      ['/currency', 'unknown_currency'],
    ]);
    expect(errorsOf({ ...sampleDeclaration(), route: ['NLRTM', 'QQXXX'] })).toEqual([
      ['/route/1', 'unknown_locode'],
    ]);
  });

  it('checks IMO and GTIN check digits and duplicate item numbers', () => {
    expect(errorsOf({ ...sampleDeclaration(), transport: { mode: 'sea', vesselImo: '9321484' } })).toEqual([
      ['/transport/vesselImo', 'invalid_imo'],
    ]);
    expect(errorsOf(withItem({ gtin: '05012345678901' }))).toEqual([['/items/0/gtin', 'invalid_gtin']]);
    const d = sampleDeclaration();
    expect(errorsOf({ ...d, items: [d.items[0], d.items[0]] })).toEqual([
      ['/items/1/sequence', 'duplicate_item_sequence'],
    ]);
  });

  it('takes GS1 pack identifiers on a goods item and rejects malformed or contradicting ones', () => {
    const gs1 = '(01)09506000134352(17)270600(10)A1B2(21)XYZ';
    expect(errorsOf(withItem({ gs1, gtin: undefined, lot: undefined }))).toEqual([]);
    expect(errorsOf(withItem({ gs1, gtin: '9506000134352', lot: 'A1B2', expiry: '2027-06-30' }))).toEqual([]);
    expect(
      errorsOf(withItem({ gtin: '09506000134352', lot: 'L1', expiry: '2027-06-30', serial: 'S1' })),
    ).toEqual([]);
    expect(errorsOf(withItem({ gs1: '(01)09506000134353', gtin: undefined }))).toEqual([
      ['/items/0/gs1', 'invalid_gs1'],
    ]);
    expect(errorsOf(withItem({ gs1, gtin: undefined, lot: 'OTHER' }))).toEqual([
      ['/items/0/lot', 'invalid_value'],
    ]);
    expect(errorsOf(withItem({ gs1, gtin: undefined, lot: undefined, expiry: '2027-06-01' }))).toEqual([
      ['/items/0/expiry', 'invalid_value'],
    ]);
    expect(errorsOf(withItem({ expiry: '2027-02-30' }))).toEqual([['/items/0/expiry', 'invalid_date']]);
    expect(errorsOf(withItem({ unrefrigeratedHours: -2 }))).toEqual([
      ['/items/0/unrefrigeratedHours', 'negative_value'],
    ]);
    const result = validateDeclaration(withItem({ gs1: '(10)A B' }), ref);
    expect(!result.ok && result.errors[0]!.message).toBe(
      '/items/0/gs1: AI (10) batch/lot "A B" contains  , which is not in GS1 character set 82',
    );
  });

  it('keeps the declaration id on a rejected record and gives plain messages', () => {
    const result = validateDeclaration(withItem({ netMass: -1 }), ref);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.declarationId).toBe('NL-2026-000001');
      expect(result.errors[0]!.message).toBe('/items/0/netMass: net mass cannot be negative (got -1)');
    }
  });
});

describe('helpers', () => {
  it('rejects text that is not valid Unicode or holds NUL, naming the field', () => {
    const d = sampleDeclaration();
    const result = validateDeclaration(
      {
        ...d,
        customsOffice: 'NL\ud800',
        importer: { ...d.importer, name: 'Pharma \udcff' },
        exporter: { ...d.exporter, name: 'A\u0000B' },
        additionalInformation: { ['k\udc00']: 'v', ok: '\ud83d\ude00 is a pair' },
      },
      ref,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.code, e.message])).toEqual([
      [
        '/customsOffice',
        'invalid_text',
        '/customsOffice: a lone UTF-16 surrogate \\ud800 at character 3, which is not text',
      ],
      [
        '/importer/name',
        'invalid_text',
        '/importer/name: invalid UTF-8 (byte 0xff, or the lone surrogate \\udcff) at character 8',
      ],
      ['/exporter/name', 'invalid_text', '/exporter/name: the NUL character (U+0000) at character 2'],
      [
        '/additionalInformation/k\udc00',
        'invalid_text',
        '/additionalInformation/k\udc00: the member name holds a lone UTF-16 surrogate \\udc00 at character 2, which is not text',
      ],
    ]);
  });

  it('rejects nesting deeper than the limit at the first place it happens, without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(errorsOf({ ...sampleDeclaration(), extra: deep })).toEqual([
      // The record is level 1, /extra level 2: the first container below level 32 is reported.
      [`/extra${'/0'.repeat(MAX_NESTING - 1)}`, 'too_deep'],
    ]);
    let nested: Record<string, unknown> = {};
    const root = nested;
    for (let i = 0; i < MAX_NESTING - 2; i++) {
      nested.a = {};
      nested = nested.a as Record<string, unknown>;
    }
    // 32 levels exactly: within the limit, so the schema speaks.
    expect(errorsOf({ ...sampleDeclaration(), additionalInformation: root })).toEqual([
      ['/additionalInformation/a', 'wrong_type'],
    ]);
  });

  it('escapes JSON pointer tokens per RFC 6901', () => {
    expect(jsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });
  it('validates instants', () => {
    expect(isValidInstant('2024-02-29')).toBe(true);
    expect(isValidInstant('2023-02-29')).toBe(false);
    expect(isValidInstant('2026-03-02T09:15:00+01:00')).toBe(true);
    expect(isValidInstant('2026-03-02 09:15')).toBe(true);
  });
  it('validates IMO and GTIN check digits', () => {
    expect(isValidImo('9074729')).toBe(true);
    expect(isValidImo('IMO 9074729')).toBe(true);
    expect(isValidImo('9074728')).toBe(false);
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('4006381333932')).toBe(false);
  });
});

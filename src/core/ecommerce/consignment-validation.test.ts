import { beforeAll, describe, expect, it } from 'vitest';
import { sampleConsignment } from '../../../test/support/consignment-fixture.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import { isValidIoss, isValidS10, validateConsignment } from './consignment-validation.ts';

let ref: ReferenceData;
beforeAll(() => {
  ref = referenceData(dataDir());
});

function errorsOf(input: unknown) {
  const result = validateConsignment(input, ref);
  return result.ok ? [] : result.errors.map((e) => [e.path, e.code]);
}

describe('validateConsignment', () => {
  it('accepts a complete consignment and fills defaults', () => {
    const { regime: _, ...noRegime } = sampleConsignment();
    const result = validateConsignment({ ...noRegime, items: [{ description: 'mug', value: 4 }] }, ref);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.consignment.regime).toBe('eu-h7');
      expect(result.consignment.items[0]!.quantity).toBe(1);
    }
  });

  it('names every missing or wrong field with its path', () => {
    const { seller: _, ...noSeller } = sampleConsignment();
    expect(errorsOf(noSeller)).toEqual([['/seller', 'required']]);
    expect(errorsOf(sampleConsignment({ seller: { name: '', country: 'CN' } }))).toEqual([
      ['/seller/name', 'required'],
    ]);
    expect(errorsOf(sampleConsignment({ grossMassKg: 'heavy' as unknown as number }))).toEqual([
      ['/grossMassKg', 'wrong_type'],
    ]);
    expect(errorsOf({ ...sampleConsignment(), colour: 'red' })).toEqual([['/colour', 'unknown_field']]);
    expect(errorsOf(sampleConsignment({ items: [] }))).toEqual([['/items', 'out_of_range']]);
  });

  it('checks codes against the reference data and identifiers against their check digits', () => {
    const bad = sampleConsignment({
      currency: 'EUX',
      buyer: { country: 'XX' },
      iossNumber: 'IM12',
      transport: { mode: 'post', postalItemId: 'RR123456780DE' },
      items: [{ description: 'mug', value: -1, hs6: '999999' }],
      grossMassKg: 0,
      lodgedAt: '2026-02-30',
    });
    expect(errorsOf(bad)).toEqual([
      ['/lodgedAt', 'invalid_date'],
      ['/currency', 'unknown_currency'],
      ['/buyer/country', 'unknown_country'],
      ['/grossMassKg', 'out_of_range'],
      ['/iossNumber', 'invalid_ioss_number'],
      ['/transport/postalItemId', 'invalid_postal_id'],
      ['/items/0/value', 'negative_value'],
      ['/items/0/hs6', 'unknown_hs_code'],
    ]);
    const result = validateConsignment(bad, ref);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.consignmentId).toBe('H7-0001');
      expect(result.errors.find((e) => e.path === '/items/0/hs6')!.message).toMatch(
        /9999\.99 does not exist in HS 2022/,
      );
    }
  });

  it('rejects what is not an object, and text that is not text', () => {
    expect(errorsOf([])).toEqual([['', 'not_an_object']]);
    expect(errorsOf(sampleConsignment({ id: 'a\u0000b' }))).toEqual([['/id', 'invalid_text']]);
  });
});

describe('identifiers', () => {
  it('checks UPU S10 check digits (including the 10 -> 0 and 11 -> 5 rules)', () => {
    expect(isValidS10('RR123456785DE')).toBe(true);
    expect(isValidS10('RR123456784DE')).toBe(false);
    expect(isValidS10('EE000000005CN')).toBe(true);
    expect(isValidS10('RR12345678DE')).toBe(false);
  });

  it('checks the IOSS number form', () => {
    expect(isValidIoss('IM2760000001')).toBe(true);
    expect(isValidIoss('IM276000000')).toBe(false);
    expect(isValidIoss('EU2760000001')).toBe(false);
  });
});

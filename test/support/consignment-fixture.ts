import type { ConsignmentInput } from '../../src/core/ecommerce/consignment.ts';

/** A clean H7 consignment: a phone case from a Shenzhen seller to a buyer in Germany. */
export function sampleConsignment(overrides: Partial<ConsignmentInput> = {}): ConsignmentInput {
  return {
    id: 'H7-0001',
    regime: 'eu-h7',
    lodgedAt: '2026-11-02T10:00:00Z',
    seller: { name: 'Shenzhen Brightway Trading Co., Ltd', country: 'CN', id: 'S-1001' },
    buyer: {
      country: 'DE',
      name: 'Anna Muller',
      street: 'Hauptstrasse 5',
      postcode: '10115',
      city: 'Berlin',
    },
    platform: { name: 'ShopNova' },
    iossNumber: 'IM2760000001',
    currency: 'EUR',
    grossMassKg: 0.12,
    transport: { mode: 'post', postalItemId: 'RR123456785DE' },
    items: [{ description: 'silicone phone case', quantity: 1, value: 6.5, hs6: '392690' }],
    ...overrides,
  };
}

import { type ProductInput, ProductSchema } from '../../src/core/medical/product.ts';

/** A registered vaccine (GTIN 09506000134352) with two lots, one recalled, and three serials. */
export function vaccineProduct(patch: Partial<ProductInput> = {}): ProductInput {
  return {
    gtin: '09506000134352',
    name: 'Example vaccine 0.5 ml',
    brand: 'Vaxora',
    form: 'suspension for injection',
    strength: '0.5 ml',
    hsCode: '300241',
    manufacturers: [{ name: 'Vaxora Biologics', site: 'Pune', country: 'IN' }],
    exporters: [{ id: 'IN-EXP-77', name: 'Sun Generics Pvt Ltd', country: 'IN' }],
    importers: [{ id: 'BE0123456789', name: 'Medica Import NV', country: 'BE' }],
    routeCountries: ['IN'],
    unitPrice: { currency: 'USD', min: 4, max: 6 },
    coldChain: { minCelsius: 2, maxCelsius: 8, maxUnrefrigeratedHours: 12 },
    packagingFeatures: ['hologram on the cap seal'],
    lots: [
      { lot: 'L1', expiry: '2027-06-30', quantityReleased: 1000, serials: ['S1', 'S2', 'S3'] },
      { lot: 'L2', expiry: '2027-06-30', quantityReleased: 1000, recalled: true },
    ],
    ...patch,
  };
}

export const parsedProduct = (patch: Partial<ProductInput> = {}) =>
  ProductSchema.parse(vaccineProduct(patch));

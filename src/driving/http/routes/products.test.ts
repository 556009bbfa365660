import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { callAs, createFullTestApi, type FullTestApi } from '../../../../test/support/full-api.ts';
import { vaccineProduct } from '../../../../test/support/medical-fixtures.ts';
import { ProductRepository } from '../../../driven/store/product-repository.ts';

for (const dialect of DIALECTS) {
  describe(`/v1/products on ${dialect}`, () => {
    let api: FullTestApi;
    const call = (role: 'officer' | 'analyst' | 'auditor' | 'admin', path: string, body?: unknown) =>
      callAs(api, role, path, body, 'XA');

    beforeAll(async () => {
      api = await createFullTestApi(dialect);
    });
    afterAll(() => api?.dispose());

    it('loads products with lots and serials, lists them by page and shows one with counts per lot', async () => {
      const second = vaccineProduct({ gtin: '9506000134369', brand: 'Immunex', lots: [] });
      const res = await call('analyst', '/v1/products', { products: [vaccineProduct(), second] });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ products: 2, lots: 2, serials: 3 });

      const page = await call('officer', '/v1/products?limit=1');
      expect(page.status).toBe(200);
      const first = await page.json();
      expect(first.items).toMatchObject([{ gtin: '09506000134352', lots: 2, serials: 3 }]);
      expect(first.next).toBe('09506000134352');
      const rest = await (await call('officer', `/v1/products?limit=1&after=${first.next}`)).json();
      expect(rest.items.map((p: { gtin: string }) => p.gtin)).toEqual(['09506000134369']);

      // A GTIN-13 in the path reads as its GTIN-14.
      const shown = await call('auditor', '/v1/products/9506000134352');
      expect(shown.status).toBe(200);
      const view = await shown.json();
      expect(view.product).toMatchObject({ gtin: '09506000134352', brand: 'Vaxora' });
      expect(view.product.lots).toBeUndefined();
      expect(view.serials).toBe(3);
      expect(view.lots).toEqual([
        expect.objectContaining({ lot: 'L1', recalled: false, serials: 3, declaredUnits: 0 }),
        expect.objectContaining({ lot: 'L2', recalled: true, serials: 0 }),
      ]);
      expect(await (await call('auditor', '/v1/products/09506000134352')).json()).toEqual(view);
      // The other administration has no such product.
      expect((await callAs(api, 'auditor', '/v1/products/09506000134352', undefined, 'XB')).status).toBe(404);
    });

    it('refuses the whole request, naming each product and field, and writes nothing', async () => {
      const res = await call('analyst', '/v1/products', {
        products: [
          vaccineProduct({ gtin: '09506000134376' }),
          vaccineProduct({ gtin: '09506000134353' }),
          vaccineProduct({
            gtin: '09506000134383',
            lots: [{ lot: 'L 1', expiry: '2027-02-30', quantityReleased: -1 }],
          }),
        ],
      });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        '/products/1/gtin',
        '/products/2/lots/0/expiry',
        '/products/2/lots/0/lot',
        '/products/2/lots/0/quantityReleased',
      ]);
      expect(body.error.details[0].message).toMatch(/check digit/);
      expect((await call('officer', '/v1/products/09506000134376')).status).toBe(404);
      for (const [payload, path] of [
        [{}, '/products'],
        [{ products: [] }, '/products'],
        [{ products: [vaccineProduct()], extra: 1 }, ''],
      ] as const) {
        const bad = await call('analyst', '/v1/products', payload);
        expect(bad.status).toBe(400);
        expect((await bad.json()).error.details[0].path).toBe(path);
      }
      const twice = await call('analyst', '/v1/products', {
        products: [vaccineProduct({ gtin: '09506000134390' }), vaccineProduct({ gtin: '09506000134390' })],
      });
      expect((await twice.json()).error.details).toEqual([
        expect.objectContaining({ path: '/products/1/gtin', message: expect.stringContaining('record 1') }),
      ]);
      expect((await call('officer', '/v1/products/09506000134390')).status).toBe(404);
    });

    it('recalls a lot, in the audit log; an unknown product, lot or malformed GTIN is 404; officers may not write', async () => {
      const recalled = await call('analyst', '/v1/products/09506000134352/lots/L1/recall', {
        reason: 'manufacturer recall 2026-12',
      });
      expect(recalled.status).toBe(200);
      expect(await recalled.json()).toMatchObject({ gtin: '09506000134352', lot: 'L1', recalled: true });
      const lots = (await new ProductRepository(api.conn).get('XA', '09506000134352'))!.product.lots;
      expect(lots.every((l) => l.recalled)).toBe(true);
      for (const path of [
        '/v1/products/09506000134352/lots/NOPE/recall',
        '/v1/products/09506000134353/lots/L1/recall',
        '/v1/products/not-a-gtin/lots/L1/recall',
      ])
        expect((await call('analyst', path, { reason: 'x' })).status).toBe(404);
      expect((await call('analyst', '/v1/products/09506000134352/lots/L1/recall', {})).status).toBe(400);
      expect(
        (await call('officer', '/v1/products/09506000134352/lots/L1/recall', { reason: 'x' })).status,
      ).toBe(403);
      expect((await call('officer', '/v1/products', { products: [vaccineProduct()] })).status).toBe(403);
      expect((await call('officer', '/v1/products?after=123')).status).toBe(400);
    });
  });
}

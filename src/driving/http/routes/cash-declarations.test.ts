import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../../test/support/databases.ts';
import {
  callAs,
  createFullTestApi,
  type FullTestApi,
  LISTED_NAMES,
} from '../../../../test/support/full-api.ts';
import { cashBody } from '../../../../test/support/sharing-fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`/v1/cash-declarations on ${dialect}`, () => {
    let api: FullTestApi;
    const call = (
      role: 'officer' | 'analyst' | 'auditor',
      path: string,
      body?: unknown,
      admin: 'XA' | 'XB' = 'XA',
    ) => callAs(api, role, path, body, admin);

    beforeAll(async () => {
      api = await createFullTestApi(dialect);
    });
    afterAll(() => api?.dispose());

    it('derives a seizure, screens the traveller and drafts the alert for an undeclared movement', async () => {
      const body = cashBody({ traveller: { ...cashBody().traveller, name: LISTED_NAMES.XA } });
      const res = await call('officer', '/v1/cash-declarations', body);
      expect(res.status).toBe(201);
      const result = await res.json();
      expect(result).toMatchObject({
        declaration: { id: 'CASH-1', administration: 'XA' },
        seizureId: 'cash-CASH-1',
      });
      expect(result.screening.status).toBe('screened');
      expect(result.screening.results).toEqual([
        { id: 'CASH-1/traveller', matches: [expect.objectContaining({ list: 'un', name: LISTED_NAMES.XA })] },
      ]);
      // The hit is the administration's to adjudicate, like any other.
      expect(
        (await api.screening.hits('XA', { limit: 100 })).some((h) => h.query.id === 'CASH-1/traveller'),
      ).toBe(true);
      expect(result.alertDraft).toMatchObject({
        countries: ['AE', 'TR'],
        content: { handling: 'AMBER+STRICT', criteria: { party: { name: [LISTED_NAMES.XA] } } },
      });
      const seizure = await (await call('analyst', '/v1/seizures/cash-CASH-1')).json();
      expect(seizure).toMatchObject({ form: 'global', report: { category: 'cash-and-bearer-instruments' } });
      expect(JSON.stringify(seizure)).not.toContain(LISTED_NAMES.XA);
      expect(await (await call('auditor', '/v1/cash-declarations/CASH-1')).json()).toEqual(result);
      expect((await call('auditor', '/v1/cash-declarations/CASH-1', undefined, 'XB')).status).toBe(404);
    });

    it('stores a plain declaration with nothing derived', async () => {
      const res = await call(
        'officer',
        '/v1/cash-declarations',
        cashBody({ id: 'CASH-2', status: 'declared' }),
      );
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ seizureId: null, screening: null, alertDraft: null });
      const items = (await (await call('analyst', '/v1/cash-declarations?status=declared')).json()).items;
      expect(items.map((i: { declaration: { id: string } }) => i.declaration.id)).toEqual(['CASH-2']);
    });

    it('names the fields of an invalid declaration, and writes nothing', async () => {
      const res = await call(
        'officer',
        '/v1/cash-declarations',
        cashBody({ id: 'CASH-3', status: 'suspicious' }),
      );
      expect(res.status).toBe(400);
      expect((await res.json()).error.details).toEqual([expect.objectContaining({ path: '/grounds' })]);
      const shape = await call(
        'officer',
        '/v1/cash-declarations',
        cashBody({ id: 'CASH-3', currency: 'euro' }),
      );
      expect(shape.status).toBe(400);
      expect((await shape.json()).error.details[0].path).toBe('/currency');
      expect((await call('auditor', '/v1/cash-declarations/CASH-3')).status).toBe(404);
      expect((await call('analyst', '/v1/cash-declarations', cashBody({ id: 'CASH-4' }))).status).toBe(403);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { sampleLicence } from '../../../../test/support/permit-fixtures.ts';

const licence = sampleLicence('LIC-R1');
const quotas = [
  { kind: 'quota', trader: 'TR-1', year: 2026, control: 'hfc', co2eqTonnes: 4000 },
  // A trader id a spreadsheet would run as a formula.
  { kind: 'quota', trader: '=HYPERLINK("http://x")', year: 2026, control: 'ods', odpTonnes: 2 },
];

/** An import of 400 kg of R-410A under LIC-R1 (835 CO2-eq t). */
const shipment = {
  id: 'ENV-1',
  type: 'import',
  customsOffice: 'NLRTM01',
  lodgedAt: '2026-06-01T09:00:00Z',
  currency: 'EUR',
  importer: { id: 'TR-1', name: 'Cool Gas BV', country: 'NL' },
  dispatchCountry: 'CN',
  items: [
    {
      sequence: 1,
      hsCode: '3827630000',
      originCountry: 'CN',
      netMass: 400,
      invoiceValue: 4000,
      description: 'R-410A refrigerant in cylinders',
      documents: [{ type: 'ODS-LICENCE', reference: 'LIC-R1' }],
    },
  ],
};

for (const dialect of DIALECTS) {
  describe(`/v1/permit-reports and /v1/permits on ${dialect}`, () => {
    let api: TestApi;
    let xbAnalyst: string;
    const get = (path: string, key: string, headers: Record<string, string> = {}) =>
      api.app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
    const post = (path: string, key: string, body: unknown) =>
      api.app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      xbAnalyst = (await api.store.createApiKey('XB', 'xb analyst', 'analyst')).secret;
      expect((await post('/v1/permits', api.keys.analyst, { records: [licence, ...quotas] })).status).toBe(
        201,
      );
      expect((await post('/v1/declarations', api.keys.ingest, shipment)).status).toBe(200);
      const released = await post('/v1/declarations/ENV-1/events', api.keys.officer, {
        event: 'release',
        at: '2026-06-02T10:00:00Z',
      });
      expect(released.status).toBe(201);
    });
    afterAll(() => api?.dispose());

    it('answers each report as JSON for the year and trader asked, within the key’s administration', async () => {
      const quota = await get('/v1/permit-reports/quota?year=2026', api.keys.analyst);
      expect(quota.status).toBe(200);
      const body = (await quota.json()) as { report: string; rows: Array<Record<string, unknown>> };
      expect(body).toMatchObject({ report: 'quota', year: 2026, trader: null });
      expect(body.rows).toEqual([
        expect.objectContaining({ trader: '=HYPERLINK("http://x")', substance: null, quotaOdpTonnesLeft: 2 }),
        expect.objectContaining({
          trader: 'TR-1',
          substance: 'R-410A',
          tonnes: 0.4,
          co2eqTonnes: 835,
          quotaCo2eqTonnesLeft: 3165,
        }),
      ]);
      const one = await (
        await get('/v1/permit-reports/quota?year=2026&trader=TR-1', api.keys.auditor)
      ).json();
      expect((one as { rows: unknown[] }).rows).toHaveLength(1);
      const imports = await (await get('/v1/permit-reports/imports?year=2026', api.keys.admin)).json();
      expect(imports).toMatchObject({ rows: [{ substance: 'R-410A', metricTonnes: 0.4, releases: 1 }] });
      expect(await (await get('/v1/permit-reports/imports?year=2025', api.keys.admin)).json()).toMatchObject({
        rows: [],
      });
      expect(await (await get('/v1/permit-reports/cites?year=2026', api.keys.admin)).json()).toMatchObject({
        rows: [],
      });
      // Another administration's key reads its own (empty) reports, nothing of XA's.
      const other = await get('/v1/permit-reports/quota?year=2026', xbAnalyst);
      expect(other.status).toBe(200);
      expect(await other.json()).toMatchObject({ rows: [] });
      expect((await get('/v1/permit-reports/quota?year=2026', api.keys.officer)).status).toBe(403);
    });

    it('answers CSV with format=csv or Accept: text/csv, formulas neutralised', async () => {
      const byQuery = await get('/v1/permit-reports/quota?year=2026&format=csv', api.keys.analyst);
      expect(byQuery.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const text = await byQuery.text();
      expect(text.split('\r\n')[0]).toBe(
        'year,trader,control,substance,tonnes,odpTonnes,co2eqTonnes,quotaTonnesLeft,quotaOdpTonnesLeft,quotaCo2eqTonnesLeft',
      );
      expect(text).toContain(`2026,"'=HYPERLINK(""http://x"")",ods,,0,0,0,,2,\r\n`);
      const byAccept = await get('/v1/permit-reports/quota?year=2026', api.keys.analyst, {
        accept: 'text/csv',
      });
      expect(await byAccept.text()).toBe(text);
    });

    it('refuses a bad report, year or parameter naming the field', async () => {
      for (const [path, field] of [
        ['/v1/permit-reports/quotas?year=2026', 'report'],
        ['/v1/permit-reports/quota', 'year'],
        ['/v1/permit-reports/quota?year=26', 'year'],
        ['/v1/permit-reports/quota?year=2026&format=xlsx', 'format'],
        ['/v1/permit-reports/quota?year=2026&admin=XB', 'admin'],
      ] as const) {
        const res = await get(path, api.keys.analyst);
        expect(res.status, path).toBe(400);
        expect(await res.text(), path).toContain(field);
      }
    });

    it('refuses malformed or oversized loads whole, and answers a replayed load as loaded', async () => {
      const raw = (body: string) =>
        api.app.request('/v1/permits', {
          method: 'POST',
          headers: { authorization: `Bearer ${api.keys.analyst}`, 'content-type': 'application/json' },
          body,
        });
      expect((await raw('{"records": [')).status).toBe(400);
      const tooMany = await post('/v1/permits', api.keys.analyst, {
        records: Array.from({ length: 10_001 }, () => ({})),
      });
      expect(tooMany.status).toBe(400);
      expect(await tooMany.text()).toContain('records');
      expect((await post('/v1/permits', api.keys.analyst, { records: [licence], admin: 'XB' })).status).toBe(
        400,
      );
      // One bad record refuses the good one beside it.
      const mixed = await post('/v1/permits', api.keys.analyst, {
        records: [
          { ...licence, number: 'LIC-R2' },
          { ...licence, number: 'LIC-R3', unit: 'tonnes' },
        ],
      });
      expect(mixed.status).toBe(400);
      expect(await mixed.text()).toContain('record 2/unit');
      expect((await get('/v1/permits/LIC-R2', api.keys.analyst)).status).toBe(404);

      // The first load sent again (its answer was lost): the same answer shape, nothing reset.
      const again = await post('/v1/permits', api.keys.analyst, { records: [licence, ...quotas] });
      expect(again.status).toBe(201);
      expect(await again.json()).toEqual({ documents: 0, quotas: 2, unchanged: 1 });
      expect(await (await get('/v1/permits/LIC-R1', api.keys.analyst)).json()).toMatchObject({
        balance: 600,
      });
      // Another administration's register is its own: the same number there changes nothing here.
      expect((await post('/v1/permits', xbAnalyst, { records: [{ ...licence, quantity: 5 }] })).status).toBe(
        201,
      );
      expect(await (await get('/v1/permits/LIC-R1', api.keys.analyst)).json()).toMatchObject({
        quantity: 1000,
      });
    });
  });
}

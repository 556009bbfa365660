import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeclaration } from '../../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { callAs, createFullTestApi, type FullTestApi, PARTNERS } from '../../../../test/support/full-api.ts';
import { makeSeizure } from '../../../core/sharing/test-fixtures.ts';
import { PERSONAL_DATA_READ } from '../../../driven/store/seizure-repository.ts';

/** A national record as an officer sends it: the key says the administration. */
function seizureBody(id: string, overrides: Record<string, unknown> = {}) {
  const { administration: _, declarationId: __, ...report } = makeSeizure({ id });
  return { ...report, ...overrides };
}

for (const dialect of DIALECTS) {
  describe(`/v1/seizures on ${dialect}`, () => {
    let api: FullTestApi;
    const call = (
      role: 'officer' | 'analyst' | 'auditor' | 'admin',
      path: string,
      body?: unknown,
      admin: 'XA' | 'XB' = 'XA',
    ) => callAs(api, role, path, body, admin);

    beforeAll(async () => {
      api = await createFullTestApi(dialect);
      await api.submit('XA', [testDeclaration('XA-D1')]);
      await api.submit('XB', [testDeclaration('XB-D1')]);
    });
    afterAll(() => api?.dispose());

    it('records a seizure from an own inspected declaration, and refuses another administration’s', async () => {
      const ok = await call('officer', '/v1/seizures', seizureBody('S-1', { declarationId: 'XA-D1' }));
      expect(ok.status).toBe(201);
      expect(await ok.json()).toMatchObject({
        id: 'S-1',
        report: { administration: 'XA', declarationId: 'XA-D1' },
      });
      const foreign = await call('officer', '/v1/seizures', seizureBody('S-2', { declarationId: 'XB-D1' }));
      expect(foreign.status).toBe(400);
      expect((await foreign.json()).error.details).toEqual([
        expect.objectContaining({ path: '/declarationId', code: 'unknown_declaration' }),
      ]);
      const again = await call('officer', '/v1/seizures', seizureBody('S-1'));
      expect(again.status).toBe(409);
      const claimed = await call('officer', '/v1/seizures', { ...seizureBody('S-3'), administration: 'XB' });
      expect(claimed.status).toBe(400);
      expect((await claimed.json()).error.details[0].path).toBe('/administration');
    });

    it('names the field of an invalid report by its pointer', async () => {
      const res = await call(
        'officer',
        '/v1/seizures',
        seizureBody('S-9', { category: 'gold', quantity: { value: 0, unit: 'kg' } }),
      );
      expect(res.status).toBe(400);
      const paths = (await res.json()).error.details.map((d: { path: string }) => d.path).sort();
      expect(paths).toEqual(['/category', '/quantity/value']);
    });

    it('shows the global form by default and logs each national read that names anyone', async () => {
      await call('officer', '/v1/seizures', seizureBody('S-4'));
      const global = await call('auditor', '/v1/seizures/S-4');
      const text = await global.text();
      expect(global.status).toBe(200);
      expect(text).not.toContain('Jan de Vries');
      expect(text).not.toContain('Fruit Import BV');
      const readsBefore = (await api.store.auditTrail('XA', { limit: 1000 })).filter(
        (e) => e.action === PERSONAL_DATA_READ,
      );
      const national = await call('auditor', '/v1/seizures/S-4?form=national');
      expect(await national.json()).toMatchObject({
        form: 'national',
        report: { persons: [{ name: 'Jan de Vries' }] },
      });
      const list = await call(
        'analyst',
        '/v1/seizures?form=national&category=drugs&from=2026-11-30&to=2026-11-30',
      );
      const items = (await list.json()).items as Array<{ report: { id: string } }>;
      expect(items.map((i) => i.report.id).sort()).toEqual(['S-1', 'S-4']);
      const reads = (await api.store.auditTrail('XA', { limit: 1000 })).filter(
        (e) => e.action === PERSONAL_DATA_READ,
      );
      expect(reads.length - readsBefore.length).toBe(3);
      expect(reads.find((r) => r.actor.startsWith('XA auditor'))).toMatchObject({
        subject: 'seizure/S-4',
        details: { via: 'GET /v1/seizures/{id}' },
      });
      // XB sees none of it.
      expect(
        (await (await call('auditor', '/v1/seizures?form=national', undefined, 'XB')).json()).items,
      ).toEqual([]);
    });

    it('shares the global form through the outbox, and the national form only under AMBER+STRICT or RED', async () => {
      await call('officer', '/v1/seizures', seizureBody('S-5'));
      const before = api.outbox.shares.length;
      const global = await call('analyst', '/v1/seizures/S-5/share', {
        to: [PARTNERS.XA[0]],
        handling: 'GREEN',
      });
      expect(global.status).toBe(201);
      const shared = api.outbox.shares.at(-1)!;
      expect(shared).toMatchObject({
        administration: 'XA',
        kind: 'seizure',
        handling: 'GREEN',
        to: [PARTNERS.XA[0]],
      });
      expect(shared.body).toMatchObject({ form: 'global' });
      expect(JSON.stringify(shared.body)).not.toContain('Jan de Vries');

      const tooOpen = await call('analyst', '/v1/seizures/S-5/share', {
        to: [PARTNERS.XA[0]],
        form: 'national',
        handling: 'AMBER',
      });
      expect(tooOpen.status).toBe(400);
      expect((await tooOpen.json()).error.details[0]).toMatchObject({
        path: '/handling',
        code: 'handling_forbids',
      });
      const notOurs = await call('analyst', '/v1/seizures/S-5/share', {
        to: [PARTNERS.XB[0]],
        handling: 'GREEN',
      });
      expect(notOurs.status).toBe(400);
      expect((await notOurs.json()).error.details[0]).toMatchObject({ path: '/to', code: 'unknown_partner' });
      expect(api.outbox.shares.length).toBe(before + 1);

      const national = await call('admin', '/v1/seizures/S-5/share', {
        to: [PARTNERS.XA[1]],
        form: 'national',
        handling: 'RED',
      });
      expect(national.status).toBe(201);
      expect(api.outbox.shares.at(-1)!.body).toMatchObject({
        form: 'national',
        report: { persons: [{ name: 'Jan de Vries' }] },
      });
      const audit = await api.store.auditTrail('XA', { subject: 'seizure/S-5' });
      expect(
        audit
          .filter((e) => e.action === 'seizure.share')
          .map((e) => e.details.form)
          .sort(),
      ).toEqual(['global', 'national']);
      expect(
        (await call('officer', '/v1/seizures/S-5/share', { to: [PARTNERS.XA[0]], handling: 'GREEN' })).status,
      ).toBe(403);
    });

    it("shows a partner's TLP:RED seizure to the analysts only, as a missing one to officers and auditors", async () => {
      for (const [id, handling] of [
        ['R-RED', 'RED'],
        ['R-STRICT', 'AMBER+STRICT'],
      ] as const)
        expect(
          await api.receive('XA', 'peer', {
            kind: 'seizure',
            handling,
            body: { form: 'national', report: makeSeizure({ id, administration: 'peer' }) },
          }),
        ).toEqual({ status: 'accepted' });
      const ids = async (role: 'officer' | 'auditor' | 'analyst' | 'admin') =>
        (await (await call(role, '/v1/seizures?source=received&form=national')).json()).items
          .map((s: { report: { id: string } }) => s.report.id)
          .sort();
      for (const role of ['officer', 'auditor'] as const) {
        expect(await ids(role)).toEqual(['R-STRICT']);
        expect((await call(role, '/v1/seizures/R-RED?source=peer&form=national')).status).toBe(404);
        expect((await call(role, '/v1/seizures?source=peer')).status).toBe(200);
      }
      for (const role of ['analyst', 'admin'] as const) {
        expect(await ids(role)).toEqual(['R-RED', 'R-STRICT']);
        expect((await call(role, '/v1/seizures/R-RED?source=peer&form=national')).status).toBe(200);
      }
      const reads = await api.store.auditTrail('XA', { subject: 'seizure/peer/R-RED' });
      expect(
        reads.filter((e) => e.action === PERSONAL_DATA_READ).every((e) => !e.actor.includes('officer')),
      ).toBe(true);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { sampleLicence } from '../../../test/support/permit-fixtures.ts';
import {
  A,
  B,
  closeStore,
  declaration,
  expectStoreError,
  item,
  openStore,
} from '../../../test/support/store-fixtures.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { environmentDir } from '../../installation/config.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { StoreError } from '../database/store-error.ts';
import { environmentReference } from '../reference/environment-reference.ts';
import type { DeclarationStore } from './declaration-store.ts';
import { LifecycleRepository } from './lifecycle-repository.ts';
import { PermitReports, reportCsv } from './permit-reports.ts';
import { PermitRepository, type RegisterInput } from './permit-repository.ts';

const reference = environmentReference(environmentDir({}));

const licence = sampleLicence;

const quota = { kind: 'quota', trader: 'TR-1', year: 2026, control: 'hfc', co2eqTonnes: 4000 };

function inputs(...values: unknown[]): RegisterInput[] {
  return values.map((value, i) => ({ record: i + 1, value }));
}

/** An import of `kg` of R-410A under licence `number`, declared by trader TR-1. */
function shipment(id: string, number: string, kg: number, patch: Partial<Declaration> = {}): Declaration {
  return declaration(id, {
    importer: { id: 'TR-1', name: 'Cool Gas BV' },
    dispatchCountry: 'CN',
    items: [
      {
        sequence: 1,
        hsCode: '382763',
        hsEdition: '2022',
        description: 'R-410A refrigerant in cylinders',
        originCountry: 'CN',
        netMass: kg,
        documents: [{ type: 'ODS-LICENCE', reference: number }],
      },
    ],
    ...patch,
  });
}

for (const dialect of DIALECTS) {
  describe(`PermitRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let permits: PermitRepository;
    let lifecycle: LifecycleRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      permits = new PermitRepository(conn);
      lifecycle = new LifecycleRepository(conn);
    });
    afterEach(() => closeStore(testDb, conn));

    const release = (id: string, on = lifecycle) =>
      on.recordEvent(A, id, { event: 'release', at: '2026-06-01T10:00:00Z' }, 'officer-1');
    const quotaRow = () =>
      conn.db
        .selectFrom('permit_quotas')
        .selectAll()
        .where('administration', '=', A)
        .executeTakeFirstOrThrow();

    it('loads documents and quotas, and shows a document with its balance; another administration sees nothing', async () => {
      expect(await permits.load(A, inputs(licence('LIC-1'), quota), reference, 'clerk')).toEqual({
        documents: 1,
        quotas: 1,
        unchanged: 0,
      });
      const shown = await permits.show(A, 'LIC-1');
      // R-410A: 50% HFC-32 (675) + 50% HFC-125 (3500) = GWP 2087.5, fixed on the licence.
      expect(shown).toMatchObject({
        number: 'LIC-1',
        subject: 'R-410A',
        balance: 1000,
        gwp: 2087.5,
        control: 'hfc',
      });
      expect(await permits.show(B, 'LIC-1')).toBeUndefined();
    });

    it('refuses a whole file for one bad record, naming the record and the field', async () => {
      const err = await permits
        .load(
          A,
          inputs(
            licence('LIC-1'),
            licence('LIC-2', { substance: 'HFC-999', validUntil: 'soon' }),
            licence('LIC-1'),
          ),
          reference,
          'clerk',
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      const paths = (err as StoreError).details?.map((d) => d.path);
      expect(paths).toEqual(['record 2/validUntil', 'record 3/number']);
      expect(await permits.show(A, 'LIC-1')).toBeUndefined();
      await permits.load(A, inputs(licence('LIC-1')), reference, 'clerk');
      // The same load again is a replay; the same number with other content refuses the whole load.
      expect(await permits.load(A, inputs(licence('LIC-1'), quota), reference, 'clerk')).toEqual({
        documents: 0,
        quotas: 1,
        unchanged: 1,
      });
      const changed = permits.load(
        A,
        inputs(licence('LIC-4'), licence('LIC-1', { quantity: 2000 })),
        reference,
        'clerk',
      );
      await expectStoreError(changed, 'INVALID_INPUT');
      expect(await permits.show(A, 'LIC-4')).toBeUndefined();
      expect((await permits.show(A, 'LIC-1'))?.quantity).toBe(1000);
      await expectStoreError(
        permits.load(A, inputs({ ...licence('LIC-3'), substance: 'HFC-999' }), reference, 'clerk'),
        'INVALID_INPUT',
      );
    });

    it('leaves nothing of a load that fails half-way: no document, quota or audit entry', async () => {
      const count = async (table: 'permits' | 'permit_quotas' | 'audit_log') =>
        Number(
          (
            await conn.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('administration', '=', A)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const audited = await count('audit_log');
      const file = inputs(quota, ...Array.from({ length: 600 }, (_, i) => licence(`LIC-C${i}`)));
      // The progress callback runs inside the load's transaction: a crash after 500 of 601 writes.
      const crash = (done: number) => {
        if (done === 500) throw new Error('injected: crash after 500 records');
      };
      await expect(permits.load(A, file, reference, 'clerk', crash)).rejects.toThrow('injected');
      expect([await count('permits'), await count('permit_quotas'), await count('audit_log')]).toEqual([
        0,
        0,
        audited,
      ]);
      expect(await permits.load(A, file, reference, 'clerk')).toMatchObject({ documents: 600, quotas: 1 });
    });

    it('takes a release from the balance and the quota, logs it, and gives it back on amendment and cancellation', async () => {
      await permits.load(A, inputs(licence('LIC-1'), quota), reference, 'clerk');
      await store.saveAssessments(A, [item(shipment('D1', 'LIC-1', 400))]);
      await release('D1');
      await release('D1'); // the same version released twice is consumed once
      expect((await permits.show(A, 'LIC-1'))?.balance).toBe(600);
      // 0.4 t x 2087.5 = 835 CO2-eq tonnes.
      expect(Number((await quotaRow()).used_co2eq_tonnes)).toBeCloseTo(835, 9);
      const logged = await conn.db
        .selectFrom('ledger_records')
        .select(['record_id', 'content'])
        .where('kind', '=', 'permit-consumption')
        .execute();
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!.content!)).toMatchObject({
        action: 'consume',
        permit: 'LIC-1',
        quantity: 400,
      });

      // An amendment gives the quantity back; releasing the new version takes the new quantity.
      await store.saveAssessments(A, [item(shipment('D1', 'LIC-1', 300))]);
      expect((await permits.show(A, 'LIC-1'))?.balance).toBe(1000);
      await release('D1');
      expect((await permits.show(A, 'LIC-1'))?.balance).toBe(700);
      await lifecycle.recordEvent(A, 'D1', { event: 'cancellation' }, 'officer-1');
      expect((await permits.show(A, 'LIC-1'))?.balance).toBe(1000);
      expect(Number((await quotaRow()).used_co2eq_tonnes)).toBeCloseTo(0, 9);
      const view = await permits.show(A, 'LIC-1');
      expect(view?.consumptions.map((c) => [c.version, c.quantity, c.returnReason])).toEqual([
        [1, 400, 'amendment'],
        [2, 300, 'cancellation'],
      ]);
    });

    it('reports quota used and left per trader and substance, imports per substance, CITES trade by species', async () => {
      const parrots = {
        kind: 'cites-permit',
        number: 'CITES-1',
        direction: 'import',
        trader: 'TR-1',
        issuingCountry: 'NL',
        species: 'psittacus  erithacus',
        appendix: 'I',
        purpose: 'T',
        source: 'C',
        quantity: 6,
        unit: 'pieces',
        validFrom: '2026-01-01T00:00:00Z',
        validUntil: '2026-12-31T00:00:00Z',
      };
      await permits.load(A, inputs(licence('LIC-1'), quota, parrots), reference, 'clerk');
      const birds = declaration('P1', {
        importer: { id: 'TR-1' },
        items: [
          {
            sequence: 1,
            hsCode: '010632',
            hsEdition: '2022',
            originCountry: 'CN',
            supplementaryQuantity: 4,
            documents: [{ type: 'C400', reference: 'CITES-1' }],
          },
        ],
      });
      await store.saveAssessments(A, [item(shipment('D1', 'LIC-1', 400)), item(birds)]);
      await release('D1');
      await release('P1');
      const reports = new PermitReports(conn);
      expect(await reports.run(A, 'quota', { year: 2026 })).toEqual([
        {
          year: 2026,
          trader: 'TR-1',
          control: 'hfc',
          substance: 'R-410A',
          tonnes: 0.4,
          odpTonnes: 0,
          co2eqTonnes: 835,
          quotaTonnesLeft: null,
          quotaOdpTonnesLeft: null,
          quotaCo2eqTonnesLeft: 3165,
        },
      ]);
      expect(await reports.run(A, 'imports', { year: 2026 })).toEqual([
        {
          year: 2026,
          substance: 'R-410A',
          control: 'hfc',
          metricTonnes: 0.4,
          odpTonnes: 0,
          co2eqTonnes: 835,
          releases: 1,
        },
      ]);
      const cites = await reports.run(A, 'cites', { year: 2026 });
      expect(cites).toEqual([
        {
          year: 2026,
          species: 'Psittacus erithacus',
          appendix: 'I',
          direction: 'import',
          partnerCountry: null,
          quantity: 4,
          unit: 'pieces',
          releases: 1,
        },
      ]);
      expect(reportCsv('cites', cites)).toBe(
        'year,species,appendix,direction,partnerCountry,quantity,unit,releases\r\n2026,Psittacus erithacus,I,import,,4,pieces,1\r\n',
      );
      expect(await reports.run(B, 'imports', { year: 2026 })).toEqual([]);
      expect(await reports.run(A, 'imports', { year: 2026, trader: 'TR-2' })).toEqual([]);
      // A trader with a quota and no release yet: one row, nothing used, all left.
      await permits.load(
        A,
        inputs({ ...quota, trader: 'TR-2', control: 'ods', odpTonnes: 1.5 }),
        reference,
        'clerk',
      );
      expect(await reports.run(A, 'quota', { year: 2026, trader: 'TR-2' })).toEqual([
        {
          year: 2026,
          trader: 'TR-2',
          control: 'ods',
          substance: null,
          tonnes: 0,
          odpTonnes: 0,
          co2eqTonnes: 0,
          quotaTonnesLeft: null,
          quotaOdpTonnesLeft: 1.5,
          quotaCo2eqTonnesLeft: 4000,
        },
      ]);
      expect((await reports.run(A, 'quota', { year: 2026 })).map((r) => r.trader)).toEqual(['TR-1', 'TR-2']);
      expect(reportCsv('imports', [])).toBe(
        'year,substance,control,metricTonnes,odpTonnes,co2eqTonnes,releases\r\n',
      );
    });

    it('refuses a release over the balance or the quota and writes nothing of it', async () => {
      await permits.load(A, inputs(licence('LIC-1'), { ...quota, co2eqTonnes: 1000 }), reference, 'clerk');
      await store.saveAssessments(A, [
        item(shipment('BIG', 'LIC-1', 1200)),
        item(shipment('Q1', 'LIC-1', 400)),
        item(shipment('Q2', 'LIC-1', 400)),
      ]);
      await expectStoreError(release('BIG'), 'CONFLICT');
      await release('Q1'); // 835 CO2-eq t of 1000
      const err = await release('Q2').catch((e: unknown) => e);
      expect((err as StoreError).message).toContain('hfc quota 2026 of TR-1 has no room');
      expect((await permits.show(A, 'LIC-1'))?.balance).toBe(600);
      expect((await store.getDeclaration(A, 'Q2')).status).toBe('assessed');
    });

    it('lets exactly 10 of 50 concurrent releases through a licence with room for 10', async () => {
      await permits.load(A, inputs(licence('LIC-50', { quantity: 1000 })), reference, 'clerk');
      const ids = Array.from({ length: 50 }, (_, i) => `R${i}`);
      await store.saveAssessments(
        A,
        ids.map((id) => item(shipment(id, 'LIC-50', 100))),
      );
      // PostgreSQL: five separate connections (pools) race; SQLite: one writer, 50 concurrent calls.
      const conns =
        dialect === 'postgres' ? Array.from({ length: 5 }, () => openDatabase(testDb.url)) : [conn];
      try {
        const results = await Promise.allSettled(
          ids.map((id, i) => release(id, new LifecycleRepository(conns[i % conns.length]!))),
        );
        const refused = results.filter((r) => r.status === 'rejected');
        expect(results.length - refused.length).toBe(10);
        for (const r of refused)
          expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
      } finally {
        for (const c of conns) if (c !== conn) await c.close();
      }
      expect((await permits.show(A, 'LIC-50'))?.balance).toBe(0);
      const consumed = await conn.db
        .selectFrom('permit_consumptions')
        .select('id')
        .where('permit_number', '=', 'LIC-50')
        .execute();
      expect(consumed).toHaveLength(10);
    });
  });
}

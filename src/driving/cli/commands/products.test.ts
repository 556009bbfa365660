import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { makeDeclaration } from '../../../../test/support/declaration-fixture.ts';
import { vaccineProduct } from '../../../../test/support/medical-fixtures.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { ProductRepository } from '../../../driven/store/product-repository.ts';

const cli = useCliHarness('greenlane-cli-products-');

const vaccine = (id: string, item: Record<string, unknown> = {}) =>
  makeDeclaration(
    {
      id,
      arrivalAt: '2026-03-05T10:00:00Z',
      importer: { id: 'BE0123456789', name: 'Medica Import NV', country: 'BE', trustedTrader: true },
    },
    [
      {
        hsCode: '300241',
        gs1: '(01)09506000134352(17)270630(10)L1(21)S1',
        manufacturer: 'Vaxora Biologics',
        supplementaryQuantity: 100,
        invoiceValue: 500,
        ...item,
      },
    ],
  );

for (const dialect of DIALECTS) {
  describe(`greenlane products load and the product checks (${dialect})`, () => {
    useCliDatabase(cli, dialect);

    it('loads a file all or nothing, naming record and field, and the pipeline checks against it', async () => {
      const bad = join(cli.work, 'bad.ndjson');
      writeFileSync(
        bad,
        `${JSON.stringify(vaccineProduct())}\n${JSON.stringify(vaccineProduct({ gtin: '09506000134353' }))}\n`,
      );
      expect(await cli.run('products', 'load', bad, '--db', cli.db, '--administration', 'NL')).toBe(2);
      expect(cli.stderr).toContain('record 2/gtin');
      expect(cli.stderr).toContain('check digit');

      const good = join(cli.work, 'products.json');
      writeFileSync(good, JSON.stringify([vaccineProduct()]));
      cli.stdout = '';
      expect(await cli.run('products', 'load', good, '--db', cli.db, '--administration', 'NL')).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({ products: 1, lots: 2, serials: 3 });

      const conn = openDatabase(cli.db);
      try {
        const repo = new ProductRepository(conn);
        expect(await repo.list('NL')).toMatchObject([{ gtin: '09506000134352', lots: 2, serials: 3 }]);
        expect(await repo.list('OTHER')).toEqual([]);
        expect(
          (await repo.get('NL', '09506000134352'))?.product.lots.map((l) => [l.lot, l.recalled]),
        ).toEqual([
          ['L1', false],
          ['L2', true],
        ]);
        expect(await repo.get('OTHER', '09506000134352')).toBeUndefined();
      } finally {
        await conn.close();
      }

      const decls = join(cli.work, 'decls.ndjson');
      writeFileSync(
        decls,
        `${JSON.stringify(vaccine('D-1'))}\n${JSON.stringify(vaccine('D-2', { lot: 'L2', gs1: undefined, gtin: '09506000134352', serial: 'S2' }))}\n`,
      );
      cli.stdout = '';
      expect(await cli.run('assess', decls, '--db', cli.db, '--administration', 'NL', '--no-screening')).toBe(
        0,
      );
      const [first, second] = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(first.reasons.map((r: { code: string }) => r.code)).toContain('MEDICAL_FAST_LANE');
      expect(second.channel).toBe('red');
      expect(second.reasons).toContainEqual(
        expect.objectContaining({ source: 'product', code: 'MEDICAL_LOT_RECALLED' }),
      );

      // The same serial in a later declaration is a clone; another administration's registry is not consulted.
      const again = join(cli.work, 'again.ndjson');
      writeFileSync(again, `${JSON.stringify(vaccine('D-3'))}\n`);
      cli.stdout = '';
      expect(await cli.run('assess', again, '--db', cli.db, '--administration', 'NL', '--no-screening')).toBe(
        0,
      );
      const clone = JSON.parse(cli.stdout.trim());
      expect(clone.channel).toBe('red');
      expect(clone.reasons.map((r: { code: string }) => r.code)).toContain('MEDICAL_SERIAL_CLONED');
      cli.stdout = '';
      expect(await cli.run('assess', again, '--db', cli.db, '--administration', 'BE', '--no-screening')).toBe(
        0,
      );
      expect(
        JSON.parse(cli.stdout.trim()).reasons.filter((r: { source: string }) => r.source === 'product'),
      ).toEqual([]);
    });
  });
}

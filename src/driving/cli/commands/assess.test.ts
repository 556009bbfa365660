import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { DeclarationStore } from '../../../driven/store/declaration-store.ts';

const cli = useCliHarness('greenlane-assess-');
beforeEach(() => {
  process.env.GREENLANE_HOME = join(cli.work, 'home');
});

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('greenlane assess on malformed input', () => {
  for (const dialect of DIALECTS) {
    describe(dialect, () => {
      useCliDatabase(cli, dialect);
      it('writes one line per CSV row even after a stray quote, and stores the good rows', async () => {
        const header =
          'declaration_id,type,customs_office,lodged_at,currency,importer_id,importer_name,item_sequence,hs_code,origin_country,net_mass,invoice_value';
        const row = (id: string, name: string) =>
          `${id},import,NLRTM001,2026-11-28T09:00:00Z,EUR,NL-IMP-1,${name},1,847130,DE,12,4000`;
        const file = join(cli.work, 'five.csv');
        writeFileSync(
          file,
          [
            header,
            row('S1', 'Acme'),
            row('S2', '"Acme'),
            row('S3', 'Acme'),
            row('S4', '"Acme, B.V."'),
            row('S5', 'Acme'),
          ]
            .map((l) => `${l}\n`)
            .join(''),
        );
        const db = cli.db;
        expect(await cli.run('assess', file, '--no-screening', '--db', db)).toBe(0);
        const out = lines(cli.stdout);
        expect(out.map((l) => (l.rejected ? `rejected ${l.record}` : l.declarationId))).toEqual([
          'S1',
          'rejected 2',
          'S3',
          'S4',
          'S5',
        ]);
        expect(cli.stderr).toMatch(/assessed 5 record\(s\).* 4 decided .* 1 rejected/);
        const conn = openDatabase(db);
        try {
          const store = new DeclarationStore(conn);
          for (const id of ['S1', 'S3', 'S4', 'S5'])
            expect((await store.getDeclaration('local', id)).id).toBe(id);
          expect(
            (await store.listRejects('local')).items.map((r) => [r.recordNumber, r.declarationId]),
          ).toEqual([[2, 'S2']]);
        } finally {
          await conn.close();
        }
      });
    });
  }

  it('rejects an empty Item Price in the customs-declarations CSV like a missing field', async () => {
    const file = join(cli.work, 'kcs.csv');
    writeFileSync(
      file,
      [
        'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud',
        '97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0',
        '97061801,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,,0,0',
      ].join('\n'),
    );
    expect(await cli.run('assess', file, '--no-screening')).toBe(0);
    const [ok, empty] = lines(cli.stdout);
    expect(ok).toMatchObject({ declarationId: '97061800' });
    expect(empty).toMatchObject({
      rejected: true,
      record: 2,
      declarationId: '97061801',
      errors: [{ path: '/items/0/customsValue', code: 'required' }],
    });
  });
});

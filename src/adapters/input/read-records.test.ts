import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InputFormat, InputRecord } from './input-record.ts';
import { readRecords } from './read-records.ts';

async function collect(text: string | string[], format: InputFormat): Promise<InputRecord[]> {
  const chunks = Array.isArray(text) ? text.map((t) => Buffer.from(t)) : [Buffer.from(text)];
  const out: InputRecord[] = [];
  for await (const r of readRecords(Readable.from(chunks), format)) out.push(r);
  return out;
}

describe('JSON input', () => {
  it('reads a single object as record 1', async () => {
    const recs = await collect('{"id":"A"}', 'json');
    expect(recs).toEqual([{ record: 1, value: { id: 'A' }, raw: '{"id":"A"}' }]);
  });

  it('streams array elements split across chunks, strings with brackets included', async () => {
    const doc = '[{"id":"A","note":"a ] , { tricky \\" one"}, {"id":"B","items":[1,2]} ,{"id":"C"}]';
    const chunked = doc.match(/.{1,7}/gs)!;
    const recs = await collect(chunked, 'json');
    expect(recs.map((r) => (r.value as { id: string }).id)).toEqual(['A', 'B', 'C']);
    expect(recs.map((r) => r.record)).toEqual([1, 2, 3]);
  });

  it('rejects a malformed element alone and keeps the others', async () => {
    const recs = await collect('[{"id":"A"}, {"id": tru}, {"id":"C"}]', 'json');
    expect(recs).toHaveLength(3);
    expect(recs[1]!.errors?.[0]?.code).toBe('malformed_syntax');
    expect((recs[2]!.value as { id: string }).id).toBe('C');
  });

  it('reports a truncated array as a malformed last record', async () => {
    const recs = await collect('[{"id":"A"}, {"id":"B"', 'json');
    expect(recs).toHaveLength(2);
    expect(recs[1]!.record).toBe(2);
    expect(recs[1]!.errors?.[0]?.message).toMatch(/truncated/);
  });

  it('reports a UTF-8 character split between chunks intact', async () => {
    const bytes = Buffer.from('[{"name":"Société Générale"}]');
    const cut = bytes.indexOf(0xc3) + 1; // split inside the two-byte é
    const out: InputRecord[] = [];
    for await (const r of readRecords(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), 'json'))
      out.push(r);
    expect((out[0]!.value as { name: string }).name).toBe('Société Générale');
  });
});

describe('NDJSON input', () => {
  it('numbers non-blank lines and rejects bad lines without stopping', async () => {
    const recs = await collect('{"id":"A"}\r\n\n{oops\n{"id":"C"}', 'ndjson');
    expect(recs.map((r) => r.record)).toEqual([1, 2, 3]);
    expect(recs[1]!.errors?.[0]?.code).toBe('malformed_syntax');
    expect((recs[2]!.value as { id: string }).id).toBe('C');
  });
});

describe('Greenlane CSV input', () => {
  const header =
    'declaration_id,type,customs_office,lodged_at,currency,importer_id,importer_name,route,item_sequence,hs_code,origin_country,net_mass,invoice_value,documents';

  it('groups consecutive goods-item rows into one declaration', async () => {
    const csv = [
      header,
      'D1,import,NLRTM001,2026-01-05T10:00:00Z,EUR,NL123,"Acme, B.V.",CNSHA|NLRTM,1,300241,IN,10.5,1000,CITES:ABC123:2026-12-31',
      'D1,import,NLRTM001,2026-01-05T10:00:00Z,EUR,NL123,"Acme, B.V.",CNSHA|NLRTM,2,2903.45,CN,-1,50,',
      'D2,import,NLRTM001,2026-01-06,EUR,,,,,300241,IN,abc,,',
    ].join('\n');
    const recs = await collect(csv, 'csv');
    expect(recs.map((r) => r.record)).toEqual([1, 3]);
    const d1 = recs[0]!.value as Record<string, any>;
    expect(d1.importer).toEqual({ id: 'NL123', name: 'Acme, B.V.' });
    expect(d1.route).toEqual(['CNSHA', 'NLRTM']);
    expect(d1.items).toHaveLength(2);
    expect(d1.items[0].documents).toEqual([{ type: 'CITES', reference: 'ABC123', validUntil: '2026-12-31' }]);
    expect(d1.items[1]).toMatchObject({ sequence: 2, hsCode: '290345', netMass: -1 });
    const d2 = recs[1]!.value as Record<string, any>;
    expect(d2.items[0].netMass).toBe('abc');
  });

  it('rejects a row with the wrong number of fields or a stray quote, and reads on', async () => {
    const csv = [
      header,
      'D1,import',
      'D2,import,X,2026-01-01,EUR,,,,1,300241,IN,1,1,x"y',
      `D3,import,X,2026-01-01,EUR,,,,1,300241,IN,1,1,`,
    ].join('\n');
    const recs = await collect(csv, 'csv');
    expect(recs.map((r) => [r.record, r.errors?.[0]?.code ?? 'ok'])).toEqual([
      [1, 'malformed_syntax'],
      [2, 'malformed_syntax'],
      [3, 'ok'],
    ]);
  });

  it('stops on an unknown header column with a clear message', async () => {
    await expect(collect('declaration_id,hs_kode\nD1,1', 'csv')).rejects.toThrow(
      /unknown CSV column\(s\): hs_kode/,
    );
  });
});

describe('customs-csv input', () => {
  const header =
    'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';

  it('maps the columns and keeps the labels as recorded outcomes', async () => {
    const csv = `${header}\n97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,1,2\n`;
    const [rec] = await collect(csv, 'customs-csv');
    expect(rec!.outcome).toEqual({ result: 'discrepancy', fraud: true, critical: true });
    expect(rec!.value).toMatchObject({
      id: '97061800',
      type: 'import',
      customsOffice: '30',
      lodgedAt: '2020-01-01',
      currency: 'KRW',
      transport: { mode: 'sea' },
      dispatchCountry: 'BE',
      declarant: { id: 'ZZR1LT6' },
      exporter: { id: '0VKY2BR' },
      items: [
        {
          hsCode: '440890',
          hsEdition: '2017',
          originCountry: 'BE',
          netMass: 108,
          customsValue: 372254.4,
          taxType: 'FEU1',
          preference: 'FEU1',
        },
      ],
    });
    expect((rec!.value as Record<string, unknown>).carrier).toBeUndefined();
  });

  it('refuses a file that is not the customs data set', async () => {
    await expect(collect('a,b\n1,2', 'customs-csv')).rejects.toThrow(/missing column/);
  });
});

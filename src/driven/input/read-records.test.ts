import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InputFormat, type InputRecord, MAX_RECORD_CHARS } from './input-record.ts';
import { readRecords } from './read-records.ts';
import { Utf8Decoder } from './text-chunks.ts';

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

  it('keeps a stray closing bracket inside its element: the elements after it are still read', async () => {
    const recs = await collect('[{"id":"A"}}, {"id":"B"}, {"id":"C"}]', 'json');
    expect(recs.map((r) => [r.record, r.errors?.[0]?.code ?? (r.value as { id: string }).id])).toEqual([
      [1, 'malformed_syntax'],
      [2, 'B'],
      [3, 'C'],
    ]);
  });

  it('rejects an element over the record limit on its own, holding only the limit in memory', async () => {
    const huge = `{"id":"BIG","note":"${'x'.repeat(MAX_RECORD_CHARS)}"}`;
    const recs = await collect(['[{"id":"A"},', ...huge.match(/.{1,65536}/gs)!, ',{"id":"C"}]'], 'json');
    expect(recs.map((r) => r.errors?.[0]?.code ?? (r.value as { id: string }).id)).toEqual([
      'A',
      'too_large',
      'C',
    ]);
    expect(recs[1]!.errors![0]!.message).toBe(
      `the element: ${huge.length} characters, more than the 1048576 a record may have`,
    );
    expect(recs[1]!.raw!.length).toBe(MAX_RECORD_CHARS);
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

describe('invalid UTF-8', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

  it('keeps each invalid byte as the lone surrogate U+DC00 + byte, never as U+FFFD', async () => {
    const input = bytes('{"id":"A"}\n{"id":"B', [0xff, 0xc3], '"}\n{"id":"C\uFFFD"}\n');
    const out: InputRecord[] = [];
    for await (const r of readRecords(Readable.from([input]), 'ndjson')) out.push(r);
    expect(out.map((r) => (r.value as { id: string }).id)).toEqual(['A', 'B\udcff\udcc3', 'C\uFFFD']);
  });

  it('decodes any bytes, split anywhere, so that the escapes give back exactly the input', () => {
    const reencode = (text: string) =>
      Buffer.concat(
        [...text].map((ch) => {
          const c = ch.charCodeAt(0);
          return ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? Buffer.from([c - 0xdc00]) : Buffer.from(ch);
        }),
      );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.string({ unit: 'grapheme' }).map((t) => new Uint8Array(Buffer.from(t))),
        ),
        fc.array(fc.nat(), { maxLength: 4 }),
        (raw, cuts) => {
          const input = Buffer.from(raw);
          const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
          const decoder = new Utf8Decoder();
          let text = '';
          let from = 0;
          for (const p of [...points, input.length]) {
            text += decoder.write(input.subarray(from, p));
            from = p;
          }
          text += decoder.end();
          expect(reencode(text).equals(input)).toBe(true);
          if (isUtf8(input)) expect(text).toBe(input.toString('utf8'));
        },
      ),
      { seed: 8, numRuns: 2000 },
    );
  });
});

describe('NDJSON input', () => {
  it('numbers non-blank lines and rejects bad lines without stopping', async () => {
    const recs = await collect('{"id":"A"}\r\n\n{oops\n{"id":"C"}', 'ndjson');
    expect(recs.map((r) => r.record)).toEqual([1, 2, 3]);
    expect(recs[1]!.errors?.[0]?.code).toBe('malformed_syntax');
    expect((recs[2]!.value as { id: string }).id).toBe('C');
  });

  it('rejects a line over the record limit without holding it, and reads on', async () => {
    const long = `{"id":"BIG","note":"${'x'.repeat(MAX_RECORD_CHARS)}"}`;
    const recs = await collect(['{"id":"A"}\n', ...long.match(/.{1,65536}/gs)!, '\n{"id":"C"}'], 'ndjson');
    expect(recs.map((r) => [r.record, r.errors?.[0]?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'too_large'],
      [3, 'ok'],
    ]);
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

  it('reads every row after a stray quote: a quote is never closed on a later line', async () => {
    const row = (id: string, name: string) => `${id},import,X,2026-01-01,EUR,NL1,${name},,1,300241,IN,1,1,`;
    const csv = [
      header,
      row('D1', 'Acme'),
      row('D2', '"Acme'),
      row('D3', 'Acme'),
      row('D4', '"Acme, B.V."'),
      row('D5', 'Acme'),
    ].join('\n');
    const recs = await collect(csv, 'csv');
    expect(recs.map((r) => [r.record, r.errors?.[0]?.code ?? (r.value as { id: string }).id])).toEqual([
      [1, 'D1'],
      [2, 'malformed_syntax'],
      [3, 'D3'],
      [4, 'D4'],
      [5, 'D5'],
    ]);
    expect(recs[1]!.declarationId).toBe('D2');
    expect(recs[1]!.errors![0]!.message).toMatch(
      /row 2: field 7 opens a quote that is not closed on its line/,
    );
  });

  it('rejects the whole declaration when one of its rows is malformed, not a part of it', async () => {
    const row = (id: string, seq: number, tail = '') =>
      `${id},import,X,2026-01-01,EUR,,,,${seq},300241,IN,1,1,${tail}`;
    const csv = [header, row('D1', 1), row('D1', 2, 'x"y'), row('D1', 3), row('D2', 1)].join('\r\n');
    const recs = await collect(csv, 'csv');
    expect(recs.map((r) => [r.record, r.declarationId, r.errors?.map((e) => e.message)])).toEqual([
      [1, 'D1', ['row 2: field 14 has a quote inside an unquoted value']],
      [4, undefined, undefined],
    ]);
    expect(recs[0]!.value).toBeUndefined();
    expect(recs[0]!.raw!.split('\n')).toHaveLength(3);
  });

  it('rejects a row holding invalid UTF-8, naming its column', async () => {
    const csv = Buffer.concat([
      Buffer.from(`${header}\nD1,import,X,2026-01-01,EUR,,Acme `),
      Buffer.from([0xe9]),
      Buffer.from(',,1,300241,IN,1,1,\nD2,import,X,2026-01-01,EUR,,,,1,300241,IN,1,1,\n'),
    ]);
    const out: InputRecord[] = [];
    for await (const r of readRecords(Readable.from([csv]), 'csv')) out.push(r);
    expect(out.map((r) => [r.record, r.errors?.[0]?.code ?? 'ok'])).toEqual([
      [1, 'invalid_text'],
      [2, 'ok'],
    ]);
    expect(out[0]!.errors![0]!.message).toMatch(/row 1, column importer_name: invalid UTF-8 \(byte 0xe9/);
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

  it('reports an empty Item Price as the missing customs value, with the rest of the record', async () => {
    const csv = `${header}\n97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,108.0,,0,0\n`;
    const [rec] = await collect(csv, 'customs-csv');
    expect(rec!.errors).toEqual([
      {
        path: '/items/0/customsValue',
        code: 'required',
        message: '/items/0/customsValue (column Item Price) is required but empty',
      },
    ]);
    expect(rec!.value).toMatchObject({ id: '97061800' });
  });

  it('refuses a file that is not the customs data set', async () => {
    await expect(collect('a,b\n1,2', 'customs-csv')).rejects.toThrow(/missing column/);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { numericField, parseDecimal } from './decimal-number.ts';
import type { InputFormat } from './input-record.ts';
import { readRecords } from './read-records.ts';

describe('parseDecimal', () => {
  it.each<[string, number | undefined]>([
    ['12', 12],
    [' 12 ', 12],
    ['\t12\n', 12],
    ['+7', 7],
    ['-3.25', -3.25],
    ['-0', -0],
    ['0.0', 0],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['1e+2', 100],
    ['1e999', undefined],
    ['0x10', undefined],
    ['0X1f', undefined],
    ['0b101', undefined],
    ['0o17', undefined],
    ['Infinity', undefined],
    ['-Infinity', undefined],
    ['NaN', undefined],
    ['', undefined],
    ['   ', undefined],
    ['1,5', undefined],
    ['1,000', undefined],
    ['1 000', undefined],
    ['1_000', undefined],
    ['12abc', undefined],
    ['e3', undefined],
    ['1e', undefined],
    ['.', undefined],
    ['--1', undefined],
    ['+-1', undefined],
  ])('%j -> %s', (text, expected) => {
    const got = parseDecimal(text);
    // Object.is: -0 must stay -0, as Number() reads it.
    expect(Object.is(got, expected)).toBe(true);
  });

  it('keeps a field that is not a number as its text, and an empty field as absent', () => {
    expect(numericField(undefined)).toBeUndefined();
    expect(numericField('')).toBeUndefined();
    expect(numericField('0x10')).toBe('0x10');
    expect(numericField('   ')).toBe('   ');
    expect(numericField('1e3')).toBe(1000);
  });
});

async function firstItem(csv: string, format: InputFormat): Promise<Record<string, unknown>> {
  for await (const r of readRecords(Readable.from([Buffer.from(csv)]), format)) {
    return (r.value as { items: Record<string, unknown>[] }).items[0]!;
  }
  throw new Error('no record');
}

describe('every CSV reader reads numbers alike', () => {
  const customsHeader =
    'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price';
  const greenlaneHeader =
    'declaration_id,type,customs_office,lodged_at,currency,importer_id,item_sequence,hs_code,origin_country,net_mass,invoice_value,duty_rate';

  it.each([
    ['0x10', '0x10'],
    ['1e3', 1000],
    [' 12 ', 12],
    ['1,5', '1,5'],
    ['Infinity', 'Infinity'],
  ])('net mass %j is read as %j by the Greenlane and the customs CSV readers', async (text, expected) => {
    const quoted = `"${text}"`;
    const greenlane = await firstItem(
      `${greenlaneHeader}\nD1,import,NLRTM001,2026-01-05,EUR,NL1,1,300241,IN,${quoted},10,0\n`,
      'csv',
    );
    const customs = await firstItem(
      `${customsHeader}\n97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,440890,BE,BE,0.0,FEU1,G,${quoted},10\n`,
      'customs-csv',
    );
    expect(greenlane.netMass).toEqual(expected);
    expect(customs.netMass).toEqual(expected);
  });
});

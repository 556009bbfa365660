import { describe, expect, it } from 'vitest';
import { CustomsRowsError, parseCustomsRows } from './customs-rows.ts';

const HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';

describe('parseCustomsRows', () => {
  it('reads records, labels and transport modes of the synthetic customs CSV', () => {
    const rows = parseCustomsRows(
      `${HEADER}\n97061800,2020-01-01,30,B,11,21,11,10,ZZR1LT6,QLRUBN9,0VKY2BR,,090121,BE,BE,0.0,FEU1,G,108.0,372254.4,1,2\n` +
        '85945189,2020-01-01,40,B,11,21,11,40,SWF9S4X,7JD1S2X,,,690722,CN,CN,8.0,A,Y,0.0,375751.2,0,0\n',
    );
    expect(rows.labelled).toBe(true);
    expect(Array.from(rows.outcomes)).toEqual([2, 0]);
    expect(rows.records[0]).toMatchObject({
      hs6: '090121',
      transportMode: 'sea',
      taxType: 'FEU1',
      itemPrice: 372254.4,
    });
    expect(rows.records[1]).toMatchObject({ transportMode: 'air', seller: '', netMass: 0 });
  });

  it('left-pads HS10 codes that lost their leading zero and reads unlabelled files', () => {
    const header = HEADER.replace('HS6 Code', 'HS10 Code').replace(',Fraud,Critical Fraud', '');
    const rows = parseCustomsRows(
      `${header}\n1,2020-01-01,30,B,11,21,11,10,D,I,S,,901210000,KR,KR,8,A,G,1,2\n`,
    );
    expect(rows.labelled).toBe(false);
    expect(rows.records[0]!.hs6).toBe('090121');
  });

  it('refuses other CSV files and bad labels', () => {
    expect(() => parseCustomsRows('a,b\n1,2\n')).toThrow(CustomsRowsError);
    expect(() =>
      parseCustomsRows(`${HEADER}\n1,2020-01-01,30,B,11,21,11,10,D,I,S,,090121,KR,KR,8,A,G,1,2,yes,0\n`),
    ).toThrow(/Fraud must be 0 or 1/);
  });
});

import { describe, expect, it } from 'vitest';
import { consignmentCsvRecords } from './consignment-csv.ts';
import { textChunks } from './text-chunks.ts';

async function read(csv: string) {
  const out = [];
  for await (const r of consignmentCsvRecords(textChunks([csv]))) out.push(r);
  return out;
}

const HEADER =
  'consignment_id,lodged_at,seller_name,seller_country,buyer_country,buyer_name,currency,gross_mass_kg,transport_mode,postal_item_id,item_description,item_hs6,item_quantity,item_value';

describe('consignment CSV', () => {
  it('reads consecutive rows of one consignment as its goods lines, numbers and all', async () => {
    const records = await read(
      `${HEADER}\n` +
        'C1,2026-11-02T10:00:00Z,Shenzhen A Co,CN,DE,Anna Muller,EUR,0.4,post,RR123456785DE,phone case,3926.90,2,6.5\n' +
        'C1,2026-11-02T10:00:00Z,Shenzhen A Co,CN,DE,Anna Muller,EUR,0.4,post,RR123456785DE,usb cable,,1,2\n' +
        'C2,2026-11-02T10:01:00Z,B Ltd,GB,FR,,GBP,1.2,express,,"lamp, brass",,,20\n',
    );
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      record: 1,
      value: {
        id: 'C1',
        seller: { name: 'Shenzhen A Co', country: 'CN' },
        buyer: { country: 'DE', name: 'Anna Muller' },
        grossMassKg: 0.4,
        transport: { mode: 'post', postalItemId: 'RR123456785DE' },
        items: [
          { description: 'phone case', hs6: '392690', quantity: 2, value: 6.5 },
          { description: 'usb cable', quantity: 1, value: 2 },
        ],
      },
    });
    expect(records[1]).toMatchObject({
      record: 3,
      value: { id: 'C2', items: [{ description: 'lamp, brass', value: 20 }] },
    });
  });

  it('keeps a number it cannot read as text, for the validator to name the field', async () => {
    const [r] = await read(`${HEADER}\nC1,2026-11-02,S,CN,DE,,EUR,"1,5",post,,mug,,1,3\n`);
    expect((r!.value as { grossMassKg: unknown }).grossMassKg).toBe('1,5');
  });

  it('rejects a malformed row with its consignment only, and refuses an unknown column', async () => {
    const records = await read(`${HEADER}\nC1,"broken\nC2,2026-11-02,S,CN,DE,,EUR,1,post,,mug,,1,3\n`);
    expect(records.map((r) => (r.errors ? 'rejected' : 'read'))).toEqual(['rejected', 'read']);
    await expect(read('consignment_id,colour\nC1,red\n')).rejects.toThrow(/unknown CSV column\(s\): colour/);
  });
});

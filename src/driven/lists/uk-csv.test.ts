import { describe, expect, it } from 'vitest';
import { ofacUids, parseUkCsv } from './uk-csv.ts';

// Made-up rows in the relational layout of the data directory; not real designations.
const files = {
  subjects: [
    'unique_id,subject_type,un_reference_number,ofsi_group_id,date_designated,last_updated',
    'IRQ9001,individual,IQi.901,1,29/06/2012,16/04/2026',
    'INU9001,entity,,2,29/06/2012,12/01/2022',
  ].join('\n'),
  names: [
    'unique_id,full_name,name_type,alias_strength',
    'IRQ9001,Test Person,primary,',
    'INU9001,Test Bank,primary,',
  ].join('\n'),
  identifiers: [
    'id,unique_id,ofsi_group_id,raw_value,identifier_type,additional_info',
    '1,INU9001,2,Iran Registration No. - 38705 USA OFAC UID Number - 25685SWIFT/BIC - TESTIRTH,business_registration_numbers,',
  ].join('\n'),
};

describe('UK Sanctions List (relational CSV)', () => {
  it('links an entry to the UN and OFAC entries it names', () => {
    const { entities } = parseUkCsv(files);
    expect(entities.find((e) => e.entityId === 'IRQ9001')!.sameAs).toEqual(['un:IQi.901']);
    expect(entities.find((e) => e.entityId === 'INU9001')!.sameAs).toEqual(['ofac:25685']);
  });

  it('reads OFAC UIDs from free text', () => {
    expect(ofacUids('USA OFAC UID Number - 25685SWIFT/BIC')).toEqual(['25685']);
    expect(ofacUids('OFAC UID: 123 and OFAC UID 456')).toEqual(['123', '456']);
    expect(ofacUids('Passport 123')).toEqual([]);
  });
});

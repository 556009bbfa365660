import { describe, expect, it } from 'vitest';
import { parseOfacCsv } from './ofac-csv.ts';

describe('OFAC legacy CSV', () => {
  it('continues remarks from sdn_comments.csv and reads weak aliases, DOB and IMO from remarks', () => {
    const sdn =
      '999,"DOE, John",individual,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 02 Mar 1970; a.k.a. \'JD\'; Passport A1 (Iran)"\n1000,"SEA WIND",vessel,IRAN,-0- ,-0- ,"Tanker",-0- ,-0- ,"Panama",-0- ,-0- \n\u001a';
    const comments =
      '999,"nationality Iran; alt. DOB 1971."\n1000,"Vessel Registration Identification IMO 9123456."\n';
    const resolve = (v: string | undefined) => ({ Iran: 'IR', Panama: 'PA' })[v ?? ''] as string | undefined;
    const [doe, ship] = parseOfacCsv({ sdn, comments }, resolve);
    expect(doe!.names).toEqual([
      { value: 'John DOE', quality: 'primary' },
      { value: 'JD', quality: 'weak' },
    ]);
    expect(doe!.birthDates).toEqual([{ year: 1970, month: 3, day: 2 }, { year: 1971 }]);
    expect(doe!.nationalities).toEqual(['IR']);
    expect(doe!.identifiers).toEqual([{ type: 'passport', value: 'A1', country: 'IR' }]);
    expect(ship).toMatchObject({
      type: 'vessel',
      countries: ['PA'],
      identifiers: [{ type: 'imo', value: '9123456' }],
    });
  });
});

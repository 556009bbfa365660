import { describe, expect, it } from 'vitest';
import { parseUkOfficialCsv } from './uk-official-csv.ts';

// Made-up rows in the published layout (columns as on gov.uk); not real designations.
const CSV = [
  'Report Date: 23-Sep-2026',
  'Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,Title,Name non-latin script,Non-latin script type,Non-latin script language,Regime Name,"Individual, Entity, Ship",Designation source,Sanctions Imposed,Address Country,Date Designated,D.O.B,Nationality(/ies),National Identifier number,Passport number,IMO number',
  '31/03/2026,TST0001,1,QDi.999,PETROV,Ivan,Ivanovich,,,,Primary Name,,,Иван Петров,Cyrillic,Russian,Russia,Individual,UK,Asset freeze,Russia,15/03/2022,(1) 01/02/1960 (2) dd/mm/1961,(1) Russia,4510 123456,P123,',
  '31/03/2026,TST0001,1,,PETROFF,Ivan,,,,,Alias,Low quality,,,,,Russia,Individual,UK,Asset freeze,,15/03/2022,,,,,',
  '01/04/2026,TST0002,2,,OCEAN STAR,,,,,,Primary Name,,,,,,Russia,Ship,UK,Specific prohibition,,20/05/2023,,,,,IMO 9123456',
].join('\n');

describe('UK Sanctions List CSV (official layout)', () => {
  it('groups rows by Unique ID with name qualities, dates of birth, nationality and IMO', () => {
    const resolve = (v: string | undefined) => (v === 'Russia' ? 'RU' : undefined);
    const { publishedOn, entities } = parseUkOfficialCsv(CSV, resolve);
    expect(publishedOn).toBe('2026-04-01');
    const [ivan, ship] = entities;
    expect(ivan).toMatchObject({
      entityId: 'TST0001',
      type: 'person',
      nationalities: ['RU'],
      listedOn: '2022-03-15',
    });
    expect(ivan!.names).toEqual([
      { value: 'Ivan Ivanovich PETROV', quality: 'primary' },
      { value: 'Иван Петров', quality: 'strong', originalScript: true },
      { value: 'Ivan PETROFF', quality: 'weak' },
    ]);
    expect(ivan!.birthDates).toEqual([{ year: 1960, month: 2, day: 1 }, { year: 1961 }]);
    expect(ivan!.identifiers).toEqual([
      { type: 'passport', value: 'P123' },
      { type: 'national-id', value: '4510 123456' },
    ]);
    // The UN reference number links the entry to the UN list's entry of the same person.
    expect(ivan!.sameAs).toEqual(['un:QDi.999']);
    expect(ship!.sameAs).toBeUndefined();
    expect(ship).toMatchObject({
      entityId: 'TST0002',
      type: 'vessel',
      identifiers: [{ type: 'imo', value: '9123456' }],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ISO4217_LIST_ONE, ISO4217_LIST_THREE } from '../../../test/support/reference-sources.ts';
import { iso4217CodesAll } from './iso4217-lists.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';

const list = (xml: string, where = 'list') => ({ data: Buffer.from(xml), where });

describe('iso4217CodesAll', () => {
  it('merges lists one and three into the codes-all.csv layout', () => {
    const { file, notes } = iso4217CodesAll(list(ISO4217_LIST_ONE), list(ISO4217_LIST_THREE));
    const lines = file.data.toString().trimEnd().split('\n');
    expect(lines[0]).toBe('Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,WithdrawalDate');
    expect(file.rows).toBe(9);
    expect(lines).toContain(
      'ZZ01_Bond Markets Unit European_EURCO,Bond Markets Unit European Composite Unit (EURCO),XBA,955,N.A.,',
    );
    expect(lines.at(-1)).toBe('NETHERLANDS,Netherlands Guilder,NLG,528,,2002-03');
    expect(notes).toContain('list: published 2026-01-01, 7 entries.');
    expect(notes.at(-1)).toContain('6 distinct current codes');
  });

  it('reads lists that declare a default XML namespace', () => {
    const namespaced = ISO4217_LIST_ONE.replace('<ISO_4217 ', '<ISO_4217 xmlns="urn:iso:std:iso:4217" ');
    expect(iso4217CodesAll(list(namespaced), list(ISO4217_LIST_THREE)).file.rows).toBe(9);
  });

  it('refuses a changed layout, malformed codes and a list without current codes', () => {
    const refused = (one: string) => {
      try {
        iso4217CodesAll(list(one, 'SIX list one (URL)'), list(ISO4217_LIST_THREE));
      } catch (err) {
        return err instanceof ReferenceFetchError ? `${err.code} ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(refused('<ISO_4217><Table/></ISO_4217>')).toMatch(
      /^BAD_FORMAT SIX list one \(URL\): no ISO_4217\/CcyTbl\/CcyNtry/,
    );
    expect(refused('<ISO_4217><CcyTbl><CcyNtry><Ccy>EURO</Ccy></CcyNtry></CcyTbl></ISO_4217>')).toContain(
      'is not an ISO 4217 code pair',
    );
    expect(
      refused('<ISO_4217><CcyTbl><CcyNtry><CtryNm>ANTARCTICA</CtryNm></CcyNtry></CcyTbl></ISO_4217>'),
    ).toContain('no current currency codes');
    expect(refused('<ISO_4217><CcyTbl><CcyNtry>')).toMatch(/^BAD_FORMAT/);
  });
});

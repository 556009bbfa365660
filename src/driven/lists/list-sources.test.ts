import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../../installation/config.ts';
import { loadCountryResolver } from './country-resolver.ts';
import { ListLoadError, loadList } from './list-sources.ts';

const dataDirectory = dataDir();
const resolveCountry = loadCountryResolver(dataDirectory);

describe('sanctions list loaders on the real files', () => {
  it('loads the UN consolidated list with names, aliases, dates of birth, documents', async () => {
    const v = await loadList('un', { dataDirectory, resolveCountry });
    expect(v.publishedOn).toBe('2026-02-27');
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v.entities.filter((e) => e.type === 'person')).toHaveLength(730);
    expect(v.entities.filter((e) => e.type === 'organization')).toHaveLength(273);
    const badege = v.entities.find((e) => e.entityId === 'CDi.001')!;
    expect(badege.names[0]).toEqual({ value: 'ERIC BADEGE', quality: 'primary' });
    expect(badege.birthDates).toEqual([{ year: 1971 }]);
    expect(badege.nationalities).toEqual(['CD']);
    expect(badege.programmes).toEqual(['DRC']);
    expect(badege.listedOn).toBe('2012-12-31');
    const withOriginal = v.entities.filter((e) => e.names.some((n) => n.originalScript));
    // 378 records carry NAME_ORIGINAL_SCRIPT; one repeats a Latin name already listed.
    expect(withOriginal.length).toBe(377);
    const qualities = new Set(v.entities.flatMap((e) => e.names.map((n) => n.quality)));
    expect(qualities).toEqual(new Set(['primary', 'strong', 'weak']));
    expect(v.entities.some((e) => e.identifiers.some((i) => i.type === 'passport'))).toBe(true);
  });

  it('loads OFAC SDN CSV with remarks (DOB, nationality, IMO, weak aliases) and the XML list', async () => {
    const v = await loadList('ofac', { dataDirectory, resolveCountry });
    const dumont = v.entities.find((e) => e.entityId === '7831')!;
    expect(dumont.type).toBe('person');
    expect(dumont.names[0]).toEqual({ value: 'Lionel DUMONT', quality: 'primary' });
    expect(dumont.birthDates[0]).toEqual({ year: 1971, month: 1, day: 21 });
    expect(dumont.names.find((n) => n.value === 'BILAL')?.quality).toBe('weak');
    const ebano = v.entities.find((e) => e.entityId === '4243')!;
    expect(ebano.type).toBe('vessel');
    expect(ebano.identifiers).toContainEqual({ type: 'imo', value: '7406784' });
    expect(ebano.names.map((n) => n.value)).toContain('SAND SWAN');
    expect(
      v.entities.filter((e) => e.identifiers.some((i) => i.type === 'imo')).length,
    ).toBeGreaterThanOrEqual(844);
    // The consolidated (non-SDN) XML: strong akas from akaList.
    const haniya = v.entities.find((e) => e.entityId === '9639')!;
    expect(haniya.names).toContainEqual({ value: 'Ismaeel HANIYYA', quality: 'strong' });
    expect(haniya.birthDates).toEqual([{ year: 1962 }]);
  });

  it('reads the OFAC three-file CSV set: strong aliases from alt.csv, addresses from add.csv', async () => {
    const v = await loadList('ofac', {
      dataDirectory,
      resolveCountry,
      from: join(dataDirectory, 'sanctions/ofac/2022-01-31'),
    });
    // 9,044 rows, 9,043 distinct entry numbers (one entry is listed twice).
    expect(v.entities).toHaveLength(9043);
    expect(v.publishedOn).toBe('2022-01-31');
    const bnc = v.entities.find((e) => e.entityId === '306')!;
    expect(bnc.names).toContainEqual({ value: 'NATIONAL BANK OF CUBA', quality: 'strong' });
    expect(bnc.names).toContainEqual({ value: 'BNC', quality: 'weak' });
    expect(bnc.countries).toContain('CH');
  });

  it('loads the UK list with IMO numbers, name qualities and dates of birth', async () => {
    const v = await loadList('uk', { dataDirectory, resolveCountry });
    expect(v.entities).toHaveLength(6046);
    expect(v.publishedOn).toBe('2026-04-29');
    const ship = v.entities.find((e) => e.entityId === 'DPR0075')!;
    expect(ship.identifiers).toContainEqual({ type: 'imo', value: '9562233' });
    const afg = v.entities.find((e) => e.entityId === 'AFG0006')!;
    expect(afg.birthDates).toContainEqual({ year: 1967, month: 1, day: 1 });
    expect(v.entities.filter((e) => e.type === 'vessel')).toHaveLength(632);
  });

  it('loads the derived EU names file with original-script aliases', async () => {
    const v = await loadList('eu', { dataDirectory, resolveCountry });
    expect(v.entities).toHaveLength(5316);
    expect(v.entities[0]!.entityId).toBe('row-1');
    expect(v.entities[0]!.names[0]!.value).toBe('Saddam Hussein Al-Tikriti');
    expect(
      v.entities.some((e) => e.names.some((n) => n.originalScript && /[\u0400-\u04ff]/.test(n.value))),
    ).toBe(true);
  });

  it('reads the UK list in the layout gov.uk publishes when given that file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uk-list-'));
    const file = join(dir, 'UK-Sanctions-List.csv');
    writeFileSync(
      file,
      'Report Date: 23-Sep-2026\nLast Updated,Unique ID,Name 6,Name 1,Name type,"Individual, Entity, Ship",IMO number\n01/04/2026,TST0002,OCEAN STAR,,Primary Name,Ship,IMO 9123456\n',
    );
    try {
      const v = await loadList('uk', { dataDirectory, resolveCountry, from: file });
      expect(v.publishedOn).toBe('2026-04-01');
      expect(v.entities[0]).toMatchObject({ entityId: 'TST0002', type: 'vessel' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing source with a typed error', async () => {
    await expect(
      loadList('un', { dataDirectory, resolveCountry, from: '/nonexistent/un.xml' }),
    ).rejects.toMatchObject({
      code: 'LIST_NOT_FOUND',
    });
    await expect(
      loadList('un', { dataDirectory, resolveCountry, from: '/nonexistent' }),
    ).rejects.toBeInstanceOf(ListLoadError);
  });
});

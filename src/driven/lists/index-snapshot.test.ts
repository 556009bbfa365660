import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScreeningIndex } from '../../core/screening/candidate-index.ts';
import { screenParty } from '../../core/screening/screen.ts';
import { dataDir, PACKAGE_ROOT, screeningIndexCache } from '../../installation/config.ts';
import { countryCodesPath } from './country-resolver.ts';
import { indexSnapshotKey } from './index-snapshot.ts';
import { loadScreeningIndex } from './load-index.ts';
import { nameTablePaths } from './rigour-tables.ts';
import { openScreeningPool } from './screening-pool.ts';

const shared = dataDir();
const work = mkdtempSync(join(tmpdir(), 'greenlane-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A data directory of links to the shared country table and rigour tables, plus `lists`. */
function dataDirectory(name: string, lists: Record<string, Record<string, string>>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'countries'), { recursive: true });
  mkdirSync(join(dir, 'sanctions', 'reference'), { recursive: true });
  symlinkSync(countryCodesPath(shared), countryCodesPath(dir));
  symlinkSync(
    join(shared, 'sanctions', 'reference', 'rigour'),
    join(dir, 'sanctions', 'reference', 'rigour'),
  );
  for (const [list, files] of Object.entries(lists)) {
    mkdirSync(join(dir, 'sanctions', list), { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      if (content.startsWith('@')) symlinkSync(content.slice(1), join(dir, 'sanctions', list, file));
      else writeFileSync(join(dir, 'sanctions', list, file), content);
    }
  }
  return dir;
}

/** A three-entry UK list in the relational layout the loader reads. */
function tinyUk(extraName = ''): Record<string, string> {
  return {
    'subjects.csv': [
      'unique_id,subject_type,un_reference_number,ofsi_group_id,date_designated,last_updated',
      'TST0001,individual,,1,01/02/2020,03/04/2025',
      'TST0002,entity,,2,01/02/2020,03/04/2025',
      'TST0003,ship,,3,01/02/2020,03/04/2025',
    ].join('\n'),
    'subject_names.csv': [
      'name_id,unique_id,name_type,alias_strength,full_name',
      '1,TST0001,primary,,Viktor Petrovich Ivanov',
      '2,TST0002,primary,,Northern Star Shipping LLC',
      '3,TST0003,primary,,SEA BREEZE',
      ...(extraName ? [`4,TST0001,alias,,${extraName}`] : []),
    ].join('\n'),
  };
}

const plain = (index: ScreeningIndex) => {
  const { tables: _, ...data } = index;
  return data;
};

describe('screening index snapshot', () => {
  it('loads the same index it saved: same postings, names and versions, same hits for listed, misspelt, Arabic and Han names', async () => {
    const unFile = readdirSync(join(shared, 'sanctions', 'un')).find((f) => f.endsWith('.xml'))!;
    const data = dataDirectory('un', { un: { [unFile]: `@${join(shared, 'sanctions', 'un', unFile)}` } });
    const cache = { directory: join(work, 'cache-un'), packageRoot: PACKAGE_ROOT };
    const warnings: string[] = [];
    const options = {
      dataDirectory: data,
      lists: ['un'] as const,
      cache,
      warn: (l: string) => warnings.push(l),
    };

    const built = await loadScreeningIndex(options);
    expect(built.timings.source).toBe('files');
    expect(built.snapshot).toBeDefined();
    expect(statSync(cache.directory).mode & 0o777).toBe(0o700);
    expect(statSync(built.snapshot!.file).mode & 0o777).toBe(0o600);

    const loaded = await loadScreeningIndex(options);
    expect(loaded.timings.source).toBe('snapshot');
    expect(loaded.snapshot).toEqual(built.snapshot);
    expect(warnings).toEqual([]);
    // Node's deep equality (Maps, typed arrays, prototypes) is many times faster than the matcher's.
    expect(loaded.index.postings.size).toBe(built.index.postings.size);
    expect(isDeepStrictEqual(loaded.index.postings, built.index.postings)).toBe(true);
    expect(isDeepStrictEqual(loaded.index.names, built.index.names)).toBe(true);
    expect(isDeepStrictEqual(plain(loaded.index), plain(built.index))).toBe(true);
    expect(isDeepStrictEqual(loaded.versions, built.versions)).toBe(true);
    // One serialisation: an entity of the index is the same object as in its list version.
    expect(loaded.index.entities[0]).toBe(loaded.versions[0]!.entities[0]);
    expect(loaded.index.entityIds.length).toBe(loaded.index.entities.length);

    const listed = built.index.names.find((n) => /^[A-Z ]{12,}$/.test(n.value) && n.quality === 'primary')!;
    const arabic = built.index.names.find((n) => /\p{Script=Arabic}/u.test(n.value))!;
    const han = built.index.names.find((n) => /\p{Script=Han}/u.test(n.value))!;
    const typo = `${listed.value.slice(0, 3)}${listed.value[4]}${listed.value[3]}${listed.value.slice(5)}`;
    for (const name of [listed.value, typo, arabic.value, han.value, 'Jane Unlisted Person']) {
      const fromFiles = screenParty({ name, type: 'any' }, built.index);
      expect(screenParty({ name, type: 'any' }, loaded.index)).toEqual(fromFiles);
      if (name !== 'Jane Unlisted Person') expect(fromFiles.length, name).toBeGreaterThan(0);
    }
  });

  it('rebuilds instead of trusting a truncated or corrupted file, with one line of warning', async () => {
    const data = dataDirectory('uk-corrupt', { uk: tinyUk() });
    const cache = { directory: join(work, 'cache-corrupt'), packageRoot: PACKAGE_ROOT };
    const warnings: string[] = [];
    const load = () =>
      loadScreeningIndex({ dataDirectory: data, lists: ['uk'], cache, warn: (l) => warnings.push(l) });
    const first = await load();
    expect((await load()).timings.source).toBe('snapshot');

    const file = first.snapshot!.file;
    const bytes = readFileSync(file);
    const at = bytes.length - 10;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    const afterCorruption = await load();
    expect(afterCorruption.timings.source).toBe('files');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be used \(.*checksum mismatch\)/);
    expect(isDeepStrictEqual(plain(afterCorruption.index), plain(first.index))).toBe(true);
    expect((await load()).timings.source).toBe('snapshot');

    truncateSync(file, statSync(file).size - 100);
    expect((await load()).timings.source).toBe('files');
    expect(warnings).toHaveLength(2);
    expect((await load()).timings.source).toBe('snapshot');

    // A file others may write is not read (and is replaced by an owner-only one).
    chmodSync(file, 0o666);
    expect((await load()).timings.source).toBe('files');
    expect(warnings[2]).toMatch(/writable by other users/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('gives screening worker threads the snapshot to read instead of building from the list versions', async () => {
    const data = dataDirectory('uk-pool', { uk: tinyUk() });
    const cache = { directory: join(work, 'cache-pool'), packageRoot: PACKAGE_ROOT };
    const saved = await loadScreeningIndex({ dataDirectory: data, lists: ['uk'], cache });
    // The versions handed along carry a name the snapshot lacks: a worker that built would find it.
    const other = dataDirectory('uk-pool-other', { uk: tinyUk('Zorro Quintana Unique') });
    const { index } = await loadScreeningIndex({ dataDirectory: other, lists: ['uk'] });
    const pool = openScreeningPool({ index, dataDirectory: data, snapshot: saved.snapshot! });
    try {
      const [listed, onlyInVersions] = await pool.screen([
        { name: 'Viktor Petrovich Ivanov', type: 'person' },
        { name: 'Zorro Quintana Unique', type: 'person' },
      ]);
      expect(listed).toEqual(screenParty({ name: 'Viktor Petrovich Ivanov', type: 'person' }, saved.index));
      expect(listed!.length).toBeGreaterThan(0);
      expect(onlyInVersions).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('a screening worker whose snapshot is gone asks the pool for the list versions and builds from them', async () => {
    const data = dataDirectory('uk-pool-gone', { uk: tinyUk('Zorro Quintana Unique') });
    const { index } = await loadScreeningIndex({ dataDirectory: data, lists: ['uk'] });
    const gone = { file: join(work, 'no-such-snapshot.v8'), key: 'gone' };
    const pool = openScreeningPool({ index, dataDirectory: data, snapshot: gone });
    try {
      const [hits] = await pool.screen([{ name: 'Zorro Quintana Unique', type: 'person' }]);
      expect(hits).toEqual(screenParty({ name: 'Zorro Quintana Unique', type: 'person' }, index));
      expect(hits!.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('keys on the content of every input and on the code, not on modification times; keeps the newest three', async () => {
    const data = dataDirectory('uk-key', { uk: tinyUk() });
    const key = () => indexSnapshotKey({ dataDirectory: data, lists: ['uk'], packageRoot: PACKAGE_ROOT });
    const base = key();
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const names = join(data, 'sanctions', 'uk', 'subject_names.csv');
    utimesSync(names, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(key()).toBe(base);

    writeFileSync(names, tinyUk('Viktor Ivanoff')['subject_names.csv']!);
    const changedList = key();
    expect(changedList).not.toBe(base);
    // An added file the loader would read is an input too.
    writeFileSync(join(data, 'sanctions', 'uk', 'subject_dobs.csv'), 'unique_id,year,month,day\n');
    expect(key()).not.toBe(changedList);

    // The rigour tables are inputs: the same tables from a copy key alike, an edited table does not.
    const rigour = join(data, 'sanctions', 'reference', 'rigour');
    const [stopwords] = nameTablePaths(data);
    const copied = key();
    const originals = readdirSync(rigour).map((f) => [f, readFileSync(join(rigour, f))] as const);
    rmSync(rigour);
    mkdirSync(rigour);
    for (const [f, content] of originals) writeFileSync(join(rigour, f), content);
    expect(key()).toBe(copied);
    writeFileSync(stopwords!, `${readFileSync(stopwords!, 'utf8')}\n# edited\n`);
    expect(key()).not.toBe(copied);

    // The subset of lists, and a list that is not there.
    expect(indexSnapshotKey({ dataDirectory: data, lists: ['uk', 'un'], packageRoot: PACKAGE_ROOT })).toBe(
      undefined,
    );

    // The code that builds the index, read from the package root; no sources, no key.
    const root = join(work, 'package');
    for (const dir of ['src/core/screening', 'src/driven/lists'])
      mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'src/core/screening/normalise.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src/driven/lists/un-xml.ts'), 'export const b = 1;\n');
    const codeKey = () => indexSnapshotKey({ dataDirectory: data, lists: ['uk'], packageRoot: root });
    const before = codeKey();
    writeFileSync(join(root, 'src/core/screening/normalise.ts'), 'export const a = 2;\n');
    expect(codeKey()).not.toBe(before);
    writeFileSync(join(root, 'src/core/screening/normalise.test.ts'), 'a test changes no index\n');
    const withTest = codeKey();
    rmSync(join(root, 'src/core/screening/normalise.test.ts'));
    expect(codeKey()).toBe(withTest);
    rmSync(join(root, 'src/driven/lists'), { recursive: true });
    expect(codeKey()).toBe(undefined);

    // Four different inputs, four snapshots written: the newest three are kept.
    const cache = { directory: join(work, 'cache-keep'), packageRoot: PACKAGE_ROOT };
    for (const extra of ['A Alias', 'B Alias', 'C Alias', 'D Alias']) {
      writeFileSync(names, tinyUk(extra)['subject_names.csv']!);
      await loadScreeningIndex({ dataDirectory: data, lists: ['uk'], cache });
    }
    expect(readdirSync(cache.directory).filter((f) => f.endsWith('.v8'))).toHaveLength(3);
  });

  it('is configured by GREENLANE_CACHE_DIR and turned off by GREENLANE_SCREENING_CACHE=off', () => {
    expect(screeningIndexCache({ GREENLANE_CACHE_DIR: join(work, 'x') })).toEqual({
      directory: join(work, 'x'),
      packageRoot: PACKAGE_ROOT,
    });
    expect(
      screeningIndexCache({ GREENLANE_CACHE_DIR: join(work, 'x'), GREENLANE_SCREENING_CACHE: 'off' }),
    ).toBe(undefined);
    expect(screeningIndexCache({})?.directory).toBe(
      join(PACKAGE_ROOT, 'node_modules', '.cache', 'greenlane'),
    );
  });
});

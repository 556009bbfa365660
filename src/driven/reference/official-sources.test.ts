import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURE_MINIMUM_ROWS,
  type FixtureServer,
  startFixtureServer,
  upstreamFiles,
  writeRegulatoryDir,
} from '../../../test/support/reference-sources.ts';
import { loadReferenceData } from './file-reference-data.ts';
import {
  type FetchOptions,
  type FetchProgress,
  fetchReferenceData,
  mirroredUrl,
  officialSources,
} from './official-sources.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';

let server: FixtureServer;
let work: string;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'greenlane-fetch-'));
  server.files.clear();
  server.requests.length = 0;
  for (const [path, body] of upstreamFiles()) server.files.set(path, body);
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const now = () => new Date('2026-11-28T20:00:00Z');

function options(extra: Partial<FetchOptions> = {}): FetchOptions {
  return {
    to: join(work, 'data'),
    baseUrl: server.baseUrl,
    minimumRows: FIXTURE_MINIMUM_ROWS,
    now,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<ReferenceFetchError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReferenceFetchError);
  return err as ReferenceFetchError;
}

const read = (...parts: string[]) => readFileSync(join(work, 'data', ...parts), 'utf8');

describe('official source catalogue', () => {
  it('names the UNECE release archive after the edition', () => {
    expect(officialSources('2024-2').unlocode.url).toBe(
      'https://service.unece.org/trade/locode/loc242csv.zip',
    );
    expect(() => officialSources('2024')).toThrow(/must look like 2025-1/);
  });

  it('maps every publisher onto one mirror base URL', () => {
    expect(mirroredUrl('https://www.six-group.com/a/list-one.xml', 'http://127.0.0.1:9/mirror/')).toBe(
      'http://127.0.0.1:9/mirror/www.six-group.com/a/list-one.xml',
    );
    expect(mirroredUrl('https://service.unece.org/x.zip', undefined)).toBe('https://service.unece.org/x.zip');
  });
});

describe('fetchReferenceData', () => {
  it('fetches every source into the layout the file loader reads', async () => {
    const events: FetchProgress[] = [];
    const report = await fetchReferenceData(
      options({ from: writeRegulatoryDir(join(work, 'old')), onProgress: (e) => events.push(e) }),
    );
    expect(report.datasets.map((d) => d.folder)).toEqual([
      'hs',
      'countries',
      'currencies',
      'un-locode',
      'hs-regulatory',
    ]);

    const ref = loadReferenceData(join(work, 'data'));
    expect([...ref.hs['2022'].subheadings.keys()].sort()).toEqual(['010121', '300241', '854911']);
    expect(ref.hs['2017'].subheadings.has('300220')).toBe(true);
    expect([...ref.countries.keys()].sort()).toEqual(['CH', 'KR', 'NL']);
    expect(ref.countries.get('KR')?.name).toBe('South Korea');
    expect([...ref.currencies].sort()).toEqual(['ALL', 'BOV', 'EUR', 'KRW', 'USD', 'XBA']);
    expect([...ref.locodes].sort()).toEqual(['ARUSH', 'CHZRH', 'IT940', 'KRPUS', 'NLRTM']);
    expect(ref.regulatory.get('300241')?.[0]?.concern).toBe('medical');

    // ISO 4217: leading zeros kept, historic rows carry their withdrawal date, commas quoted.
    const currencies = read('currencies', 'codes-all.csv');
    expect(currencies.split('\n')[0]).toBe(
      'Entity,Currency,AlphabeticCode,NumericCode,MinorUnit,WithdrawalDate',
    );
    expect(currencies).toContain('ALBANIA,Lek,ALL,008,2,\n');
    expect(currencies).toContain('ALBANIA,Old Lek,ALK,008,,1989-12\n');
    expect(currencies).toContain('"BONAIRE, SINT EUSTATIUS AND SABA",US Dollar,USD,840,2,\n');
    expect(currencies).toContain('BOLIVIA (PLURINATIONAL STATE OF),Mvdol,BOV,984,2,\n');
    expect(currencies).toContain('ANTARCTICA,No universal currency,,,,\n');

    // UN/LOCODE: Latin-1 decoded, Status/Function in the mirror's order, coordinates derived,
    // "=" rows in alias.csv, country headers and malformed codes left out.
    const codeList = read('un-locode', 'code-list.csv').split('\n');
    expect(codeList[0]).toBe(
      'Change,Country,Location,Name,NameWoDiacritics,Subdivision,Status,Function,Date,IATA,Coordinates,Latitude,Longitude,Remarks,Source',
    );
    expect(codeList[1]).toBe(
      ',CH,ZRH,Zürich,Zurich,ZH,AI,1234----,0701,,4723N 00832E,47.3833,8.5333,,UNECE 2025-1',
    );
    expect(codeList).toHaveLength(8);
    expect(read('un-locode', 'alias.csv')).toBe(
      'Country,Name,NameWoDiacritics\nCH,Zurich = Zürich,Zurich = Zurich\n',
    );
    expect(read('un-locode', 'subdivision-codes.csv')).toContain('CH,ZH,Zürich,Canton\n');

    // HS files are the upstream bytes.
    expect(read('hs', 'hs2017.csv')).toBe(
      upstreamFiles()
        .get(
          'raw.githubusercontent.com/datasets/harmonized-system/a72bef25b2749cd04a824b8b46b71c89e566b4bb/data/harmonized-system.csv',
        )!
        .toString(),
    );

    // A SOURCE.md per folder with the download URL and the sha256 of every written file.
    const locode = report.datasets.find((d) => d.dataset === 'locode')!;
    const sourceMd = read('un-locode', 'SOURCE.md');
    expect(sourceMd).toContain('2026-11-28T20:00:00.000Z');
    expect(sourceMd).toContain(`${server.baseUrl}/service.unece.org/trade/locode/loc251csv.zip`);
    expect(locode.files.length).toBeGreaterThan(0);
    for (const file of locode.files) expect(sourceMd).toContain(file.sha256);
    expect(sourceMd).toMatch(
      /1 rows without a valid country \+ location code were left out, e\.g\. CHB1\? Broken code/,
    );
    expect(read('hs-regulatory', 'SOURCE.md')).toContain('Assembled for tests.');

    expect(events.filter((e) => e.kind === 'download' && e.done)).toHaveLength(7);
    expect(readdirSync(join(work, 'data')).sort()).toEqual([
      'countries',
      'currencies',
      'hs',
      'hs-regulatory',
      'un-locode',
    ]);
  });

  it('fetches only the datasets asked for and leaves the others alone', async () => {
    const data = join(work, 'data');
    mkdirSync(join(data, 'hs'), { recursive: true });
    writeFileSync(join(data, 'hs', 'keep.txt'), 'mine');
    const report = await fetchReferenceData(options({ only: ['currencies'] }));
    expect(report.datasets.map((d) => d.dataset)).toEqual(['currencies']);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((p) => p.startsWith('www.six-group.com/'))).toBe(true);
    expect(read('hs', 'keep.txt')).toBe('mine');
    expect(existsSync(join(data, 'currencies', 'codes-all.csv'))).toBe(true);
  });

  it('replaces an existing folder as a whole', async () => {
    const data = join(work, 'data');
    mkdirSync(join(data, 'currencies'), { recursive: true });
    writeFileSync(join(data, 'currencies', 'stale.csv'), 'old');
    await fetchReferenceData(options({ only: ['currencies'] }));
    expect(readdirSync(join(data, 'currencies')).sort()).toEqual(['SOURCE.md', 'codes-all.csv']);
  });

  it('names the source and URL of a failed download and installs nothing', async () => {
    const data = join(work, 'data');
    mkdirSync(join(data, 'hs'), { recursive: true });
    writeFileSync(join(data, 'hs', 'hs2022.csv'), 'previous');
    server.files.delete(
      'www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists/list-three.xml',
    );
    const err = await failure(fetchReferenceData(options()));
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.message).toContain('ISO 4217 list three');
    expect(err.message).toContain(`${server.baseUrl}/www.six-group.com/`);
    expect(err.message).toContain('HTTP 404');
    // hs was staged before the failure but never installed; no staging directory is left.
    expect(readdirSync(data)).toEqual(['hs']);
    expect(read('hs', 'hs2022.csv')).toBe('previous');
  });

  it('reports an unreachable publisher as a download failure', async () => {
    const err = await failure(
      fetchReferenceData(options({ only: ['countries'], baseUrl: 'http://127.0.0.1:9' })),
    );
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toMatch(
      /^Country codes .*: GET http:\/\/127\.0\.0\.1:9\/raw\.githubusercontent\.com\//,
    );
  });

  it('refuses a truncated upstream file with the default row minimums', async () => {
    const { minimumRows: _ignored, ...rest } = options({ only: ['countries'] });
    const err = await failure(fetchReferenceData(rest));
    expect(err.code).toBe('TOO_FEW_ROWS');
    expect(err.message).toContain(
      'countries/country-codes.csv would have 3 data rows, fewer than the 240 expected',
    );
    expect(readdirSync(join(work, 'data'))).toEqual([]);
  });

  it('refuses a changed header, the wrong HS edition, a broken archive and a download above the limit', async () => {
    const countries = 'raw.githubusercontent.com/datasets/country-codes/main/data/country-codes.csv';
    server.files.set(countries, Buffer.from('alpha2,name\nNL,Netherlands\n'));
    let err = await failure(fetchReferenceData(options({ only: ['countries'] })));
    expect(err.code).toBe('BAD_FORMAT');
    expect(err.message).toContain('expected columns including "ISO3166-1-Alpha-2');

    const hs2022 = 'raw.githubusercontent.com/datasets/harmonized-system/main/data/harmonized-system.csv';
    server.files.set(
      hs2022,
      server.files.get(
        'raw.githubusercontent.com/datasets/harmonized-system/a72bef25b2749cd04a824b8b46b71c89e566b4bb/data/harmonized-system.csv',
      )!,
    );
    err = await failure(fetchReferenceData(options({ only: ['hs'] })));
    expect(err.code).toBe('BAD_FORMAT');
    expect(err.message).toContain('not the HS 2022 edition (subheading 300241, 854911 missing)');

    server.files.set('service.unece.org/trade/locode/loc251csv.zip', Buffer.from('<html>moved</html>'));
    err = await failure(fetchReferenceData(options({ only: ['locode'] })));
    expect(err.code).toBe('BAD_ARCHIVE');
    expect(err.message).toContain('loc251csv.zip): NOT_A_ZIP');

    err = await failure(fetchReferenceData(options({ only: ['currencies'], maxDownloadBytes: 100 })));
    expect(err.code).toBe('TOO_LARGE');

    server.files.set(
      'www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists/list-one.xml',
      Buffer.from('<ISO_4217><CcyTbl><CcyNtry><Ccy>usd</Ccy></CcyNtry></CcyTbl></ISO_4217>'),
    );
    err = await failure(fetchReferenceData(options({ only: ['currencies'] })));
    expect(err.code).toBe('BAD_FORMAT');
    expect(readdirSync(join(work, 'data'))).toEqual([]);
  });

  it('needs --from for hs-regulatory, which is not downloaded', async () => {
    const err = await failure(fetchReferenceData(options({ only: ['hs-regulatory'] })));
    expect(err.code).toBe('BAD_OPTION');
    const bad = join(work, 'bad');
    mkdirSync(join(bad, 'hs-regulatory'), { recursive: true });
    writeFileSync(
      join(bad, 'hs-regulatory', 'hs2022-regulatory-flags.csv'),
      'hs_code,concern\n300241,medical\n',
    );
    expect((await failure(fetchReferenceData(options({ only: ['hs-regulatory'], from: bad })))).code).toBe(
      'BAD_FORMAT',
    );
  });
});

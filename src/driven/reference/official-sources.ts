import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_FILES } from './file-reference-data.ts';
import { iso4217CodesAll } from './iso4217-lists.ts';
import { type ConvertedFile, csvRows, expectHeader } from './reference-csv.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';
import { convertUnlocodeRelease } from './unlocode-release.ts';

/**
 * Fetches the official / upstream reference-data sources named in the SOURCE.md files of the
 * shared data mirror and converts them into exactly the layout `file-reference-data.ts` reads
 * (same folders, file names and columns). Everything is downloaded into a staging directory,
 * validated (headers, edition markers, row counts), and only then renamed into place, one folder
 * at a time, so a failed fetch never leaves a half-written folder behind.
 */

/** Datasets the fetcher downloads from their publishers. */
export const FETCHABLE_DATASETS = ['hs', 'countries', 'currencies', 'locode'] as const;
export type FetchableDataset = (typeof FETCHABLE_DATASETS)[number];
/** `hs-regulatory` is assembled by Greenlane, so it is copied from an existing data directory. */
export const REFERENCE_DATASETS = [...FETCHABLE_DATASETS, 'hs-regulatory'] as const;
export type ReferenceDataset = (typeof REFERENCE_DATASETS)[number];

/** Folder of each dataset inside a data directory. */
export const DATASET_FOLDERS: Record<ReferenceDataset, string> = {
  hs: 'hs',
  countries: 'countries',
  currencies: 'currencies',
  locode: 'un-locode',
  'hs-regulatory': 'hs-regulatory',
};

export type SourceId =
  | 'hs2022'
  | 'hs2017'
  | 'hsSections'
  | 'countries'
  | 'iso4217Current'
  | 'iso4217Historic'
  | 'unlocode';

/** One file published upstream. */
export interface OfficialSource {
  id: SourceId;
  dataset: FetchableDataset;
  /** Human name used in messages and SOURCE.md. */
  title: string;
  url: string;
  licence: string;
}

/** The UN/LOCODE release fetched by default (UNECE publishes two a year, `YYYY-1` and `YYYY-2`). */
export const DEFAULT_LOCODE_EDITION = '2025-1';

const HS_REPO = 'https://raw.githubusercontent.com/datasets/harmonized-system';
/** Last commit of datasets/harmonized-system holding the HS 2017 edition ("Complete 2017 edition"). */
const HS2017_COMMIT = 'a72bef25b2749cd04a824b8b46b71c89e566b4bb';
const SIX_LISTS =
  'https://www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists';
const PDDL = 'ODC-PDDL-1.0 (datasets maintainers); codes are facts';

/**
 * The upstream of each dataset. HS texts are the UN Comtrade (UNSD) short descriptions as
 * republished by the `datasets/harmonized-system` Frictionless package; ISO 4217 comes straight
 * from SIX, the ISO 4217 maintenance agency (Tables A.1 and A.3); UN/LOCODE from UNECE.
 *
 * @example officialSources('2024-2').unlocode.url // 'https://service.unece.org/trade/locode/loc242csv.zip'
 */
export function officialSources(
  locodeEdition: string = DEFAULT_LOCODE_EDITION,
): Record<SourceId, OfficialSource> {
  const edition = /^(\d{4})-([12])$/.exec(locodeEdition);
  if (!edition) {
    throw new ReferenceFetchError(
      'BAD_OPTION',
      `UN/LOCODE edition "${locodeEdition}" must look like 2025-1 (year, then release 1 or 2)`,
    );
  }
  const release = `${edition[1]!.slice(2)}${edition[2]}`;
  return {
    hs2022: {
      id: 'hs2022',
      dataset: 'hs',
      title: 'HS 2022 nomenclature (UN Comtrade texts, datasets/harmonized-system)',
      url: `${HS_REPO}/main/data/harmonized-system.csv`,
      licence: PDDL,
    },
    hsSections: {
      id: 'hsSections',
      dataset: 'hs',
      title: 'HS sections (datasets/harmonized-system)',
      url: `${HS_REPO}/main/data/sections.csv`,
      licence: PDDL,
    },
    hs2017: {
      id: 'hs2017',
      dataset: 'hs',
      title: 'HS 2017 nomenclature (UN Comtrade texts, datasets/harmonized-system)',
      url: `${HS_REPO}/${HS2017_COMMIT}/data/harmonized-system.csv`,
      licence: PDDL,
    },
    countries: {
      id: 'countries',
      dataset: 'countries',
      title: 'Country codes (ISO 3166-1, UN M49 and others, datasets/country-codes)',
      url: 'https://raw.githubusercontent.com/datasets/country-codes/main/data/country-codes.csv',
      licence: `${PDDL}; GeoNames-derived columns CC-BY 4.0, CLDR columns Unicode licence`,
    },
    iso4217Current: {
      id: 'iso4217Current',
      dataset: 'currencies',
      title: 'ISO 4217 list one, current currencies and funds (SIX)',
      url: `${SIX_LISTS}/list-one.xml`,
      licence: 'published free of charge by SIX Financial Information, ISO 4217 maintenance agency',
    },
    iso4217Historic: {
      id: 'iso4217Historic',
      dataset: 'currencies',
      title: 'ISO 4217 list three, historic denominations (SIX)',
      url: `${SIX_LISTS}/list-three.xml`,
      licence: 'published free of charge by SIX Financial Information, ISO 4217 maintenance agency',
    },
    unlocode: {
      id: 'unlocode',
      dataset: 'locode',
      title: `UN/LOCODE ${locodeEdition} code list (UNECE, CSV zip)`,
      url: `https://service.unece.org/trade/locode/loc${release}csv.zip`,
      licence: 'UNECE / UN/CEFACT, released free of charge',
    },
  };
}

/**
 * Rewrites an upstream URL onto a mirror: `https://host/path` becomes `BASE/host/path`, so one
 * web server (or a test server on 127.0.0.1) can stand in for every publisher.
 */
export function mirroredUrl(url: string, baseUrl: string | undefined): string {
  if (!baseUrl) return url;
  const u = new URL(url);
  return `${baseUrl.replace(/\/+$/, '')}/${u.host}${u.pathname}${u.search}`;
}

/** Fewest data rows accepted per output file: a truncated or emptied upstream file is refused. */
export const DEFAULT_MINIMUM_ROWS: Readonly<Record<string, number>> = {
  [REFERENCE_FILES.hs2022]: 6000,
  [REFERENCE_FILES.hs2017]: 6000,
  'hs/sections.csv': 21,
  [REFERENCE_FILES.countries]: 240,
  [REFERENCE_FILES.currencies]: 400,
  [REFERENCE_FILES.locodes]: 100_000,
  'un-locode/subdivision-codes.csv': 3000,
  [REFERENCE_FILES.regulatory]: 1,
};

/** Default ceiling on one download; the largest (UN/LOCODE zip) is a few megabytes. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

export type FetchProgress =
  | {
      kind: 'download';
      source: SourceId;
      url: string;
      receivedBytes: number;
      totalBytes?: number;
      done: boolean;
    }
  | { kind: 'staged'; dataset: ReferenceDataset; rows: number };

export interface FetchOptions {
  /** Data directory to fill (created when missing). */
  to: string;
  /** Datasets to fetch; default the four downloadable ones, plus `hs-regulatory` when `from` is set. */
  only?: readonly ReferenceDataset[];
  /** Existing data directory to copy `hs-regulatory/` from. */
  from?: string;
  /** Mirror base URL (see {@link mirroredUrl}); default: the publishers themselves. */
  baseUrl?: string;
  locodeEdition?: string;
  /** Per output file (e.g. `hs/hs2022.csv`), overrides {@link DEFAULT_MINIMUM_ROWS}. */
  minimumRows?: Readonly<Record<string, number>>;
  /** Per download, whole body included. Default 5 minutes. */
  timeoutMs?: number;
  maxDownloadBytes?: number;
  onProgress?: (event: FetchProgress) => void;
  /** Clock for SOURCE.md, injectable for tests. */
  now?: () => Date;
}

/** What one download brought. */
export interface FetchedSource {
  id: SourceId;
  title: string;
  url: string;
  bytes: number;
  sha256: string;
}

/** One file written into the data directory. */
export interface WrittenFile {
  /** Relative to the data directory, e.g. `hs/hs2022.csv`. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface DatasetReport {
  dataset: ReferenceDataset;
  folder: string;
  sources: FetchedSource[];
  files: WrittenFile[];
  notes: string[];
}

export interface FetchReport {
  to: string;
  fetchedAt: string;
  datasets: DatasetReport[];
}

interface Context {
  sources: Record<SourceId, OfficialSource>;
  baseUrl: string | undefined;
  timeoutMs: number;
  maxDownloadBytes: number;
  minimumRows: Readonly<Record<string, number>>;
  progress: (event: FetchProgress) => void;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A dataset folder being assembled in the staging directory. */
class StagedDataset {
  readonly sources: FetchedSource[] = [];
  readonly files: WrittenFile[] = [];
  readonly notes: string[] = [];
  constructor(
    readonly dataset: ReferenceDataset,
    readonly dir: string,
    private readonly ctx: Context,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get folder(): string {
    return DATASET_FOLDERS[this.dataset];
  }

  /** Writes one output file after checking it has at least its minimum number of data rows. */
  write(path: string, { data, rows }: ConvertedFile, origin: string): void {
    const minimum = this.ctx.minimumRows[path] ?? DEFAULT_MINIMUM_ROWS[path] ?? 1;
    if (rows < minimum) {
      throw new ReferenceFetchError(
        'TOO_FEW_ROWS',
        `${origin}: ${path} would have ${rows} data rows, fewer than the ${minimum} expected (truncated or changed upstream?)`,
      );
    }
    writeFileSync(join(this.dir, path.slice(this.folder.length + 1)), data);
    this.files.push({ path, rows, bytes: data.length, sha256: sha256(data) });
  }

  report(): DatasetReport {
    return {
      dataset: this.dataset,
      folder: this.folder,
      sources: this.sources,
      files: this.files,
      notes: this.notes,
    };
  }
}

/** Reads a response body with a size ceiling, reporting progress. */
async function download(ctx: Context, stage: StagedDataset, id: SourceId): Promise<Buffer> {
  const source = ctx.sources[id];
  const url = mirroredUrl(source.url, ctx.baseUrl);
  const tooLarge = () =>
    new ReferenceFetchError(
      'TOO_LARGE',
      `${source.title}: GET ${url} exceeds the ${ctx.maxDownloadBytes}-byte download limit`,
    );
  try {
    const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(ctx.timeoutMs) });
    if (!response.ok || !response.body) {
      throw new ReferenceFetchError(
        'HTTP_STATUS',
        `${source.title}: GET ${url} answered HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    const announced = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(announced) && announced > 0 ? announced : undefined;
    if (totalBytes !== undefined && totalBytes > ctx.maxDownloadBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    for await (const chunk of response.body) {
      // Counted as it arrives too: a server may announce no length, or a false one.
      receivedBytes += chunk.length;
      if (receivedBytes > ctx.maxDownloadBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk));
      ctx.progress({ kind: 'download', source: id, url, receivedBytes, totalBytes, done: false });
    }
    ctx.progress({ kind: 'download', source: id, url, receivedBytes, totalBytes, done: true });
    const data = Buffer.concat(chunks);
    stage.sources.push({ id, title: source.title, url, bytes: data.length, sha256: sha256(data) });
    return data;
  } catch (err) {
    if (err instanceof ReferenceFetchError) throw err;
    // undici reports "fetch failed" and puts the reason (DNS, refused, TLS) in `cause`.
    const reason =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new ReferenceFetchError('DOWNLOAD_FAILED', `${source.title}: GET ${url} failed: ${reason}`, {
      cause: err,
    });
  }
}

function origin(ctx: Context, id: SourceId): string {
  const source = ctx.sources[id];
  return `${source.title} (${mirroredUrl(source.url, ctx.baseUrl)})`;
}

const HS_HEADER = ['section', 'hscode', 'description', 'parent', 'level'] as const;

/**
 * Subheadings that exist only in one edition, so a file of the wrong edition is refused:
 * 3002.41 (vaccines for human medicine) and 8549.11 (e-waste of lead-acid accumulators) were
 * created by HS 2022; 3002.20 (vaccines for human medicine) is their HS 2017 predecessor.
 */
const HS_EDITION_MARKERS = { '2022': ['300241', '854911'], '2017': ['300220'] } as const;

async function stageHs(ctx: Context, stage: StagedDataset): Promise<void> {
  for (const [id, path, edition] of [
    ['hs2022', REFERENCE_FILES.hs2022, '2022'],
    ['hs2017', REFERENCE_FILES.hs2017, '2017'],
  ] as const) {
    const data = await download(ctx, stage, id);
    const where = origin(ctx, id);
    const rows = csvRows(data, where);
    expectHeader(rows, HS_HEADER, where, true);
    const subheadings = new Set<string>();
    for (const row of rows.slice(1)) {
      // UN Comtrade artefacts (TOTAL, 99, 9999, 999999) carry section TOTAL; the loader skips them.
      if (row[0] === 'TOTAL' || row[4] !== '6') continue;
      if (!/^\d{6}$/.test(row[1] ?? '')) {
        throw new ReferenceFetchError('BAD_FORMAT', `${where}: level-6 code "${row[1]}" is not six digits`);
      }
      subheadings.add(row[1]!);
    }
    const absent = HS_EDITION_MARKERS[edition].filter((code) => !subheadings.has(code));
    if (absent.length > 0) {
      throw new ReferenceFetchError(
        'BAD_FORMAT',
        `${where}: not the HS ${edition} edition (subheading ${absent.join(', ')} missing)`,
      );
    }
    // Written byte for byte: the upstream file already has the loader's layout.
    stage.write(path, { data, rows: rows.length - 1 }, where);
  }
  const data = await download(ctx, stage, 'hsSections');
  const where = origin(ctx, 'hsSections');
  const rows = csvRows(data, where);
  expectHeader(rows, ['section', 'name'], where, true);
  stage.write('hs/sections.csv', { data, rows: rows.length - 1 }, where);
  stage.notes.push('Files are written byte for byte as published (UTF-8; a BOM, where present, is kept).');
}

const COUNTRY_COLUMNS = [
  'ISO3166-1-Alpha-2',
  'ISO3166-1-Alpha-3',
  'official_name_en',
  'CLDR display name',
] as const;

async function stageCountries(ctx: Context, stage: StagedDataset): Promise<void> {
  const data = await download(ctx, stage, 'countries');
  const where = origin(ctx, 'countries');
  const rows = csvRows(data, where);
  const header = expectHeader(rows, COUNTRY_COLUMNS, where, false);
  const alpha2 = header.indexOf('ISO3166-1-Alpha-2');
  const coded = rows.slice(1).filter((row) => /^[A-Z]{2}$/.test(row[alpha2]?.trim() ?? '')).length;
  stage.write(REFERENCE_FILES.countries, { data, rows: coded }, where);
  stage.notes.push(
    'Written byte for byte as published; rows counted are those with an ISO 3166-1 alpha-2 code.',
  );
}

/** ISO 4217 from SIX, the maintenance agency: lists one (current) and three (historic), as XML. */
async function stageCurrencies(ctx: Context, stage: StagedDataset): Promise<void> {
  const current = {
    data: await download(ctx, stage, 'iso4217Current'),
    where: origin(ctx, 'iso4217Current'),
  };
  const historic = {
    data: await download(ctx, stage, 'iso4217Historic'),
    where: origin(ctx, 'iso4217Historic'),
  };
  const { file, notes } = iso4217CodesAll(current, historic);
  stage.write(REFERENCE_FILES.currencies, file, current.where);
  stage.notes.push(...notes);
}

/** UN/LOCODE from the UNECE CSV release zip of the chosen edition. */
async function stageLocode(ctx: Context, stage: StagedDataset, edition: string): Promise<void> {
  const where = origin(ctx, 'unlocode');
  const release = convertUnlocodeRelease(await download(ctx, stage, 'unlocode'), edition, where);
  stage.write(REFERENCE_FILES.locodes, release.codeList, where);
  stage.write('un-locode/alias.csv', release.aliases, where);
  stage.write('un-locode/subdivision-codes.csv', release.subdivisions, where);
  stage.notes.push(...release.notes);
}

const REGULATORY_HEADER = [
  'concern',
  'subconcern',
  'hs_code',
  'level',
  'hs2022_description',
  'basis',
  'confidence',
  'notes',
] as const;

/** `hs-regulatory` is a Greenlane-assembled table: it is copied, checked, from another data directory. */
function stageRegulatory(stage: StagedDataset, from: string): void {
  const path = join(from, REFERENCE_FILES.regulatory);
  if (!existsSync(path)) {
    throw new ReferenceFetchError('BAD_OPTION', `hs-regulatory: ${path} does not exist (check --from)`);
  }
  const data = readFileSync(path);
  const rows = csvRows(data, path);
  expectHeader(rows, REGULATORY_HEADER, path, true);
  stage.write(REFERENCE_FILES.regulatory, { data, rows: rows.length - 1 }, path);
  stage.notes.push(`Copied byte for byte from ${path}.`);
  const original = join(from, DATASET_FOLDERS['hs-regulatory'], 'SOURCE.md');
  if (existsSync(original)) {
    stage.notes.push(
      `How the table was assembled (its original SOURCE.md):\n\n${readFileSync(original, 'utf8').trim()}`,
    );
  }
}

const DATASET_TITLES: Record<ReferenceDataset, string> = {
  hs: 'Harmonized System nomenclature (HS 2022, HS 2017)',
  countries: 'Country codes (ISO 3166-1 and related)',
  currencies: 'ISO 4217 currency codes',
  locode: 'UN/LOCODE',
  'hs-regulatory': 'HS 2022 -> regulatory concern flags',
};

/** The SOURCE.md written beside the files at fetch time. */
export function renderSourceMd(
  report: DatasetReport,
  fetchedAt: string,
  sources: Record<SourceId, OfficialSource>,
): string {
  const licences = [...new Set(report.sources.map((s) => sources[s.id].licence))];
  const lines = [
    `# ${DATASET_TITLES[report.dataset]}`,
    '',
    'Written by `greenlane reference fetch` (src/driven/reference/official-sources.ts) at fetch time; do not edit.',
    '',
    '| item | value |',
    '| --- | --- |',
    `| fetched at | ${fetchedAt} |`,
    ...licences.map((licence) => `| licence | ${licence} |`),
    '',
  ];
  if (report.sources.length > 0) {
    lines.push('## Downloads', '', '| source | URL | bytes | sha256 |', '| --- | --- | ---: | --- |');
    for (const s of report.sources) lines.push(`| ${s.title} | ${s.url} | ${s.bytes} | \`${s.sha256}\` |`);
    lines.push('');
  }
  lines.push('## Files', '', '| file | data rows | bytes | sha256 |', '| --- | ---: | ---: | --- |');
  for (const f of report.files) lines.push(`| ${f.path} | ${f.rows} | ${f.bytes} | \`${f.sha256}\` |`);
  lines.push('', '## Notes', '', ...report.notes.map((note) => `- ${note}`), '');
  return lines.join('\n');
}

/** Moves the staged folders into place; on any failure restores what was there before. */
function install(staging: string, to: string, stages: StagedDataset[]): void {
  const done: Array<{ target: string; previous?: string }> = [];
  try {
    for (const stage of stages) {
      const target = join(to, stage.folder);
      let previous: string | undefined;
      if (existsSync(target)) {
        previous = join(staging, `${stage.folder}.previous`);
        renameSync(target, previous);
      }
      done.push(previous ? { target, previous } : { target });
      renameSync(stage.dir, target);
    }
  } catch (err) {
    for (const { target, previous } of done.reverse()) {
      if (existsSync(target) && previous) rmSync(target, { recursive: true, force: true });
      if (previous) renameSync(previous, target);
    }
    throw new ReferenceFetchError('WRITE_FAILED', `could not install into ${to}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Downloads, converts, validates and installs the selected datasets into `options.to`.
 *
 * @example
 * await fetchReferenceData({ to: '/var/lib/greenlane/data', from: '/mnt/old-data' });
 * loadReferenceData('/var/lib/greenlane/data'); // same layout as ../shared/data
 */
export async function fetchReferenceData(options: FetchOptions): Promise<FetchReport> {
  const datasets: readonly ReferenceDataset[] =
    options.only ?? (options.from ? REFERENCE_DATASETS : FETCHABLE_DATASETS);
  if (datasets.includes('hs-regulatory') && !options.from) {
    throw new ReferenceFetchError(
      'BAD_OPTION',
      'hs-regulatory is assembled by Greenlane, not downloaded: give a data directory to copy it from (--from DIR)',
    );
  }
  const edition = options.locodeEdition ?? DEFAULT_LOCODE_EDITION;
  const ctx: Context = {
    sources: officialSources(edition),
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    maxDownloadBytes: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
    minimumRows: options.minimumRows ?? {},
    progress: options.onProgress ?? (() => {}),
  };
  const fetchedAt = (options.now?.() ?? new Date()).toISOString();

  try {
    mkdirSync(options.to, { recursive: true });
  } catch (err) {
    throw new ReferenceFetchError('WRITE_FAILED', `cannot create ${options.to}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Staging inside the target keeps the final rename on one file system, hence atomic.
  let staging: string;
  try {
    staging = mkdtempSync(join(options.to, '.fetch-'));
  } catch (err) {
    throw new ReferenceFetchError(
      'WRITE_FAILED',
      `cannot write into ${options.to}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  try {
    const stages: StagedDataset[] = [];
    for (const dataset of REFERENCE_DATASETS.filter((d) => datasets.includes(d))) {
      const stage = new StagedDataset(dataset, join(staging, DATASET_FOLDERS[dataset]), ctx);
      if (dataset === 'hs') await stageHs(ctx, stage);
      else if (dataset === 'countries') await stageCountries(ctx, stage);
      else if (dataset === 'currencies') await stageCurrencies(ctx, stage);
      else if (dataset === 'locode') await stageLocode(ctx, stage, edition);
      else stageRegulatory(stage, options.from!);
      writeFileSync(join(stage.dir, 'SOURCE.md'), renderSourceMd(stage.report(), fetchedAt, ctx.sources));
      ctx.progress({ kind: 'staged', dataset, rows: stage.files.reduce((n, f) => n + f.rows, 0) });
      stages.push(stage);
    }
    install(staging, options.to, stages);
    return { to: options.to, fetchedAt, datasets: stages.map((s) => s.report()) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

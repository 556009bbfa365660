import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadReferenceData } from '../../../driven/reference/file-reference-data.ts';
import {
  DATASET_FOLDERS,
  DEFAULT_LOCODE_EDITION,
  type FetchProgress,
  fetchReferenceData,
  REFERENCE_DATASETS,
  type ReferenceDataset,
} from '../../../driven/reference/official-sources.ts';
import { ReferenceFetchError } from '../../../driven/reference/reference-fetch-error.ts';
import { dataDir, PACKAGE_ROOT } from '../../../installation/config.ts';
import { UsageError } from '../usage-error.ts';

/**
 * Where `reference fetch` writes by default: `GREENLANE_DATA_DIR` when set, else the
 * `.greenlane/data` fallback of `dataDir()` (never the read-only shared mirror).
 */
export function defaultFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GREENLANE_DATA_DIR
    ? resolve(env.GREENLANE_DATA_DIR)
    : resolve(PACKAGE_ROOT, '.greenlane', 'data');
}

function parseOnly(value: string | undefined): ReferenceDataset[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(REFERENCE_DATASETS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--only: unknown dataset ${unknown.map((n) => `"${n}"`).join(', ') || '(empty)'}; choose from ${REFERENCE_DATASETS.join(',')}`,
    );
  }
  return names as ReferenceDataset[];
}

function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url: "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url: "${value}" must be http or https`);
  }
  return value;
}

/** One progress bar per download on stderr, only for an interactive terminal. */
function progressReporter(): (event: FetchProgress) => void {
  if (!process.stderr.isTTY) return () => {};
  let bar: SingleBar | undefined;
  return (event) => {
    if (event.kind === 'staged') {
      process.stderr.write(`staged ${event.dataset}: ${event.rows} rows\n`);
      return;
    }
    if (!bar) {
      bar = new SingleBar(
        { format: `${event.source} [{bar}] {value}/{total} bytes`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(event.totalBytes ?? event.receivedBytes, 0);
    }
    if (event.totalBytes === undefined) bar.setTotal(Math.max(event.receivedBytes, 1));
    bar.update(event.receivedBytes);
    if (event.done) {
      bar.stop();
      bar = undefined;
    }
  };
}

interface FetchFlags {
  to: string;
  only?: string;
  from?: string;
  baseUrl?: string;
  locodeEdition: string;
  timeout: string;
  out?: string;
}

async function runFetch(flags: FetchFlags): Promise<void> {
  const timeoutSeconds = Number(flags.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(`--timeout: "${flags.timeout}" is not a positive number of seconds`);
  }
  const to = resolve(flags.to);
  const only = parseOnly(flags.only);
  const baseUrl = parseBaseUrl(flags.baseUrl);
  let report: Awaited<ReturnType<typeof fetchReferenceData>>;
  try {
    report = await fetchReferenceData({
      to,
      ...(only ? { only } : {}),
      ...(flags.from ? { from: resolve(flags.from) } : {}),
      ...(baseUrl ? { baseUrl } : {}),
      locodeEdition: flags.locodeEdition,
      timeoutMs: timeoutSeconds * 1000,
      onProgress: progressReporter(),
    });
  } catch (err) {
    // Option mistakes (missing --from, bad edition) are usage errors: exit 2, not 1.
    if (err instanceof ReferenceFetchError && err.code === 'BAD_OPTION') throw new UsageError(err.message);
    throw err;
  }
  for (const dataset of report.datasets) {
    const files = dataset.files.map((f) => `${f.path} ${f.rows} rows`).join(', ');
    process.stderr.write(`${dataset.folder}: ${files}\n`);
  }
  try {
    process.stderr.write(`reference data in ${to} is complete, version ${loadReferenceData(to).version}\n`);
  } catch (err) {
    process.stderr.write(`note: ${to} is not complete yet: ${(err as Error).message}\n`);
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (flags.out) writeFileSync(flags.out, json);
  else process.stdout.write(json);
}

/** `| fetched at | ... |` from a SOURCE.md written by the fetcher; absent for the shared mirror. */
function fetchedAt(dir: string, dataset: ReferenceDataset): string | undefined {
  const path = join(dir, DATASET_FOLDERS[dataset], 'SOURCE.md');
  if (!existsSync(path)) return undefined;
  return /^\| fetched at \| (.+?) \|$/m.exec(readFileSync(path, 'utf8'))?.[1];
}

function runInfo(flags: { dir?: string; json?: boolean }): void {
  const dir = flags.dir ? resolve(flags.dir) : dataDir();
  const ref = loadReferenceData(dir);
  const counts = {
    hs2022Chapters: ref.hs['2022'].chapters.size,
    hs2022Headings: ref.hs['2022'].headings.size,
    hs2022Subheadings: ref.hs['2022'].subheadings.size,
    hs2017Chapters: ref.hs['2017'].chapters.size,
    hs2017Headings: ref.hs['2017'].headings.size,
    hs2017Subheadings: ref.hs['2017'].subheadings.size,
    countries: ref.countries.size,
    currencies: ref.currencies.size,
    locodes: ref.locodes.size,
    regulatoryCodes: ref.regulatory.size,
    regulatoryFlags: [...ref.regulatory.values()].reduce((n, flags) => n + flags.length, 0),
  };
  const fetched = Object.fromEntries(
    REFERENCE_DATASETS.flatMap((dataset) => {
      const at = fetchedAt(dir, dataset);
      return at ? [[dataset, at]] : [];
    }),
  );
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ dataDir: dir, version: ref.version, counts, fetchedAt: fetched }, null, 2)}\n`,
    );
    return;
  }
  const lines = [`data directory  ${dir}`, `version         ${ref.version}`, ''];
  for (const [name, count] of Object.entries(counts))
    lines.push(`${name.padEnd(18)}${String(count).padStart(8)}`);
  for (const [dataset, at] of Object.entries(fetched)) lines.push(`fetched ${dataset.padEnd(14)}${at}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `greenlane reference fetch|info`: load the official code lists and show what is in use. */
export function registerReferenceCommand(program: Command): void {
  const reference = program
    .command('reference')
    .description('Reference data (HS, countries, currencies, UN/LOCODE, hs-regulatory): fetch and inspect.');

  reference
    .command('fetch')
    .description(
      'Download the official sources, convert them into the data-directory layout and install them atomically ' +
        '(a failed fetch changes nothing). Prints a JSON report with sha256 of every file.',
    )
    .option(
      '--to <dir>',
      'data directory to fill: GREENLANE_DATA_DIR, else .greenlane/data',
      defaultFetchDir(),
    )
    .option('--only <list>', `comma-separated datasets: ${REFERENCE_DATASETS.join(',')}`)
    .option(
      '--from <dir>',
      'existing data directory to copy hs-regulatory/ from (Greenlane-assembled, not downloaded)',
    )
    .option('--base-url <url>', 'mirror serving BASE/<host>/<path> for every publisher (offline installs)')
    .option('--locode-edition <edition>', 'UN/LOCODE release to fetch, e.g. 2025-1', DEFAULT_LOCODE_EDITION)
    .option('--timeout <seconds>', 'time limit per download', '300')
    .option('--out <file>', 'write the JSON report to FILE instead of stdout')
    .action(async (flags: FetchFlags) => runFetch(flags));

  reference
    .command('info')
    .description('Show the data directory in use, its version hash and the row counts per table.')
    .option('--dir <dir>', 'data directory (default: GREENLANE_DATA_DIR, ../shared/data or .greenlane/data)')
    .option('--json', 'print JSON instead of text')
    .action((flags: { dir?: string; json?: boolean }) => runInfo(flags));
}

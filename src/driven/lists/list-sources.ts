import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GreenlaneError } from '../../core/error.ts';
import type { ListSource, ListVersion, SanctionedEntity } from '../../core/screening/entity.ts';
import { type CountryResolver, loadCountryResolver } from './country-resolver.ts';
import { parseEuDerivedCsv, parseEuXml } from './eu.ts';
import { parseOfacCsv } from './ofac-csv.ts';
import { parseOfacXml } from './ofac-xml.ts';
import { parseUkCsv } from './uk-csv.ts';
import { parseUkOfficialCsv } from './uk-official-csv.ts';
import { parseUnXml } from './un-xml.ts';

/** Closed set of loader failures, so the CLI and API can tell the user what to fix. */
export type ListLoadErrorCode =
  | 'LIST_NOT_FOUND'
  | 'LIST_UNSUPPORTED_FORMAT'
  | 'LIST_FETCH_FAILED'
  | 'LIST_EMPTY';

export class ListLoadError extends GreenlaneError<ListLoadErrorCode> {
  override name = 'ListLoadError';
}

/**
 * Official publication URLs (see the data directory's `sanctions/SOURCE.md`). The EU FSF file
 * needs a personal token, and the UK list's official layout is not the relational form this
 * loader reads, so those two are loaded from files (`--from`).
 */
export const OFFICIAL_URLS: Partial<Record<ListSource, string>> = {
  un: 'https://scsanctions.un.org/resources/xml/en/consolidated.xml',
  ofac: 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML',
};

interface SourceFile {
  path: string;
  bytes: Buffer;
}

/**
 * Loads one list into a dated, hashed version. `from` may be a file, a directory or an http(s)
 * URL; without it the list is read from the data directory's `sanctions/<list>/` folder.
 *
 * @example
 * const un = await loadList('un', { dataDirectory: dataDir() });
 */
export async function loadList(
  list: ListSource,
  options: { dataDirectory: string; from?: string; resolveCountry?: CountryResolver },
): Promise<ListVersion> {
  const resolveCountry = options.resolveCountry ?? loadCountryResolver(options.dataDirectory);
  const files = options.from
    ? /^https?:\/\//.test(options.from)
      ? [await fetchFile(options.from)]
      : filesAt(options.from)
    : defaultFiles(list, options.dataDirectory);
  const { entities, publishedOn } = parseFiles(list, files, resolveCountry);
  if (entities.length === 0)
    throw new ListLoadError(
      'LIST_EMPTY',
      `no ${list} entries found in ${files.map((f) => f.path).join(', ')}`,
    );
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => basename(a.path).localeCompare(basename(b.path))))
    hash.update(f.bytes);
  return {
    list,
    publishedOn: publishedOn ?? dateInName(files) ?? new Date().toISOString().slice(0, 10),
    sha256: hash.digest('hex'),
    origin: files.map((f) => f.path),
    entities,
  };
}

function parseFiles(
  list: ListSource,
  files: SourceFile[],
  resolveCountry: CountryResolver,
): { entities: SanctionedEntity[]; publishedOn?: string } {
  const text = (f: SourceFile) => f.bytes.toString('utf8');
  const named = (name: string) => files.find((f) => basename(f.path).toLowerCase() === name);
  const xmls = files.filter((f) => /\.xml$/i.test(f.path) || text(f).trimStart().startsWith('<'));
  switch (list) {
    case 'un': {
      const xml = xmls[0];
      if (!xml) throw new ListLoadError('LIST_UNSUPPORTED_FORMAT', 'the UN list is read from its XML file');
      return parseUnXml(text(xml), resolveCountry);
    }
    case 'ofac': {
      const entities: SanctionedEntity[] = [];
      let publishedOn: string | undefined;
      for (const x of xmls) {
        const parsed = parseOfacXml(text(x), resolveCountry);
        entities.push(...parsed.entities);
        publishedOn ??= parsed.publishedOn;
      }
      const sdn = files.find(
        (f) => /sdn[^/]*\.csv$/i.test(basename(f.path)) && !/comments/i.test(basename(f.path)),
      );
      if (sdn) {
        const alt = named('alt.csv');
        const add = named('add.csv');
        const comments = named('sdn_comments.csv');
        entities.push(
          ...parseOfacCsv(
            {
              sdn: text(sdn),
              ...(alt ? { alt: text(alt) } : {}),
              ...(add ? { add: text(add) } : {}),
              ...(comments ? { comments: text(comments) } : {}),
            },
            resolveCountry,
          ),
        );
      }
      if (!sdn && xmls.length === 0)
        throw new ListLoadError('LIST_UNSUPPORTED_FORMAT', 'OFAC is read from sdn.csv (+alt/add) or sdn.xml');
      // A version made of several files is dated by its oldest part: it is at least that fresh throughout.
      const sdnDate = sdn ? dateInName([sdn]) : undefined;
      if (sdnDate && (!publishedOn || sdnDate < publishedOn)) publishedOn = sdnDate;
      return { entities: dedupe(entities), ...(publishedOn ? { publishedOn } : {}) };
    }
    case 'uk': {
      // The list as gov.uk publishes it (one CSV, one row per name), else the relational form.
      const official = files.find((f) => /\.csv$/i.test(f.path) || /^https?:/.test(f.path));
      if (
        official &&
        /Unique ID/.test(text(official).slice(0, 4000)) &&
        /Name 6/.test(text(official).slice(0, 4000))
      ) {
        return parseUkOfficialCsv(text(official), resolveCountry);
      }
      const subjects = named('subjects.csv');
      const names = named('subject_names.csv');
      if (!subjects || !names) {
        throw new ListLoadError(
          'LIST_UNSUPPORTED_FORMAT',
          'the UK list is read from subjects.csv + subject_names.csv (+ dobs, identifiers, countries)',
        );
      }
      const opt = (name: string) => {
        const f = named(name);
        return f ? text(f) : undefined;
      };
      const dobs = opt('subject_dobs.csv');
      const identifiers = opt('subject_identifiers.csv');
      const countries = opt('subject_countries.csv');
      return parseUkCsv({
        subjects: text(subjects),
        names: text(names),
        ...(dobs ? { dobs } : {}),
        ...(identifiers ? { identifiers } : {}),
        ...(countries ? { countries } : {}),
      });
    }
    case 'eu': {
      const xml = xmls[0];
      if (xml) return parseEuXml(text(xml));
      const csv = files.find((f) => /\.csv$/i.test(f.path));
      if (!csv)
        throw new ListLoadError(
          'LIST_UNSUPPORTED_FORMAT',
          'the EU list is read from the FSF XML or the derived names CSV',
        );
      return { entities: parseEuDerivedCsv(text(csv), resolveCountry) };
    }
  }
}

/** The same entry may come from SDN and consolidated files; keep the first. */
function dedupe(entities: SanctionedEntity[]): SanctionedEntity[] {
  const seen = new Set<string>();
  return entities.filter((e) => {
    if (seen.has(e.entityId)) return false;
    seen.add(e.entityId);
    return true;
  });
}

/**
 * Default files of a list in the data directory. For OFAC the most recent complete SDN file and the
 * consolidated non-SDN XML; the older 2022 three-file set is only read when asked for with `--from`.
 * The screening index snapshot keys on these same paths (index-snapshot.ts).
 */
export function defaultListPaths(list: ListSource, dataDirectory: string): string[] {
  const dir = join(dataDirectory, 'sanctions', list);
  if (!existsSync(dir)) throw new ListLoadError('LIST_NOT_FOUND', `no ${list} list in ${dir}`);
  const files = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile() && /\.(xml|csv)$/i.test(name))
    .sort();
  const chosen = (): string[] => {
    if (list === 'un') return files.filter((f) => f.endsWith('.xml')).slice(-1);
    if (list === 'ofac') {
      const sdn = files.filter((f) => /^sdn.*\.csv$/i.test(f)).slice(-1);
      const cons = files.filter((f) => /^cons.*\.xml$/i.test(f)).slice(-1);
      return [...sdn, ...cons];
    }
    if (list === 'eu') return files.slice(-1);
    return files;
  };
  return chosen().map((name) => join(dir, name));
}

function defaultFiles(list: ListSource, dataDirectory: string): SourceFile[] {
  return defaultListPaths(list, dataDirectory).map((path) => ({ path, bytes: readFileSync(path) }));
}

function filesAt(path: string): SourceFile[] {
  if (!existsSync(path)) throw new ListLoadError('LIST_NOT_FOUND', `${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path).filter(
      (n) => /\.(xml|csv)$/i.test(n) && statSync(join(path, n)).isFile(),
    );
    return read(path, names.sort());
  }
  return [{ path, bytes: readFileSync(path) }];
}

function read(dir: string, names: string[]): SourceFile[] {
  return names.map((n) => ({ path: join(dir, n), bytes: readFileSync(join(dir, n)) }));
}

async function fetchFile(url: string): Promise<SourceFile> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new ListLoadError('LIST_FETCH_FAILED', `could not fetch ${url}: ${String(err)}`, { cause: err });
  }
  if (!response.ok) throw new ListLoadError('LIST_FETCH_FAILED', `${url} answered HTTP ${response.status}`);
  return { path: url, bytes: Buffer.from(await response.arrayBuffer()) };
}

function dateInName(files: SourceFile[]): string | undefined {
  for (const f of files) {
    // `consolidated_2026-02-27.xml`, or a dated folder (`ofac/2022-01-31/sdn.csv`); a month-only
    // date (`..._2025-05.csv`) is dated to its first day.
    for (const name of [basename(f.path), basename(dirname(f.path))]) {
      const m = /(\d{4}-\d{2})(-\d{2})?/.exec(name);
      if (m) return `${m[1]}${m[2] ?? '-01'}`;
    }
  }
  return undefined;
}

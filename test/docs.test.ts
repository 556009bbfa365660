import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORT_MODES } from '../src/core/declaration/declaration.ts';
import { validateDeclaration } from '../src/core/declaration/validation.ts';
import { CSV_DECLARATION_COLUMNS, CSV_ITEM_COLUMNS, csvRecords } from '../src/driven/input/csv-records.ts';
import { KCS_TRANSPORT_MODES } from '../src/driven/input/customs-csv.ts';
import type { InputRecord } from '../src/driven/input/input-record.ts';
import { loadProfiles } from '../src/driven/profiles/load-profiles.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { API_KEY_ROLES } from '../src/driven/store/api-key-records.ts';
import { ROUTE_ACCESS, type RouteAccess } from '../src/driving/http/route-access.ts';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';
import { createFullTestApi, type FullTestApi } from './support/full-api.ts';

/**
 * The docs say what the code does; these tests read both and fail on the first difference, so
 * a change to one without the other does not get in unnoticed.
 */

const ROOT = PACKAGE_ROOT;
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

/**
 * The rows of the first Markdown table whose header row starts with `header` (after the line
 * `heading`, when given), as trimmed cells.
 */
function tableAfter(markdown: string, header: string, heading?: string): string[][] {
  const lines = markdown.split('\n');
  const from = heading === undefined ? 0 : lines.indexOf(heading);
  if (from < 0) throw new Error(`no heading "${heading}"`);
  const start = lines.findIndex((l, i) => i > from && l.replace(/\s+/g, ' ').startsWith(header));
  if (start < 0) throw new Error(`no table starting with "${header}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, line.trimEnd().length - 1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The `code` spans of a Markdown fragment. */
const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('docs/API.md endpoint table', () => {
  let api: FullTestApi;
  let documented: Set<string>;
  beforeAll(async () => {
    api = await createFullTestApi('sqlite');
    const openapi = (await (await api.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    documented = new Set(
      Object.entries(openapi.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
  });
  afterAll(async () => api?.dispose());

  /** `METHOD /path` -> the role cell, from the table (a path without a method takes the one before it). */
  function endpointTable(): Map<string, string> {
    const routes = new Map<string, string>();
    for (const [paths, roles] of tableAfter(doc('API.md'), '| method and path | role |')) {
      let method = '';
      for (const span of codeSpans(paths!)) {
        const m = /^(?:(GET|POST|PUT|PATCH|DELETE) )?(\/\S*)$/.exec(span);
        if (!m) throw new Error(`docs/API.md: "${span}" is not METHOD /path`);
        method = m[1] ?? method;
        routes.set(`${method} ${m[2]}`, roles!);
      }
    }
    return routes;
  }

  it('lists every operation of the OpenAPI document, and nothing the server does not serve', () => {
    const table = endpointTable();
    expect(documented.size).toBeGreaterThan(10);
    // The document describes the API; it does not describe itself.
    expect([...table.keys()].sort()).toEqual([...documented, 'GET /openapi.json'].sort());
  });

  it('names the roles of the route table (route-access.ts) for each endpoint', () => {
    for (const [route, cell] of endpointTable()) {
      const access = (ROUTE_ACCESS as Record<string, RouteAccess>)[route];
      expect(access, `${route} is not in ROUTE_ACCESS`).toBeDefined();
      if ('public' in access!) {
        expect(cell, route).toMatch(/^public/);
        expect(cell.includes('key optional'), route).toBe(access.readers !== undefined);
        continue;
      }
      const roles = cell === 'any role' ? [...API_KEY_ROLES] : cell.split(',').map((r) => r.trim());
      expect(roles.sort(), route).toEqual([...access!.roles].sort());
    }
  });
});

describe('docs/RISK-PROFILES.md starter set', () => {
  it('shows each shipped profile file with its id, weight and minimum channel', () => {
    const shipped = loadProfiles(join(ROOT, 'profiles')).map(({ profile }) => [
      profile.id,
      String(profile.weight),
      profile.minChannel ?? '—',
    ]);
    const table = tableAfter(doc('RISK-PROFILES.md'), '| id ').map(([id, , weight, min]) => [
      id,
      weight,
      min,
    ]);
    expect(shipped.length).toBeGreaterThan(0);
    expect(table.sort()).toEqual(shipped.sort());
  });
});

async function readCsv(csv: string): Promise<InputRecord[]> {
  async function* text() {
    yield csv;
  }
  const records: InputRecord[] = [];
  for await (const record of csvRecords(text())) records.push(record);
  return records;
}

describe('docs/DATA-MODEL.md transport rules', () => {
  const dataModel = doc('DATA-MODEL.md');
  const reference = referenceData(dataDir());

  it('lists the transport modes the schema accepts', () => {
    const [modeRow] = tableAfter(dataModel, '| field | type / rule', '### Transport').filter(
      ([f]) => f === '`mode`',
    );
    expect(codeSpans(modeRow![1]!)).toEqual([...TRANSPORT_MODES]);
  });

  it('maps the KCS transport codes as customs-csv.ts does', () => {
    const [row] = tableAfter(dataModel, '| CSV column').filter(([c]) => c === '`Mode of Transport`');
    const documented = Object.fromEntries(
      [...row![2]!.matchAll(/`(\d+)` ([a-z ]+?)(?=,|\.|$)/g)].map((m) => [
        m[1],
        m[2]!.trim().replace(/ /g, '-'),
      ]),
    );
    expect(Object.keys(documented).length).toBeGreaterThan(0);
    expect(documented).toEqual(KCS_TRANSPORT_MODES);
  });

  it('lists the declaration and goods-item columns of the Greenlane CSV', () => {
    const table = tableAfter(dataModel, '| column | model field | column');
    const columns = table.flatMap(([a, , b]) => [a, b]).flatMap((c) => codeSpans(c!));
    const roles = /for each role (.+?):/s.exec(dataModel)![1]!;
    const fields = /:\s*\n?(`<role>_id`.+?)\.\s*\n/s.exec(dataModel)![1]!;
    const perRole = codeSpans(roles).flatMap((role) =>
      codeSpans(fields)
        .filter((f) => f.startsWith('<role>_'))
        .map((f) => f.replace('<role>', role)),
    );
    expect([...columns, ...perRole].sort()).toEqual([...CSV_DECLARATION_COLUMNS].sort());
    const items = /Goods-item columns \(from `CSV_ITEM_COLUMNS`\): (.+?)\. Each/s.exec(dataModel)![1]!;
    expect(codeSpans(items).map((c) => c.replace(/ \(.*$/, ''))).toEqual([...CSV_ITEM_COLUMNS]);
  });

  it('says which CSV columns make a transport, as the reader does', async () => {
    const note = /Note: `transport` is filled when (.+?)\n\n/s.exec(dataModel);
    expect(note, 'the transport note of the CSV section').not.toBeNull();
    const named = [
      ...new Set(
        codeSpans(note![1]!).filter((c) => (CSV_DECLARATION_COLUMNS as readonly string[]).includes(c)),
      ),
    ];
    const fills: string[] = [];
    for (const column of CSV_DECLARATION_COLUMNS) {
      if (column === 'declaration_id') continue;
      const [record] = await readCsv(
        `declaration_id,${column}\nD1,${column === 'vessel_imo' ? '9074729' : 'x'}\n`,
      );
      if ((record!.value as { transport?: unknown }).transport === undefined) continue;
      fills.push(column);
      // Without a mode the declaration is rejected, as the note says.
      if (column === 'transport_mode') continue;
      const result = validateDeclaration(record!.value, reference);
      expect(result.ok ? [] : result.errors.map((e) => e.path), column).toContain('/transport/mode');
    }
    expect(fills.length).toBeGreaterThan(0);
    expect(named.sort()).toEqual(fills.sort());
  });
});

/** Markdown and TypeScript files a reader meets: the docs, the README and the code of every folder. */
function sourceFiles(): string[] {
  const out: string[] = [join(ROOT, 'README.md')];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(md|ts|mjs)$/.test(name)) out.push(path);
    }
  };
  for (const dir of ['docs', 'src', 'test', 'bench', 'eval', 'bin']) walk(join(ROOT, dir));
  return out;
}

/** What a reader reads as prose: all of a Markdown file, the comments of a code file. */
function prose(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.md')) return withoutPlannedSections(text);
  return (text.match(/\/\*[\s\S]*?\*\/|\/\/.*$/gm) ?? []).join('\n');
}

/**
 * A Markdown section whose heading says "(planned" describes files that do not exist yet (a worked
 * example of where a coming capability will go): its paths are not checked, up to the next heading
 * of the same or a higher level.
 */
function withoutPlannedSections(markdown: string): string {
  const out: string[] = [];
  let skipping = 0; // the level of the planned heading being skipped, 0 when not skipping
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,6})\s/.exec(line);
    if (heading && skipping && heading[1]!.length <= skipping) skipping = 0;
    if (heading && !skipping && /\(planned\b/i.test(line)) skipping = heading[1]!.length;
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

/** Top-level folders of the repository, and the layers of `src/` that docs name without `src/`. */
const ROOT_FOLDERS = ['src', 'test', 'bench', 'eval', 'docs', 'profiles', 'bin'];
const SRC_LAYERS = ['core', 'app', 'driven', 'driving', 'installation', 'adapters'];

/** Repository paths cited in `text`: `src/...` style from the root, `driven/...` style under `src/`, `../src/...` links. */
function citedPaths(file: string, text: string): Array<{ cited: string; path: string }> {
  const folders = [...ROOT_FOLDERS, ...SRC_LAYERS].join('|');
  const re = new RegExp(`(?<![\\w./@-])((?:\\.\\./)*(?:${folders})/[\\w./-]*[\\w])`, 'g');
  const out: Array<{ cited: string; path: string }> = [];
  for (const m of text.matchAll(re)) {
    const cited = m[1]!;
    // A glob or placeholder (`src/**/*.test.ts`, `<name>`) names no one file.
    if (/[*<>{}]/.test(text.slice(m.index! + cited.length, m.index! + cited.length + 1))) continue;
    const first = cited.replace(/^(\.\.\/)+/, '').split('/')[0]!;
    const path = cited.startsWith('../')
      ? resolve(dirname(file), cited)
      : join(ROOT, SRC_LAYERS.includes(first) ? 'src' : '', cited);
    out.push({ cited, path });
  }
  return out;
}

describe('cited repository paths and issues', () => {
  const files = sourceFiles();

  it('every path a doc or a code comment cites exists', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { cited, path } of citedPaths(file, prose(file))) {
        checked += 1;
        if (!existsSync(path)) missing.push(`${relative(ROOT, file)}: ${cited}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  /**
   * Issues are cited as `issue N` (the project's tracker, where the requirements and targets a
   * doc refers to are written). Issues 1-15 have been filed; raise this when a later one is cited.
   */
  const LAST_FILED_ISSUE = 15;
  it(`cites only filed issues (1-${LAST_FILED_ISSUE})`, () => {
    const wrong: string[] = [];
    let cited = 0;
    for (const file of files) {
      for (const m of prose(file).matchAll(/\bissues?[- ]#?(\d+)/gi)) {
        cited += 1;
        const n = Number(m[1]);
        if (n < 1 || n > LAST_FILED_ISSUE) wrong.push(`${relative(ROOT, file)}: ${m[0]}`);
      }
    }
    expect(cited).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});

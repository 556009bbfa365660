import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { median, writeReportSection } from '../bench/report.ts';
import type { ReferenceData } from '../src/core/reference/reference-data.ts';
import { loadReferenceData, REFERENCE_FILES } from '../src/driven/reference/file-reference-data.ts';
import { fetchReferenceData, officialSources } from '../src/driven/reference/official-sources.ts';
import { dataDir } from '../src/installation/config.ts';
import { startFixtureServer, writeZip } from '../test/support/reference-sources.ts';

/**
 * Round trip of `greenlane reference fetch` at full size, without internet: rebuilds the
 * publishers' formats (raw CSVs, SIX XML lists, the UNECE CSV zip) from the data directory in use,
 * serves them on 127.0.0.1, fetches them with the production row minimums, and checks the result
 * loads to exactly the same reference sets as the original directory.
 *
 * Run: `npm run eval:reference-fetch` (writes the `reference-fetch` section of docs/QUALITY.md).
 */

const RUNS = 3;
const EDITION = '2025-1';
const source = dataDir();
type Row = Record<string, string>;

const readRows = (file: string): Row[] =>
  parse(readFileSync(join(source, file)), { columns: true, bom: true, skip_empty_lines: true }) as Row[];

const xml = (value: string): string =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const quoted = (values: string[]): string => values.map((v) => `"${v.replaceAll('"', '""')}"`).join(',');

/** ISO 4217 lists one and three in the SIX XML layout, from the codes-all.csv rows. */
function sixLists(): { one: string; three: string } {
  const current: string[] = [];
  const historic: string[] = [];
  for (const r of readRows(REFERENCE_FILES.currencies)) {
    const common = `<CtryNm>${xml(r.Entity ?? '')}</CtryNm><CcyNm>${xml(r.Currency ?? '')}</CcyNm>${r.AlphabeticCode ? `<Ccy>${r.AlphabeticCode}</Ccy>` : ''}${r.NumericCode ? `<CcyNbr>${r.NumericCode}</CcyNbr>` : ''}`;
    if (r.WithdrawalDate)
      historic.push(`<HstrcCcyNtry>${common}<WthdrwlDt>${r.WithdrawalDate}</WthdrwlDt></HstrcCcyNtry>`);
    else
      current.push(
        `<CcyNtry>${common}${r.MinorUnit ? `<CcyMnrUnts>${r.MinorUnit}</CcyMnrUnts>` : ''}</CcyNtry>`,
      );
  }
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ISO_4217 Pblshd="2026-01-01">';
  return {
    one: `${head}<CcyTbl>${current.join('\n')}</CcyTbl></ISO_4217>\n`,
    three: `${head}<HstrcCcyTbl>${historic.join('\n')}</HstrcCcyTbl></ISO_4217>\n`,
  };
}

/** The UNECE release zip: three CodeListPart files (no header, Function before Status) and subdivisions. */
function unlocodeZip(): Buffer {
  const parts: string[][] = [[], [], []];
  for (const r of readRows(REFERENCE_FILES.locodes)) {
    const country = r.Country ?? '';
    const part = country < 'G' ? 0 : country < 'P' ? 1 : 2;
    parts[part]!.push(
      quoted([
        r.Change ?? '',
        country,
        r.Location ?? '',
        r.Name ?? '',
        r.NameWoDiacritics ?? '',
        r.Subdivision ?? '',
        r.Function ?? '',
        r.Status ?? '',
        r.Date ?? '',
        r.IATA ?? '',
        r.Coordinates ?? '',
        r.Remarks ?? '',
      ]),
    );
  }
  for (const a of readRows('un-locode/alias.csv')) {
    parts[0]!.push(
      quoted(['=', a.Country ?? '', '', a.Name ?? '', a.NameWoDiacritics ?? '', '', '', '', '', '', '', '']),
    );
  }
  const subdivisions = readRows('un-locode/subdivision-codes.csv').map((s) =>
    quoted([s.SUCountry ?? '', s.SUCode ?? '', s.SUName ?? '', s.SUType ?? '']),
  );
  return writeZip([
    ...parts.map((rows, i) => ({
      name: `${EDITION} UNLOCODE CodeListPart${i + 1}.csv`,
      data: Buffer.from(`${rows.join('\r\n')}\r\n`),
    })),
    { name: `${EDITION} SubdivisionCodes.csv`, data: Buffer.from(`${subdivisions.join('\r\n')}\r\n`) },
  ]);
}

function upstream(): Map<string, Buffer> {
  const sources = officialSources(EDITION);
  const path = (url: string) => url.replace(/^https:\/\//, '');
  const six = sixLists();
  return new Map([
    [path(sources.hs2022.url), readFileSync(join(source, REFERENCE_FILES.hs2022))],
    [path(sources.hs2017.url), readFileSync(join(source, REFERENCE_FILES.hs2017))],
    [path(sources.hsSections.url), readFileSync(join(source, 'hs/sections.csv'))],
    [path(sources.countries.url), readFileSync(join(source, REFERENCE_FILES.countries))],
    [path(sources.iso4217Current.url), Buffer.from(six.one)],
    [path(sources.iso4217Historic.url), Buffer.from(six.three)],
    [path(sources.unlocode.url), unlocodeZip()],
  ]);
}

function sameSet(a: Iterable<string>, b: Iterable<string>): { equal: boolean; onlyA: number; onlyB: number } {
  const sa = new Set(a);
  const sb = new Set(b);
  const onlyA = [...sa].filter((x) => !sb.has(x)).length;
  const onlyB = [...sb].filter((x) => !sa.has(x)).length;
  return { equal: onlyA === 0 && onlyB === 0, onlyA, onlyB };
}

function compare(a: ReferenceData, b: ReferenceData): Array<[string, string, boolean]> {
  const row = (name: string, x: Iterable<string>, y: Iterable<string>): [string, string, boolean] => {
    const r = sameSet(x, y);
    return [
      name,
      r.equal
        ? `${new Set(x).size} = ${new Set(y).size}`
        : `${r.onlyA} only in mirror, ${r.onlyB} only fetched`,
      r.equal,
    ];
  };
  const hs = (ref: ReferenceData, edition: '2022' | '2017') => [
    ...[...ref.hs[edition].subheadings].map(([k, v]) => `${k}\t${v}`),
    ...[...ref.hs[edition].headings].map(([k, v]) => `${k}\t${v}`),
    ...[...ref.hs[edition].chapters].map(([k, v]) => `${k}\t${v}`),
  ];
  const countries = (ref: ReferenceData) =>
    [...ref.countries.values()].map((c) => `${c.alpha2}\t${c.alpha3}\t${c.name}`);
  const flags = (ref: ReferenceData) =>
    [...ref.regulatory.values()]
      .flat()
      .map((f) => `${f.hsCode}\t${f.concern}\t${f.subconcern}\t${f.confidence}`);
  return [
    row('HS 2022 codes and texts', hs(a, '2022'), hs(b, '2022')),
    row('HS 2017 codes and texts', hs(a, '2017'), hs(b, '2017')),
    row('countries (alpha-2, alpha-3, name)', countries(a), countries(b)),
    row('current ISO 4217 codes', a.currencies, b.currencies),
    row('UN/LOCODEs', a.locodes, b.locodes),
    row('regulatory flags', flags(a), flags(b)),
  ];
}

/** Decimal coordinates derived by the fetcher against those in the mirror, where the mirror has them. */
function coordinateAgreement(fetched: string): { compared: number; equal: number } {
  const key = (r: Row) => `${r.Change}|${r.Country}|${r.Location}|${r.Name}`;
  const mirror = new Map(readRows(REFERENCE_FILES.locodes).map((r) => [key(r), r]));
  let compared = 0;
  let equal = 0;
  const rows = parse(readFileSync(join(fetched, REFERENCE_FILES.locodes)), { columns: true }) as Row[];
  for (const r of rows) {
    const m = mirror.get(key(r));
    if (!m?.Latitude || !m.Longitude) continue;
    compared++;
    if (Number(m.Latitude) === Number(r.Latitude) && Number(m.Longitude) === Number(r.Longitude)) equal++;
  }
  return { compared, equal };
}

const server = await startFixtureServer(upstream());
const work = mkdtempSync(join(tmpdir(), 'greenlane-eval-fetch-'));
try {
  const seconds: number[] = [];
  let target = '';
  for (let run = 0; run < RUNS; run++) {
    target = join(work, `data-${run}`);
    const started = performance.now();
    await fetchReferenceData({ to: target, from: source, baseUrl: server.baseUrl, locodeEdition: EDITION });
    seconds.push((performance.now() - started) / 1000);
  }
  const original = loadReferenceData(source);
  const fetched = loadReferenceData(target);
  const checks = compare(original, fetched);
  const coords = coordinateAgreement(target);
  const allEqual = checks.every(([, , ok]) => ok);

  const md = [
    '## Reference-data fetch round trip (issue 2)',
    '',
    `Command: \`npm run eval:reference-fetch\` — run ${new Date().toISOString().slice(0, 10)}, data directory \`${source}\`.`,
    '',
    "The publishers' formats (raw CSVs, SIX ISO 4217 XML lists one and three, a UNECE UN/LOCODE CSV zip) are",
    'rebuilt from the data directory, served on 127.0.0.1, and fetched with the production row minimums.',
    'The fetched directory must load to the same reference sets as the original.',
    '',
    '| set | result | equal |',
    '|---|---|---|',
    ...checks.map(([name, detail, ok]) => `| ${name} | ${detail} | ${ok ? 'yes' : '**no**'} |`),
    `| derived Latitude/Longitude vs the mirror's (rows where it has them) | ${coords.equal}/${coords.compared} | ${coords.equal === coords.compared ? 'yes' : '**no**'} |`,
    '',
    `Fetch, convert, validate and install all five datasets: median ${median(seconds).toFixed(2)} s of ${RUNS} runs`,
    `(${seconds.map((s) => s.toFixed(2)).join(', ')} s). Version of the fetched directory: \`${fetched.version}\``,
    `(differs from the original \`${original.version}\` because the rebuilt currency and UN/LOCODE files are`,
    "written in the fetcher's layout, not byte for byte).",
  ].join('\n');
  process.stdout.write(`${md}\n`);
  writeReportSection('docs/QUALITY.md', 'reference-fetch', md);
  if (!allEqual) process.exitCode = 1;
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import type {
  Country,
  HsNomenclature,
  ReferenceData,
  RegulatoryFlag,
} from '../../core/reference/reference-data.ts';

/** Files read from the data directory, relative to it (the layout of `../shared/data`). */
export const REFERENCE_FILES = {
  hs2022: 'hs/hs2022.csv',
  hs2017: 'hs/hs2017.csv',
  countries: 'countries/country-codes.csv',
  currencies: 'currencies/codes-all.csv',
  locodes: 'un-locode/code-list.csv',
  regulatory: 'hs-regulatory/hs2022-regulatory-flags.csv',
} as const;

export class ReferenceDataError extends GreenlaneError<'MISSING_FILE'> {
  override name = 'ReferenceDataError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('MISSING_FILE', message, options);
  }
}

type Row = Record<string, string>;

function readCsv(dir: string, file: string, hash: ReturnType<typeof createHash>): Row[] {
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new ReferenceDataError(
      `reference file ${path} is missing: set GREENLANE_DATA_DIR to a data directory, or run "greenlane reference fetch"`,
    );
  }
  const buf = readFileSync(path);
  hash.update(file).update(buf);
  return parse(buf, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Row[];
}

function nomenclature(edition: '2022' | '2017', rows: Row[]): HsNomenclature {
  const subheadings = new Map<string, string>();
  const headings = new Map<string, string>();
  const chapters = new Map<string, string>();
  for (const row of rows) {
    // UN Comtrade artefacts (TOTAL, 99, 9999, 999999) are not HS codes.
    if (row.section === 'TOTAL') continue;
    const code = row.hscode ?? '';
    const description = row.description ?? '';
    if (code.length === 6) subheadings.set(code, description);
    else if (code.length === 4) headings.set(code, description);
    else if (code.length === 2) chapters.set(code, description);
  }
  return { edition, subheadings, headings, chapters };
}

/** Loads the reference data from a data directory laid out like `../shared/data`. */
export function loadReferenceData(dir: string): ReferenceData {
  const hash = createHash('sha256');
  const hs2022 = nomenclature('2022', readCsv(dir, REFERENCE_FILES.hs2022, hash));
  const hs2017 = nomenclature('2017', readCsv(dir, REFERENCE_FILES.hs2017, hash));

  const countries = new Map<string, Country>();
  for (const row of readCsv(dir, REFERENCE_FILES.countries, hash)) {
    const alpha2 = row['ISO3166-1-Alpha-2']?.trim();
    if (!alpha2 || !/^[A-Z]{2}$/.test(alpha2)) continue;
    countries.set(alpha2, {
      alpha2,
      alpha3: row['ISO3166-1-Alpha-3']?.trim() ?? '',
      name: row['CLDR display name'] || row['UNTERM English Short'] || row.official_name_en || alpha2,
    });
  }

  const currencies = new Set<string>();
  for (const row of readCsv(dir, REFERENCE_FILES.currencies, hash)) {
    const code = row.AlphabeticCode?.trim();
    if (code && /^[A-Z]{3}$/.test(code) && !row.WithdrawalDate?.trim()) currencies.add(code);
  }

  const locodes = new Set<string>();
  for (const row of readCsv(dir, REFERENCE_FILES.locodes, hash)) {
    // Status XX marks entries to be removed; keep everything else.
    if (row.Status === 'XX' || !row.Country || !row.Location) continue;
    locodes.add(`${row.Country}${row.Location}`);
  }

  const regulatory = new Map<string, RegulatoryFlag[]>();
  for (const row of readCsv(dir, REFERENCE_FILES.regulatory, hash)) {
    const hsCode = row.hs_code ?? '';
    if (!/^\d{4}(\d{2})?$/.test(hsCode)) continue;
    const flag: RegulatoryFlag = {
      concern: row.concern ?? '',
      subconcern: row.subconcern ?? '',
      hsCode,
      confidence: (row.confidence as RegulatoryFlag['confidence']) ?? 'low',
      notes: row.notes ?? '',
    };
    const list = regulatory.get(hsCode);
    if (list) list.push(flag);
    else regulatory.set(hsCode, [flag]);
  }

  return {
    hs: { '2022': hs2022, '2017': hs2017 },
    countries,
    currencies,
    locodes,
    regulatory,
    version: `ref-${hash.digest('hex').slice(0, 16)}`,
  };
}

const cache = new Map<string, ReferenceData>();
/** Same as {@link loadReferenceData}, loaded once per directory per process. */
export function referenceData(dir: string): ReferenceData {
  let ref = cache.get(dir);
  if (!ref) {
    ref = loadReferenceData(dir);
    cache.set(dir, ref);
  }
  return ref;
}

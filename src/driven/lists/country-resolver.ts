import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import anyAscii from 'any-ascii';
import { parse } from 'csv-parse/sync';

/**
 * Resolves a country as lists write it ("Iran (Islamic Republic of)", "Russian Federation",
 * "af", "AFG") to its ISO 3166-1 alpha-2 code, from the country code table in the data directory
 * (`countries/country-codes.csv`). Lists and queries disagree on country spelling; comparing
 * codes is what lets nationality count as evidence.
 */
export type CountryResolver = (value: string | undefined) => string | undefined;

const NAME_COLUMNS = [
  'CLDR display name',
  'UNTERM English Short',
  'UNTERM English Formal',
  'official_name_en',
  'official_name_fr',
  'official_name_es',
  'UNTERM French Short',
  'UNTERM Spanish Short',
  'ISO4217-currency_country_name',
];

function key(value: string): string {
  return anyAscii(value)
    .toLowerCase()
    .replace(/\(the\)|\bthe\b/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The country code table the resolver reads. */
export function countryCodesPath(dataDirectory: string): string {
  return join(dataDirectory, 'countries', 'country-codes.csv');
}

/** Builds a resolver from the data directory; unknown values resolve to undefined. */
export function loadCountryResolver(dataDirectory: string): CountryResolver {
  const rows = parse(readFileSync(countryCodesPath(dataDirectory)), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;
  const byKey = new Map<string, string>();
  for (const row of rows) {
    const alpha2 = row['ISO3166-1-Alpha-2']?.trim();
    if (!alpha2 || !/^[A-Z]{2}$/.test(alpha2)) continue;
    byKey.set(alpha2.toLowerCase(), alpha2);
    const alpha3 = row['ISO3166-1-Alpha-3']?.trim();
    if (alpha3) byKey.set(alpha3.toLowerCase(), alpha2);
    for (const column of NAME_COLUMNS) {
      const name = row[column]?.trim();
      if (!name) continue;
      byKey.set(key(name), alpha2);
      // "Iran (Islamic Republic of)" is also written "Iran".
      const short = key(name.replace(/\(.*?\)/g, ''));
      if (short && !byKey.has(short)) byKey.set(short, alpha2);
    }
  }
  return (value) => {
    if (!value) return undefined;
    const k = key(value);
    if (!k) return undefined;
    return byKey.get(k) ?? byKey.get(key(value.replace(/\(.*?\)/g, '')));
  };
}

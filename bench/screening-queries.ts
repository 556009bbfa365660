/**
 * The query mix of `bench:screening` and `bench:screening-profile`, as a screening service sees
 * it: mostly clean parties (synthetic non-listed persons from the labelled set), with one perturbed
 * UN-listed person (a true hit) after every fifteen of them. Both benches read it from here so a
 * profile always explains the figures the throughput bench prints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ScreeningQuery } from '../src/core/screening/screen.ts';
import { loadCountryResolver } from '../src/driven/lists/country-resolver.ts';

export function benchScreeningQueries(dataDirectory: string): {
  queries: ScreeningQuery[];
  /** How many of them are clean (non-listed) parties. */
  clean: number;
} {
  const resolveCountry = loadCountryResolver(dataDirectory);
  const evalDir = join(dataDirectory, 'sanctions', 'eval');
  const rows = (file: string) =>
    parse(readFileSync(join(evalDir, file)), { columns: true, skip_empty_lines: true }) as Array<
      Record<string, string>
    >;
  const toQuery = (r: Record<string, string>): ScreeningQuery => {
    const country = resolveCountry(r.nationality);
    return {
      name: r.full_name ?? '',
      type: 'person',
      ...(r.date_of_birth ? { dob: r.date_of_birth } : {}),
      ...(country ? { country } : {}),
    };
  };
  const positives = rows('yente_positives_un_treated.csv').map(toQuery);
  const negatives = [
    ...rows('yente_negatives_global.csv').slice(0, 5000),
    ...rows('yente_negatives_us.csv').slice(0, 5000),
  ].map(toQuery);
  const queries: ScreeningQuery[] = [];
  for (let i = 0; i < negatives.length; i++) {
    queries.push(negatives[i]!);
    if (i % 15 === 0) queries.push(positives[(i / 15) % positives.length]!);
  }
  return { queries, clean: negatives.length };
}

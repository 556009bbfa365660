import { buildScreeningIndex, type ScreeningIndex } from '../../core/screening/candidate-index.ts';
import { LIST_SOURCES, type ListSource, type ListVersion } from '../../core/screening/entity.ts';
import type { NameTables } from '../../core/screening/name-tables.ts';
import { loadCountryResolver } from './country-resolver.ts';
import { readJapanese, releaseJapaneseReader } from './japanese-reader.ts';
import { loadList } from './list-sources.ts';
import { loadNameTables } from './rigour-tables.ts';

/** Timings of a start-up from files, in milliseconds, for the benchmark and the logs. */
export interface IndexLoadTimings {
  parseMs: number;
  tablesMs: number;
  buildMs: number;
}

/**
 * Loads lists from the data directory (or given versions) and builds the screening index: what
 * `greenlane screen`, the evaluation and the assessment pipeline call at start-up.
 *
 * @example
 * const { index } = await loadScreeningIndex({ dataDirectory: dataDir() });
 */
export async function loadScreeningIndex(options: {
  dataDirectory: string;
  lists?: readonly ListSource[];
  versions?: ListVersion[];
}): Promise<{ index: ScreeningIndex; versions: ListVersion[]; timings: IndexLoadTimings }> {
  let t = performance.now();
  const resolveCountry = loadCountryResolver(options.dataDirectory);
  const versions =
    options.versions ??
    (await Promise.all(
      (options.lists ?? LIST_SOURCES).map((list) =>
        loadList(list, { dataDirectory: options.dataDirectory, resolveCountry }),
      ),
    ));
  const parseMs = performance.now() - t;
  t = performance.now();
  const tables = await loadScreeningTables(options.dataDirectory);
  const tablesMs = performance.now() - t;
  t = performance.now();
  const index = buildScreeningIndex(versions, tables);
  // The listed names are read; queries in Han script load the dictionary again when they come.
  releaseJapaneseReader();
  const buildMs = performance.now() - t;
  return { index, versions, timings: { parseMs, tablesMs, buildMs } };
}

/**
 * The screening core's name tables: the rigour word tables from the data directory and the
 * Japanese reader for names written in kanji (loaded once per process).
 */
export async function loadScreeningTables(dataDirectory: string): Promise<NameTables> {
  return { ...loadNameTables(dataDirectory), readJapanese };
}

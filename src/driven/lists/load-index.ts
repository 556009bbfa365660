import { buildScreeningIndex, type ScreeningIndex } from '../../core/screening/candidate-index.ts';
import { LIST_SOURCES, type ListSource, type ListVersion } from '../../core/screening/entity.ts';
import type { NameTables } from '../../core/screening/name-tables.ts';
import { loadCountryResolver } from './country-resolver.ts';
import {
  type IndexSnapshotCache,
  type IndexSnapshotRef,
  indexSnapshotKey,
  indexSnapshotRef,
  readIndexSnapshot,
  writeIndexSnapshot,
} from './index-snapshot.ts';
import { readJapanese, releaseJapaneseReader } from './japanese-reader.ts';
import { loadList } from './list-sources.ts';
import { loadNameTables } from './rigour-tables.ts';

/** Timings of a start-up, in milliseconds, for the benchmark and the logs. */
export interface IndexLoadTimings {
  /** `snapshot` when the index was read from the cache, else `files`. */
  source: 'files' | 'snapshot';
  /** Hashing the inputs for the snapshot key (0 without a cache). */
  keyMs: number;
  /** Reading the snapshot, or writing it after a build from files (0 without a cache). */
  snapshotMs: number;
  parseMs: number;
  tablesMs: number;
  buildMs: number;
}

/** The loaded index, the list versions it holds, and the snapshot file that holds the same index. */
export interface LoadedScreeningIndex {
  index: ScreeningIndex;
  versions: ListVersion[];
  timings: IndexLoadTimings;
  /** The snapshot read or written, when there is one (screening workers read it too). */
  snapshot?: IndexSnapshotRef;
}

/**
 * Loads lists from the data directory (or given versions) and builds the screening index: what
 * `greenlane screen`, the evaluation and the assessment pipeline call at start-up. With `cache`,
 * an index built from the data directory is kept as a snapshot keyed by its inputs and code
 * (index-snapshot.ts), and the next start with the same inputs reads that instead of building.
 * A cache that cannot be read or written costs one line through `warn` (default: stderr), and
 * the index is built as without it. Given `versions` are never cached.
 *
 * @example
 * const { index } = await loadScreeningIndex({ dataDirectory: dataDir() });
 */
export async function loadScreeningIndex(options: {
  dataDirectory: string;
  lists?: readonly ListSource[];
  versions?: ListVersion[];
  cache?: IndexSnapshotCache;
  warn?: (line: string) => void;
}): Promise<LoadedScreeningIndex> {
  const lists = options.lists ?? LIST_SOURCES;
  const cache = options.versions ? undefined : options.cache;
  const today = new Date().toISOString().slice(0, 10);
  let warned = false;
  const warn = (line: string) => {
    if (warned) return;
    warned = true;
    (options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  };
  const timings: IndexLoadTimings = {
    source: 'files',
    keyMs: 0,
    snapshotMs: 0,
    parseMs: 0,
    tablesMs: 0,
    buildMs: 0,
  };
  const keyOf = (): string | undefined => {
    if (!cache) return undefined;
    const t = performance.now();
    const key = indexSnapshotKey({
      dataDirectory: options.dataDirectory,
      lists,
      packageRoot: cache.packageRoot,
    });
    timings.keyMs += performance.now() - t;
    return key;
  };

  const key = keyOf();
  if (cache && key) {
    const t = performance.now();
    const ref = indexSnapshotRef(cache.directory, key);
    try {
      const snapshot = readIndexSnapshot(ref, today);
      timings.snapshotMs = performance.now() - t;
      if (snapshot) {
        const t2 = performance.now();
        const tables = await loadScreeningTables(options.dataDirectory);
        timings.tablesMs = performance.now() - t2;
        timings.source = 'snapshot';
        return { index: { ...snapshot.index, tables }, versions: snapshot.versions, timings, snapshot: ref };
      }
    } catch (err) {
      warn(
        `greenlane: the saved screening index could not be used (${reason(err)}); building it from the lists instead`,
      );
    }
  }

  let t = performance.now();
  const resolveCountry = loadCountryResolver(options.dataDirectory);
  const versions =
    options.versions ??
    (await Promise.all(
      lists.map((list) => loadList(list, { dataDirectory: options.dataDirectory, resolveCountry })),
    ));
  timings.parseMs = performance.now() - t;
  t = performance.now();
  const tables = await loadScreeningTables(options.dataDirectory);
  timings.tablesMs = performance.now() - t;
  t = performance.now();
  const index = buildScreeningIndex(versions, tables);
  // The listed names are read; queries in Han script load the dictionary again when they come.
  releaseJapaneseReader();
  timings.buildMs = performance.now() - t;

  let snapshot: IndexSnapshotRef | undefined;
  // Saved only when the inputs did not change while they were read.
  if (cache && key && keyOf() === key) {
    t = performance.now();
    try {
      const { tables: _, ...data } = index;
      snapshot = writeIndexSnapshot(cache.directory, key, { index: data, versions }, today);
    } catch (err) {
      warn(
        `greenlane: the screening index could not be saved in ${cache.directory} (${reason(err)}); the next start builds it again (GREENLANE_SCREENING_CACHE=off stops trying)`,
      );
    }
    timings.snapshotMs = performance.now() - t;
  }
  return { index, versions, timings, ...(snapshot ? { snapshot } : {}) };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The index held by a snapshot another load wrote or read (`LoadedScreeningIndex.snapshot`), with
 * the name tables read again; undefined when the file is gone or cannot be trusted, and the caller
 * builds. What a screening worker thread starts from.
 */
export async function indexFromSnapshot(
  ref: IndexSnapshotRef,
  dataDirectory: string,
): Promise<ScreeningIndex | undefined> {
  let snapshot: ReturnType<typeof readIndexSnapshot>;
  try {
    snapshot = readIndexSnapshot(ref, new Date().toISOString().slice(0, 10));
  } catch {
    return undefined;
  }
  return snapshot && { ...snapshot.index, tables: await loadScreeningTables(dataDirectory) };
}

/**
 * The screening core's name tables: the rigour word tables from the data directory and the
 * Japanese reader for names written in kanji (loaded once per process).
 */
export async function loadScreeningTables(dataDirectory: string): Promise<NameTables> {
  return { ...loadNameTables(dataDirectory), readJapanese };
}

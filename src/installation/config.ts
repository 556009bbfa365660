import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IndexSnapshotCache } from '../driven/lists/index-snapshot.ts';
import { environmentReferenceDir } from '../driven/reference/environment-reference.ts';

/** The repository (package) root, whatever the current working directory is. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The one configurable reference-data directory. `GREENLANE_DATA_DIR` wins; otherwise the shared
 * mirror beside the checkout (`../shared/data`) when it exists, else `./.greenlane/data` where the
 * official-source loader (`greenlane reference fetch`) writes.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GREENLANE_DATA_DIR) return resolve(env.GREENLANE_DATA_DIR);
  const mirror = resolve(PACKAGE_ROOT, '..', 'shared', 'data');
  if (existsSync(mirror)) return mirror;
  return resolve(PACKAGE_ROOT, '.greenlane', 'data');
}

/**
 * The administration a command works in when given no `--administration`: `greenlane assess`
 * stores declarations there, and what a partner added without one sends goes there.
 */
export const DEFAULT_ADMINISTRATION = 'local';

/** Where the embedded installation keeps its state (SQLite file, signing keys). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.GREENLANE_HOME ?? resolve(PACKAGE_ROOT, '.greenlane'));
}

/** Default database URL: SQLite under the state directory; `GREENLANE_DB` or `--db` override it. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.GREENLANE_DB ?? `sqlite:${resolve(stateDir(env), 'greenlane.db')}`;
}

/**
 * Where built screening indexes are kept between starts (snapshots, src/driven/lists/index-snapshot.ts):
 * `GREENLANE_CACHE_DIR`, else `node_modules/.cache/greenlane` in the package when it can be
 * written there (a read-only install then builds at every start, as without the cache). Undefined
 * with `GREENLANE_SCREENING_CACHE=off`.
 */
export function screeningIndexCache(env: NodeJS.ProcessEnv = process.env): IndexSnapshotCache | undefined {
  if (env.GREENLANE_SCREENING_CACHE?.trim().toLowerCase() === 'off') return undefined;
  if (env.GREENLANE_CACHE_DIR)
    return { directory: resolve(env.GREENLANE_CACHE_DIR), packageRoot: PACKAGE_ROOT };
  const directory = resolve(PACKAGE_ROOT, 'node_modules', '.cache', 'greenlane');
  let existing = directory;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return undefined;
  }
  return { directory, packageRoot: PACKAGE_ROOT };
}

/**
 * What an installation is built from (`openInstallation`): its database, and the environment its
 * state directory (`GREENLANE_HOME`: log and selection keys, witnesses), log origin and random
 * rates are read from. Server-only settings (rate limits, screening workers) are read by
 * {@link rateLimits} and {@link screeningWorkers} where a server starts.
 */
export interface InstallationConfig {
  /** `sqlite:<file>`, `sqlite::memory:` or `postgres://...` (see `openDatabase`). */
  databaseUrl: string;
  /** The reference-data directory (sanctions lists, reference tables). */
  dataDirectory: string;
  /** Where the screening index is kept between starts ({@link screeningIndexCache}); none when absent. */
  screeningCache?: IndexSnapshotCache;
  env: NodeJS.ProcessEnv;
}

/** The installation's configuration: `databaseUrl` when given (`--db`), else {@link defaultDatabaseUrl}. */
export function installationConfig(
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): InstallationConfig {
  const screeningCache = screeningIndexCache(env);
  return {
    databaseUrl: databaseUrl ?? defaultDatabaseUrl(env),
    dataDirectory: dataDir(env),
    ...(screeningCache ? { screeningCache } : {}),
    env,
  };
}

/** PostgreSQL used by the test suites (trust auth on this machine kind). */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.GREENLANE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/**
 * Bounds of one `POST /v1/screen` request. The heaviest request these allow (100 names of 350
 * Han characters) is what the health-latency test and `bench:screen-api` run. The longest listed
 * name in the four lists has 324 characters (10 of 66,824 have more than 200), so any listed name
 * can be screened as written.
 */
export const SCREEN_LIMITS = {
  /** Parties in one `{"parties":[...]}` batch. */
  maxParties: 100,
  /** Characters of one name (after trimming). */
  maxNameLength: 350,
  /** Bytes of the request body: 100 parties of 350 characters fit even with every character escaped. */
  maxBodyBytes: 512 * 1024,
} as const;

/**
 * Per-API-key limits on the heavy routes (`POST /v1/screen`, `POST /v1/declarations`): a token
 * bucket refilled at `perMinute` holding at most `burst` requests, and at most `concurrent`
 * requests of one key in progress. Over either limit the answer is 429 with `Retry-After`.
 */
export interface RateLimits {
  perMinute: number;
  burst: number;
  concurrent: number;
}

/** One request a second on average, bursts of 10, two at a time: more than a desk or a feed needs. */
export const DEFAULT_RATE_LIMITS: RateLimits = { perMinute: 60, burst: 10, concurrent: 2 };

/**
 * Screening worker threads of `greenlane serve`. Each holds its own copy of the screening index
 * (docs/PERFORMANCE.md gives the memory it costs), so one is the default for a modest office PC.
 */
export const DEFAULT_SCREENING_WORKERS = 1;

/** Reads an integer setting from the environment, naming the variable when it is wrong. */
function integerSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: { min?: number; max: number },
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  const min = range.min ?? 1;
  if (!/^\d+$/.test(raw.trim()) || n < min || n > range.max)
    throw new Error(`${name} must be an integer from ${min} to ${range.max}, not "${raw}"`);
  return n;
}

/**
 * The heavy-route rate limits: `GREENLANE_RATE_LIMIT_PER_MINUTE`, `GREENLANE_RATE_LIMIT_BURST` and
 * `GREENLANE_RATE_LIMIT_CONCURRENT` override {@link DEFAULT_RATE_LIMITS}.
 */
export function rateLimits(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const d = DEFAULT_RATE_LIMITS;
  return {
    perMinute: integerSetting(env, 'GREENLANE_RATE_LIMIT_PER_MINUTE', d.perMinute, { max: 1_000_000 }),
    burst: integerSetting(env, 'GREENLANE_RATE_LIMIT_BURST', d.burst, { max: 1_000_000 }),
    concurrent: integerSetting(env, 'GREENLANE_RATE_LIMIT_CONCURRENT', d.concurrent, { max: 10_000 }),
  };
}

/**
 * Screening worker threads: `GREENLANE_SCREENING_WORKERS` (0 to 16) or
 * {@link DEFAULT_SCREENING_WORKERS}. 0 screens on the event loop: it saves the worker's copy of
 * the index, but a large request then delays every other request (the benchmark's "before").
 */
export function screeningWorkers(env: NodeJS.ProcessEnv = process.env): number {
  return integerSetting(env, 'GREENLANE_SCREENING_WORKERS', DEFAULT_SCREENING_WORKERS, { min: 0, max: 16 });
}

/**
 * The environmental reference tables (substances, blends, CITES species): `GREENLANE_ENVIRONMENT_DIR`,
 * else `<data directory>/environment` when an installation put the official tables there, else the
 * curated tables in `reference/environment` (see their SOURCE.md).
 */
export function environmentDir(env: NodeJS.ProcessEnv = process.env): string {
  return environmentReferenceDir(dataDir(env), PACKAGE_ROOT, env);
}

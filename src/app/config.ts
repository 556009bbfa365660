import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Where the embedded installation keeps its state (SQLite file, signing keys). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.GREENLANE_HOME ?? resolve(PACKAGE_ROOT, '.greenlane'));
}

/** Default database URL: SQLite under the state directory; `GREENLANE_DB` or `--db` override it. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.GREENLANE_DB ?? `sqlite:${resolve(stateDir(env), 'greenlane.db')}`;
}

/** PostgreSQL used by the test suites (trust auth on this machine kind). */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.GREENLANE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

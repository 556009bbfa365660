import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../src/driving/http/web/web-build.ts';
import { PACKAGE_ROOT, testPostgresUrl } from '../../src/installation/config.ts';
import { buildTestBundles } from './cli-bundle.ts';

/**
 * Once per run, before any test file: builds the bundles that tests start processes from (the
 * `greenlane` CLI, `greenlaneScript()`, and the crash test's appender), and drops the PostgreSQL schemas test files created in earlier runs.
 * Returns the teardown, which deletes the bundles.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = join(PACKAGE_ROOT, 'node_modules', '.cache', `greenlane-test-cli-${process.pid}`);
  // Once, before the files run in parallel: the browser tests' servers then find a current build
  // of the workbench instead of each building it (nothing to do when web/ has not changed).
  const [bundles] = await Promise.all([buildTestBundles(dir), dropOldSchemas(), ensureWebBuild()]);
  project.provide('greenlaneCliBundle', bundles.cli);
  project.provide('ledgerAppenderBundle', bundles.ledgerAppender);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Drops the schemas of earlier runs (`t_<hex>`). Schemas are not dropped while tests run: Kysely's
 * migrator introspects every schema of the database, and a schema dropped under it by a parallel
 * test file makes that introspection fail.
 */
async function dropOldSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  try {
    await client.connect();
  } catch {
    return; // no PostgreSQL: the PostgreSQL suites report it themselves
  }
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'",
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists ${nspname} cascade`);
  } finally {
    await client.end();
  }
}

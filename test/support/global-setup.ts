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
 * Vitest calls it for the root and for each project of vitest.config.ts: the first call does the
 * work and the others share it (one build, one directory). Returns the teardown, which deletes the bundles.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const shared = globalThis as { greenlaneTestSetup?: Promise<{ cli: string; ledgerAppender: string }> };
  const first = shared.greenlaneTestSetup === undefined;
  shared.greenlaneTestSetup ??= prepare();
  const bundles = await shared.greenlaneTestSetup;
  project.provide('greenlaneCliBundle', bundles.cli);
  project.provide('ledgerAppenderBundle', bundles.ledgerAppender);
  return first ? () => rmSync(bundleDir(), { recursive: true, force: true }) : () => undefined;
}

const bundleDir = () => join(PACKAGE_ROOT, 'node_modules', '.cache', `greenlane-test-cli-${process.pid}`);

async function prepare(): Promise<{ cli: string; ledgerAppender: string }> {
  // Once, before the files run in parallel: the browser tests' servers then find a current build
  // of the workbench instead of each building it (nothing to do when web/ has not changed).
  const [bundles] = await Promise.all([buildTestBundles(bundleDir()), dropOldSchemas(), ensureWebBuild()]);
  return bundles;
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

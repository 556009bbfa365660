import pg from 'pg';
import { ensureWebBuild } from '../../src/driving/http/web/web-build.ts';
import { testPostgresUrl } from '../../src/installation/config.ts';

/**
 * Drops the PostgreSQL schemas test files created in earlier runs (`t_<hex>`). Schemas are not
 * dropped while tests run: Kysely's migrator introspects every schema of the database, and a
 * schema dropped under it by a parallel test file makes that introspection fail.
 */
export default async function setup(): Promise<void> {
  // Once, before the files run in parallel: the browser tests' servers then find a current build
  // of the workbench instead of each building it (nothing to do when web/ has not changed).
  await ensureWebBuild();
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

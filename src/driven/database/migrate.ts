import { type MigrationProvider, Migrator, sql } from 'kysely';
import type { StoreConnection } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * The PostgreSQL schema the connection writes to (first of its search_path). Kysely's Migrator
 * looks for its own tables through introspection across every schema of the database, so without
 * naming ours it would see another schema's `kysely_migration` (a second installation, a parallel
 * test) and skip creating its own.
 */
async function currentSchema(conn: StoreConnection): Promise<string | undefined> {
  if (conn.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(conn.db);
  return rows[0]?.schema;
}

/**
 * Brings the database to the latest schema and returns the names of the migrations it applied;
 * throws with the failing migration's name. Called once per process start, by `openInstallation`.
 */
export async function migrateToLatest(conn: StoreConnection): Promise<string[]> {
  const schema = await currentSchema(conn);
  const migrator = new Migrator({
    db: conn.db,
    provider,
    // Each capability owns its own tables and migration file, so a database that ran a later
    // capability's migration first (e.g. 0004-model before 0003-screening landed) may run the
    // earlier one afterwards.
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

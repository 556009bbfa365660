import { Migrator, sql } from 'kysely';
import type { StoreConnection } from '../../src/driven/database/database.ts';
import { MIGRATIONS } from '../../src/driven/database/migrations/index.ts';

/**
 * Brings a test database up to one named migration only, so a later migration's handling of
 * rows written before it can be tested (then `migrateToLatest` runs the rest).
 */
export async function migrateTo(conn: StoreConnection, name: string): Promise<void> {
  const schema =
    conn.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]!.s
      : undefined;
  const migrator = new Migrator({
    db: conn.db,
    provider: { getMigrations: async () => MIGRATIONS },
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

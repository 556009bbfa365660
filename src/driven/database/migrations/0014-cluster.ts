import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Cluster mode (issue 14): `leases` (see `cluster-tables.ts`), and a unique index on the intake
 * message a version was stored from (`source` = `stream:<stream>@<sequence>`), so the same message
 * can never be stored as two versions, whatever two workers race: the second transaction fails
 * and its worker finds the message applied.
 */
export const clusterMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('released', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('declaration_versions_by_intake_message')
      .unique()
      .on('declaration_versions')
      .columns(['administration', 'source'])
      .where(sql.ref('source'), 'like', 'stream:%')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('declaration_versions_by_intake_message').execute();
    await db.schema.dropTable('leases').execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * A version number per administration's medical serial registry (issue 13), raised by every load
 * in the load's transaction: a process holding the in-memory serial index
 * (`core/medical/serial-index.ts`) reads it once per batch, by primary key, and rebuilds its index
 * from `medical_serials` when it changed, so another process's load is seen at the next batch.
 */
export const medicalRegistryVersionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('medical_registry_versions')
      .addColumn('administration', 'text', (c) => c.notNull().primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('medical_registry_versions').execute();
  },
};

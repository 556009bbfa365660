import type { Kysely, Migration } from 'kysely';

/** The model registry (src/driven/database/model-tables.ts); portable column types only. */
export const modelMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('model_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('metrics', 'text')
      .addColumn('window_from', 'text', (c) => c.notNull())
      .addColumn('window_to', 'text', (c) => c.notNull())
      .addColumn('window_rows', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('model_versions_unique', ['administration', 'target', 'version'])
      .execute();
    await db.schema
      .createTable('model_activations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('model_id', 'text', (c) => c.notNull().references('model_versions.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('activated_by', 'text', (c) => c.notNull())
      .addColumn('activated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('model_activations_unique', ['administration', 'target', 'seq'])
      .execute();
    await db.schema
      .createIndex('model_activations_by_target')
      .on('model_activations')
      .columns(['administration', 'target', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('model_activations').execute();
    await db.schema.dropTable('model_versions').execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * Alerts between administrations (issue 11): `alerts` keeps each administration's copy of the
 * alerts it issued and received (primary key administration + id), `alert_feedback` what came of
 * them. The receiver's pipeline reads its accepted alerts before each batch (the index).
 */
export const alertsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('alerts')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('partner', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('handling', 'text', (c) => c.notNull())
      .addColumn('content', 'text')
      .addColumn('valid_from', 'text')
      .addColumn('valid_until', 'text')
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alerts_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createIndex('alerts_by_status')
      .on('alerts')
      .columns(['administration', 'status', 'direction'])
      .execute();
    await db.schema
      .createTable('alert_feedback')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('partner', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_feedback_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createIndex('alert_feedback_by_alert')
      .on('alert_feedback')
      .columns(['administration', 'alert_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('alert_feedback').execute();
    await db.schema.dropTable('alerts').execute();
  },
};

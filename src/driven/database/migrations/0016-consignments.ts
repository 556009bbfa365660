import type { Kysely, Migration } from 'kysely';

/**
 * Low-value consignments and their lane (issue 14, docs/ECOMMERCE.md): primary key administration
 * + id, and an index to list an administration's held and inspected parcels by time.
 */
export const consignmentsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('consignments')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('regime', 'text', (c) => c.notNull())
      .addColumn('lodged_at', 'text', (c) => c.notNull())
      .addColumn('seller_name', 'text', (c) => c.notNull())
      .addColumn('seller_country', 'text', (c) => c.notNull())
      .addColumn('buyer_country', 'text', (c) => c.notNull())
      .addColumn('platform', 'text')
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('value_eur', 'double precision')
      .addColumn('gross_mass_kg', 'double precision', (c) => c.notNull())
      .addColumn('lane', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('consignments_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createIndex('consignments_by_lane')
      .on('consignments')
      .columns(['administration', 'lane', 'decided_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('consignments').execute();
  },
};

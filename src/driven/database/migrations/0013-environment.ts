import type { Kysely, Migration } from 'kysely';

/**
 * The permit and licence register (issue 15): `permits`, `permit_quotas` and
 * `permit_consumptions` (see `environment-tables.ts`), each scoped by administration.
 */
export const environmentMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('permits')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('trader', 'text', (c) => c.notNull())
      .addColumn('issuing_country', 'text', (c) => c.notNull())
      .addColumn('partner_country', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('appendix', 'text')
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('quantity', 'double precision', (c) => c.notNull())
      .addColumn('balance', 'double precision', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('year', 'integer')
      .addColumn('odp', 'double precision')
      .addColumn('gwp', 'double precision')
      .addColumn('control', 'text')
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('permits_pk', ['administration', 'number'])
      .execute();
    await db.schema
      .createIndex('permits_by_trader')
      .on('permits')
      .columns(['administration', 'trader'])
      .execute();
    await db.schema
      .createTable('permit_quotas')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('trader', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('control', 'text', (c) => c.notNull())
      .addColumn('limit_tonnes', 'double precision')
      .addColumn('limit_odp_tonnes', 'double precision')
      .addColumn('limit_co2eq_tonnes', 'double precision')
      .addColumn('used_tonnes', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('used_odp_tonnes', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('used_co2eq_tonnes', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('permit_quotas_pk', ['administration', 'trader', 'year', 'control'])
      .execute();
    await db.schema
      .createTable('permit_consumptions')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('permit_number', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('item_sequence', 'integer', (c) => c.notNull())
      .addColumn('trader', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('quantity', 'double precision', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('tonnes', 'double precision', (c) => c.notNull())
      .addColumn('odp_tonnes', 'double precision', (c) => c.notNull())
      .addColumn('co2eq_tonnes', 'double precision', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('control', 'text')
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('partner_country', 'text')
      .addColumn('consumed_at', 'text', (c) => c.notNull())
      .addColumn('consumed_by', 'text', (c) => c.notNull())
      .addColumn('returned_at', 'text')
      .addColumn('returned_by', 'text')
      .addColumn('return_reason', 'text')
      .addPrimaryKeyConstraint('permit_consumptions_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createIndex('permit_consumptions_by_permit')
      .on('permit_consumptions')
      .columns(['administration', 'permit_number'])
      .execute();
    await db.schema
      .createIndex('permit_consumptions_by_declaration')
      .on('permit_consumptions')
      .columns(['administration', 'declaration_id'])
      .execute();
    await db.schema
      .createIndex('permit_consumptions_by_trader')
      .on('permit_consumptions')
      .columns(['administration', 'trader'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['permit_consumptions', 'permit_quotas', 'permits'])
      await db.schema.dropTable(table).execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * The medical product registry (issue 13), per administration: products by GTIN, their lots and
 * serial numbers as the rights holder or regulator registered them, and what declarations said
 * (serials declared, units declared per lot) so clones and over-quantity lots can be seen across
 * declarations. Lookups go by primary key only: the serial check reads a batch's keys at once.
 */
export const medicalMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('medical_products')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('brand', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('hs_code', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_products_pk', ['administration', 'gtin'])
      .execute();
    await db.schema
      .createTable('medical_lots')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('lot', 'text', (c) => c.notNull())
      .addColumn('expiry', 'text', (c) => c.notNull())
      .addColumn('quantity_released', 'bigint', (c) => c.notNull())
      .addColumn('recalled', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_lots_pk', ['administration', 'gtin', 'lot'])
      .execute();
    await db.schema
      .createTable('medical_serials')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('lot', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_serials_pk', ['administration', 'gtin', 'serial'])
      .execute();
    await db.schema
      .createTable('medical_declared_serials')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_declared_serials_pk', [
        'administration',
        'gtin',
        'serial',
        'declaration_id',
      ])
      .execute();
    await db.schema
      .createTable('medical_declared_lots')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('lot', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_declared_lots_pk', [
        'administration',
        'gtin',
        'lot',
        'declaration_id',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'medical_declared_lots',
      'medical_declared_serials',
      'medical_serials',
      'medical_lots',
      'medical_products',
    ])
      await db.schema.dropTable(table).execute();
  },
};

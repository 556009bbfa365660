import type { Kysely, Migration } from 'kysely';

/**
 * Medical lot usage shared between administrations (issue 13): the latest cumulative units of a
 * lot each partner reported in a `lot-usage` envelope (one row per receiving administration,
 * partner, GTIN and lot, replaced by a newer report, never summed), and which partners an
 * administration sends its own figures to (`federation_partners.share_lot_usage`, off by default).
 */
export const medicalLotUsageMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('medical_partner_lots')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('partner', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text', (c) => c.notNull())
      .addColumn('lot', 'text', (c) => c.notNull())
      .addColumn('units', 'bigint', (c) => c.notNull())
      .addColumn('as_of', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('medical_partner_lots_pk', ['administration', 'gtin', 'lot', 'partner'])
      .execute();
    await db.schema
      .alterTable('federation_partners')
      .addColumn('share_lot_usage', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('federation_partners').dropColumn('share_lot_usage').execute();
    await db.schema.dropTable('medical_partner_lots').execute();
  },
};

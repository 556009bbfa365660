import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Federation (issue 11, docs/SHARING.md): partners, the outbox (shared items and their
 * deliveries), the inbox, signature nonces and refusals, and the installation's sequence counter.
 */
export const federationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('federation_partners')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull().unique())
      .addColumn('log_key', 'text')
      .addColumn('pull', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pull_from', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('feed_key', 'text')
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('checkpoint_size', 'bigint')
      .addColumn('checkpoint_root', 'text')
      .addColumn('acked_size', 'bigint')
      .addColumn('feed_cursor', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('added_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('federation_sequence')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into federation_sequence (id, last_seq) values (1, 0)`.execute(db);
    await db.schema
      .createTable('federation_shared_items')
      .addColumn('item_id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull().unique())
      .addColumn('handling', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('federation_deliveries')
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('partner', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('request', 'text')
      .addPrimaryKeyConstraint('federation_deliveries_pk', ['item_id', 'partner'])
      .execute();
    // The worker's "next pending delivery of this partner, in order".
    await db.schema
      .createIndex('federation_deliveries_queue')
      .on('federation_deliveries')
      .columns(['partner', 'state', 'seq'])
      .execute();
    await db.schema
      .createTable('federation_inbox')
      .addColumn('partner', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('commitment', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('handling', 'text', (c) => c.notNull())
      .addColumn('log_index', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('federation_inbox_pk', ['partner', 'item_id'])
      .execute();
    await db.schema
      .createTable('federation_nonces')
      .addColumn('partner', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('federation_nonces_pk', ['partner', 'nonce'])
      .execute();
    await db.schema
      .createTable('federation_refusals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner', 'text')
      .addColumn('administration', 'text')
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('federation_refusals_partner')
      .on('federation_refusals')
      .columns(['partner', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'federation_refusals',
      'federation_nonces',
      'federation_inbox',
      'federation_deliveries',
      'federation_shared_items',
      'federation_sequence',
      'federation_partners',
    ])
      await db.schema.dropTable(table).execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * Information sharing (issue 11): `seizures`, `cash_declarations`, `sharing_groups` and
 * `group_posts` (see `sharing-tables.ts`). Every row belongs to one administration; the indexes
 * serve the list reads (newest first, by date and category) of one administration.
 */
export const seizuresGroupsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('seizures')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('form', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('office', 'text', (c) => c.notNull())
      .addColumn('handling', 'text')
      .addColumn('item_id', 'text')
      .addColumn('declaration_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('seizures_pk', ['administration', 'source', 'id'])
      .execute();
    await db.schema
      .createIndex('seizures_by_date')
      .on('seizures')
      .columns(['administration', 'date', 'id'])
      .execute();
    await db.schema
      .createTable('cash_declarations')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('seizure_id', 'text')
      .addColumn('screening', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cash_declarations_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createTable('sharing_groups')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('member_name', 'text', (c) => c.notNull())
      .addColumn('handling', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sharing_groups_pk', ['administration', 'id'])
      .execute();
    await db.schema
      .createTable('group_posts')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('posted_by', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('group_posts_pk', ['administration', 'group_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['group_posts', 'sharing_groups', 'cash_declarations', 'seizures']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

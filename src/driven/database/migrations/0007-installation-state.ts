import type { Kysely, Migration } from 'kysely';

/**
 * When each API key was last used (`greenlane keys list`), and the installation's one-time facts
 * (`installation_state`: e.g. that `serve --demo` already minted its key).
 */
export const installationStateMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').addColumn('last_used_at', 'text').execute();
    await db.schema
      .createTable('installation_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('installation_state').execute();
    await db.schema.alterTable('api_keys').dropColumn('last_used_at').execute();
  },
};

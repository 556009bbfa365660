import type { Kysely, Migration } from 'kysely';

/**
 * Risk profile drafts (the workbench's profile editor): one working copy per administration and
 * profile id, kept as the analyst's YAML text, never applied to a declaration until activated
 * (which stores it as a new version in `risk_profiles`).
 */
export const profileDraftsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('risk_profile_drafts')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_profile_drafts_pk', ['administration', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('risk_profile_drafts').execute();
  },
};

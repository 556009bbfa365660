import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Risk profiles belong to an administration (issue 8, item 4): `risk_profiles` gains an
 * `administration` column in its key, so one administration's profile change never alters
 * another's decisions. The table is rebuilt (SQLite cannot change a primary key in place). The
 * profiles stored before were in force for every administration, so each existing administration
 * receives a copy of their whole history; an installation without administrations keeps them
 * under the empty administration, which no key can name.
 */
export const profileTenancyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('risk_profiles_t')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_profiles_admin_pk', ['administration', 'id', 'version'])
      .execute();
    const admins = await sql<{ id: string }>`select id from administrations`.execute(db);
    for (const owner of admins.rows.length > 0 ? admins.rows.map((a) => a.id) : ['']) {
      await sql`insert into risk_profiles_t (administration, id, version, content, content_hash, enabled,
          created_at, created_by)
        select ${owner}, id, version, content, content_hash, enabled, created_at, created_by
        from risk_profiles`.execute(db);
    }
    await db.schema.dropTable('risk_profiles').execute();
    await db.schema.alterTable('risk_profiles_t').renameTo('risk_profiles').execute();
  },
};

import type { Kysely, Migration } from 'kysely';

/** Party screening tables (src/driven/database/screening-tables.ts); portable column types only. */
export const screeningMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('screening_list_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('published_on', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('entity_count', 'integer', (c) => c.notNull())
      .addColumn('loaded_at', 'text', (c) => c.notNull())
      .addColumn('loaded_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('screening_list_versions_by_list')
      .on('screening_list_versions')
      .columns(['list', 'loaded_at'])
      .execute();
    await db.schema
      .createTable('screening_entities')
      .addColumn('version_id', 'text', (c) => c.notNull().references('screening_list_versions.id'))
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('screening_entities_pk', ['version_id', 'entity_id'])
      .execute();
    await db.schema
      .createTable('screening_parties')
      .addColumn('party_key', 'text', (c) => c.primaryKey())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_screened_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('screening_hits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('party_key', 'text', (c) => c.notNull().references('screening_parties.party_key'))
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('screening_hits_by_pair')
      .on('screening_hits')
      .columns(['party_key', 'list', 'entity_id', 'entity_fingerprint'])
      .execute();
    await db.schema
      .createIndex('screening_hits_by_status')
      .on('screening_hits')
      .columns(['status', 'raised_at'])
      .execute();
    await db.schema
      .createTable('screening_adjudications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hit_id', 'text', (c) => c.notNull().references('screening_hits.id'))
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('analyst', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('screening_good_parties')
      .addColumn('party_key', 'text', (c) => c.notNull())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
      .addColumn('adjudication_id', 'text', (c) => c.notNull().references('screening_adjudications.id'))
      .addColumn('cleared_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('screening_good_parties_pk', [
        'party_key',
        'list',
        'entity_id',
        'entity_fingerprint',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('screening_good_parties').execute();
    await db.schema.dropTable('screening_adjudications').execute();
    await db.schema.dropTable('screening_hits').execute();
    await db.schema.dropTable('screening_parties').execute();
    await db.schema.dropTable('screening_entities').execute();
    await db.schema.dropTable('screening_list_versions').execute();
  },
};

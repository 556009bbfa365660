import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Screening belongs to an administration (issue 8, item 4): screened parties, hits, adjudications
 * and the good-party list gain an `administration` column that is part of their keys, so one
 * administration's clearance can never drop another's hit. Hits also keep the name score (a
 * clearance of an exact name match needs a second analyst), and adjudications their stage
 * (`final`, `pending` first half of a four-eyes clearance, `confirmation` its second half) and the
 * API key that made them.
 *
 * The four tables are rebuilt (SQLite cannot change a primary key in place) and the old rows
 * copied. Rows written before this migration belong to the installation's only administration
 * when there is exactly one; with none or several they get the empty administration, which no
 * API key or CLI call can name: a clearance made for everyone is withdrawn rather than guessed.
 */
export const screeningTenancyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const admins = await sql<{ id: string }>`select id from administrations`.execute(db);
    const owner = admins.rows.length === 1 ? admins.rows[0]!.id : '';

    await db.schema
      .createTable('screening_parties_t')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('party_key', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_screened_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('screening_parties_admin_pk', ['administration', 'party_key'])
      .execute();
    await db.schema
      .createTable('screening_hits_t')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('party_key', 'text', (c) => c.notNull())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('name_score', 'double precision', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        'screening_hits_party_fk',
        ['administration', 'party_key'],
        'screening_parties_t',
        ['administration', 'party_key'],
      )
      .execute();
    await db.schema
      .createTable('screening_adjudications_t')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('hit_id', 'text', (c) => c.notNull().references('screening_hits_t.id'))
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('analyst', 'text', (c) => c.notNull())
      .addColumn('analyst_key', 'text')
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('screening_good_parties_t')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('party_key', 'text', (c) => c.notNull())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('entity_fingerprint', 'text', (c) => c.notNull())
      .addColumn('adjudication_id', 'text', (c) => c.notNull().references('screening_adjudications_t.id'))
      .addColumn('cleared_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('screening_good_parties_admin_pk', [
        'administration',
        'party_key',
        'list',
        'entity_id',
        'entity_fingerprint',
      ])
      .execute();

    await sql`insert into screening_parties_t (administration, party_key, query, first_seen_at, last_screened_at)
      select ${owner}, party_key, query, first_seen_at, last_screened_at from screening_parties`.execute(db);
    await sql`insert into screening_hits_t (id, administration, party_key, list, entity_id, entity_fingerprint,
        version_id, score, name_score, decision, reasons, status, cause, raised_at)
      select id, ${owner}, party_key, list, entity_id, entity_fingerprint, version_id, score, score, decision,
        reasons, status, cause, raised_at from screening_hits`.execute(db);
    await sql`insert into screening_adjudications_t (id, administration, hit_id, verdict, stage, analyst,
        analyst_key, note, decided_at)
      select id, ${owner}, hit_id, verdict, 'final', analyst, null, note, decided_at
      from screening_adjudications`.execute(db);
    await sql`insert into screening_good_parties_t (administration, party_key, list, entity_id,
        entity_fingerprint, adjudication_id, cleared_at)
      select ${owner}, party_key, list, entity_id, entity_fingerprint, adjudication_id, cleared_at
      from screening_good_parties`.execute(db);

    await db.schema.dropTable('screening_good_parties').execute();
    await db.schema.dropTable('screening_adjudications').execute();
    await db.schema.dropTable('screening_hits').execute();
    await db.schema.dropTable('screening_parties').execute();
    for (const table of [
      'screening_parties',
      'screening_hits',
      'screening_adjudications',
      'screening_good_parties',
    ])
      await db.schema.alterTable(`${table}_t`).renameTo(table).execute();

    await db.schema
      .createIndex('screening_hits_by_admin_pair')
      .on('screening_hits')
      .columns(['administration', 'party_key', 'list', 'entity_id', 'entity_fingerprint'])
      .execute();
    await db.schema
      .createIndex('screening_hits_by_admin_status')
      .on('screening_hits')
      .columns(['administration', 'status', 'id'])
      .execute();
    await db.schema
      .createIndex('screening_adjudications_by_hit')
      .on('screening_adjudications')
      .columns(['hit_id', 'id'])
      .execute();
  },
};

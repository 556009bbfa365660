import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `ledger_records`: every stored record that belongs in the transparency log (decision, override,
 * outcome, risk-profile version, screening adjudication, model activation, list version), written
 * in the same transaction as the record itself. `log_index` is null while the entry is pending
 * (the outbox the log's appender drains); `content` + `salt` are what the public leaf commits to.
 *
 * Records stored before this migration are backfilled as `legacy` rows (no salt: their log
 * entries, if any, are the plaintext entries of that time), so completeness is checked from the
 * start: a legacy decision that never got a log index stays a reported gap.
 */
export const ledgerRecordsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ledger_records')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('administration', 'text')
      .addColumn('content', 'text')
      .addColumn('salt', 'text')
      .addColumn('log_index', 'bigint', (c) => c.unique())
      .addColumn('legacy', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ledger_records_pk', ['kind', 'record_id'])
      .execute();
    // The appender's "what is pending" query.
    await db.schema
      .createIndex('ledger_records_pending')
      .on('ledger_records')
      .columns(['created_at', 'record_id'])
      .where(sql.ref('log_index'), 'is', null)
      .execute();
    const backfill = [
      sql`insert into ledger_records (kind, record_id, administration, log_index, legacy, created_at)
          select case when kind = 'override' then 'override' else 'decision' end, id, administration,
                 log_index, 1, decided_at from decisions`,
      sql`insert into ledger_records (kind, record_id, administration, legacy, created_at)
          select 'outcome', id, administration, 1, recorded_at from inspection_outcomes`,
      sql`insert into ledger_records (kind, record_id, administration, legacy, created_at)
          select 'risk-profile', administration || '/' || id || '@' || cast(version as text), administration, 1,
                 created_at from risk_profiles`,
      sql`insert into ledger_records (kind, record_id, administration, legacy, created_at)
          select 'adjudication', id, administration, 1, decided_at from screening_adjudications`,
      sql`insert into ledger_records (kind, record_id, administration, legacy, created_at)
          select 'model-activation', id, administration, 1, activated_at from model_activations`,
    ];
    for (const statement of backfill) await statement.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('ledger_records').execute();
  },
};

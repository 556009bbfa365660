import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * The transparency log's tables. The only dialect difference is the binary column type
 * (BLOB on SQLite, bytea on PostgreSQL); everything else is the portable subset.
 */
export const ledgerMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
    await db.schema
      .createTable('ledger_state')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('verifier_key', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ledger_entries')
      .addColumn('idx', 'bigint', (c) => c.primaryKey())
      .addColumn('entry', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ledger_tiles')
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('hashes', binary, (c) => c.notNull())
      .addPrimaryKeyConstraint('ledger_tiles_pk', ['level', 'idx'])
      .execute();
    await db.schema
      .createTable('ledger_checkpoints')
      .addColumn('size', 'bigint', (c) => c.primaryKey())
      .addColumn('root_hash', binary, (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ledger_cosignatures')
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('witness', 'text', (c) => c.notNull())
      .addColumn('line', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ledger_cosignatures_pk', ['size', 'witness'])
      .execute();
    await db.schema
      .createTable('ledger_witnessed_logs')
      .addColumn('origin', 'text', (c) => c.primaryKey())
      .addColumn('verifier_keys', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('root_hash', binary)
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'ledger_witnessed_logs',
      'ledger_cosignatures',
      'ledger_checkpoints',
      'ledger_tiles',
      'ledger_entries',
      'ledger_state',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * The declarations core. Written with the portable column types only (text, integer, bigint,
 * double precision) so the same migration yields the same schema on SQLite and PostgreSQL.
 */
export const coreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('administrations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull().references('administrations.id'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('api_keys_by_administration')
      .on('api_keys')
      .column('administration')
      .execute();

    await db.schema
      .createTable('declarations')
      .addColumn('administration', 'text', (c) => c.notNull().references('administrations.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('customs_office', 'text', (c) => c.notNull())
      .addColumn('lodged_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('current_decision_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('declarations_pk', ['administration', 'id'])
      .execute();
    // The inspection queue: newest first, filtered by channel and office (keyset on decided_at, id).
    await db.schema
      .createIndex('declarations_queue')
      .on('declarations')
      .columns(['administration', 'channel', 'customs_office', 'decided_at', 'id'])
      .execute();
    await db.schema
      .createIndex('declarations_by_decided_at')
      .on('declarations')
      .columns(['administration', 'decided_at', 'id'])
      .execute();
    await db.schema
      .createIndex('declarations_by_lodged_at')
      .on('declarations')
      .columns(['administration', 'lodged_at'])
      .execute();

    await db.schema
      .createTable('declaration_versions')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('declaration_versions_pk', ['administration', 'declaration_id', 'version'])
      .addForeignKeyConstraint(
        'declaration_versions_declaration_fk',
        ['administration', 'declaration_id'],
        'declarations',
        ['administration', 'id'],
      )
      .execute();

    await db.schema
      .createTable('declaration_parties')
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('party_id', 'text')
      .addColumn('party_name', 'text')
      .addColumn('country', 'text')
      .addPrimaryKeyConstraint('declaration_parties_pk', ['administration', 'declaration_id', 'role'])
      .addForeignKeyConstraint(
        'declaration_parties_declaration_fk',
        ['administration', 'declaration_id'],
        'declarations',
        ['administration', 'id'],
      )
      .execute();
    await db.schema
      .createIndex('declaration_parties_by_party')
      .on('declaration_parties')
      .columns(['administration', 'party_id'])
      .execute();

    await db.schema
      .createTable('decisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('profile_versions', 'text', (c) => c.notNull())
      .addColumn('reference_version', 'text', (c) => c.notNull())
      .addColumn('model_version', 'text')
      .addColumn('list_versions', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('officer', 'text')
      .addColumn('reason', 'text')
      .addColumn('supersedes', 'text')
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addColumn('log_index', 'bigint')
      .addForeignKeyConstraint(
        'decisions_declaration_fk',
        ['administration', 'declaration_id'],
        'declarations',
        ['administration', 'id'],
      )
      .execute();
    await db.schema
      .createIndex('decisions_by_declaration')
      .on('decisions')
      .columns(['administration', 'declaration_id', 'decided_at'])
      .execute();

    await db.schema
      .createTable('rejects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull().references('administrations.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text')
      .addColumn('record_number', 'integer', (c) => c.notNull())
      .addColumn('declaration_id', 'text')
      .addColumn('errors', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('raw_length', 'integer', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rejects_by_received_at')
      .on('rejects')
      .columns(['administration', 'received_at', 'id'])
      .execute();

    await db.schema
      .createTable('lifecycle_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer')
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        'lifecycle_events_declaration_fk',
        ['administration', 'declaration_id'],
        'declarations',
        ['administration', 'id'],
      )
      .execute();
    await db.schema
      .createIndex('lifecycle_events_by_declaration')
      .on('lifecycle_events')
      .columns(['administration', 'declaration_id', 'at'])
      .execute();

    await db.schema
      .createTable('inspection_outcomes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text', (c) => c.notNull())
      .addColumn('declaration_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('decision_id', 'text', (c) => c.notNull().references('decisions.id'))
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('fraud', 'integer', (c) => c.notNull())
      .addColumn('critical', 'integer', (c) => c.notNull())
      .addColumn('revenue_recovered', 'double precision')
      .addColumn('notes', 'text')
      .addColumn('officer', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addForeignKeyConstraint(
        'inspection_outcomes_declaration_fk',
        ['administration', 'declaration_id'],
        'declarations',
        ['administration', 'id'],
      )
      .execute();
    await db.schema
      .createIndex('inspection_outcomes_by_declaration')
      .on('inspection_outcomes')
      .columns(['administration', 'declaration_id', 'recorded_at'])
      .execute();

    await db.schema
      .createTable('risk_profiles')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_profiles_pk', ['id', 'version'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('administration', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_by_at')
      .on('audit_log')
      .columns(['administration', 'at', 'id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'audit_log',
      'risk_profiles',
      'inspection_outcomes',
      'lifecycle_events',
      'rejects',
      'decisions',
      'declaration_parties',
      'declaration_versions',
      'declarations',
      'api_keys',
      'administrations',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

import type { Kysely, Migration } from 'kysely';

/**
 * The inspection queue over hundreds of thousands of decisions: one keyset page must be an index
 * walk, not a sort of every red and yellow row. The queue reads each channel on its own, newest
 * first, and merges the pages (`DeclarationReads.queue`); these indexes give each channel (and
 * each channel in one status) its rows already in `(decided_at, id)` order. The index of 0001
 * (`administration, channel, customs_office, decided_at, id`) still serves the office filter.
 */
export const queueIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('declarations_queue_by_channel')
      .on('declarations')
      .columns(['administration', 'channel', 'decided_at', 'id'])
      .execute();
    await db.schema
      .createIndex('declarations_queue_by_status')
      .on('declarations')
      .columns(['administration', 'channel', 'status', 'decided_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('declarations_queue_by_status').execute();
    await db.schema.dropIndex('declarations_queue_by_channel').execute();
  },
};

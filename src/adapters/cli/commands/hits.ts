import type { Command } from 'commander';
import { defaultDatabaseUrl } from '../../../app/config.ts';
import { syncLog } from '../../../app/ledger-recording.ts';
import { openDatabase } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { ScreeningStore, VERDICTS, type Verdict } from '../../store/screening-store.ts';
import { StoreError } from '../../store/store-error.ts';
import { UsageError } from '../usage-error.ts';

async function withStore<T>(url: string, fn: (store: ScreeningStore) => Promise<T>): Promise<T> {
  const conn = openDatabase(url);
  try {
    await migrateToLatest(conn);
    return await fn(new ScreeningStore(conn.db));
  } finally {
    await conn.close();
  }
}

/** `greenlane hits list|adjudicate`: screening hits and analysts' verdicts on them. */
export function registerHitsCommand(program: Command): void {
  const hits = program
    .command('hits')
    .description('Screening hits: list them, adjudicate them (true or false positive)');
  hits
    .command('list')
    .description('Print stored screening hits as NDJSON, newest first')
    .option('--status <status>', 'open, true_positive or false_positive')
    .option('--limit <n>', 'at most this many', '100')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (flags: { status?: string; limit: string; db: string }) => {
      if (flags.status && !['open', ...VERDICTS].includes(flags.status)) {
        throw new UsageError('--status must be open, true_positive or false_positive');
      }
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      const rows = await withStore(flags.db, (store) =>
        store.hits({ ...(flags.status ? { status: flags.status as 'open' | Verdict } : {}), limit }),
      );
      for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
      process.stderr.write(`${rows.length} hits\n`);
    });
  hits
    .command('adjudicate')
    .description(
      'Record an analyst verdict on a hit; a false positive puts the party-entity pair on the good-party list until either side changes',
    )
    .argument('<hit-id>', 'the hit id (from `hits list`)')
    .requiredOption('--verdict <verdict>', 'true_positive or false_positive')
    .requiredOption('--analyst <name>', 'who decides (recorded with the time)')
    .option('--note <text>', 'why', '')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (hitId: string, flags: { verdict: string; analyst: string; note: string; db: string }) => {
      if (!(VERDICTS as readonly string[]).includes(flags.verdict)) {
        throw new UsageError('--verdict must be true_positive or false_positive');
      }
      try {
        const result = await withStore(flags.db, (store) =>
          store.adjudicate(hitId, flags.verdict as Verdict, flags.analyst, flags.note),
        );
        // The adjudication was stored with its pending log entry: append it now.
        await syncLog(flags.db);
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } catch (err) {
        if (err instanceof StoreError && (err.code === 'NOT_FOUND' || err.code === 'INVALID_INPUT'))
          throw new UsageError(err.message);
        throw err;
      }
    });
}

import type { Command } from 'commander';
import { StoreError } from '../../../driven/database/store-error.ts';
import {
  type AdjudicationResult,
  HIT_STATUSES,
  type HitStatus,
  type ScreeningStore,
  VERDICTS,
  type Verdict,
} from '../../../driven/store/screening-store.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

const ADMINISTRATION_OPTION = [
  '--administration <id>',
  'administration (tenant) whose hits these are',
  'local',
] as const;

/** Runs `fn` on the screening store; the store's own refusals (no such hit, four-eyes, bad input) are usage errors. */
async function usageOnRefusal<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof StoreError && err.code !== 'UNKNOWN_ADMINISTRATION') throw new UsageError(err.message);
    throw err;
  }
}

function withStore<T>(url: string, fn: (store: ScreeningStore) => Promise<T>): Promise<T> {
  return usageOnRefusal(() =>
    withInstallation(installationConfig(url), { log: false }, (inst) => fn(inst.screeningStore)),
  );
}

/** An adjudication is stored with its pending log entry: it is appended before the command returns. */
function adjudicated(url: string, fn: (store: ScreeningStore) => Promise<AdjudicationResult>) {
  return usageOnRefusal(() =>
    withInstallation(installationConfig(url), {}, async (inst) => {
      const result = await fn(inst.screeningStore);
      await inst.log.drainRecords();
      return result;
    }),
  );
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
}

function report(result: AdjudicationResult) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (result.stage === 'pending')
    process.stderr.write(
      `clearance pending: a second analyst must confirm it (greenlane hits confirm ${result.hit.id})\n`,
    );
}

/**
 * `greenlane hits list|show|adjudicate|confirm|good-parties`: one administration's screening hits
 * and analysts' verdicts on them; clearing an exact name match or a UN-listed entity takes two
 * analysts (four-eyes).
 */
export function registerHitsCommand(program: Command): void {
  const hits = program
    .command('hits')
    .description(
      "An administration's screening hits: list, show, adjudicate (true or false positive), confirm a pending clearance",
    );
  hits
    .command('list')
    .description('Print stored screening hits as NDJSON, newest first')
    .option('--status <status>', HIT_STATUSES.join(', '))
    .option('--limit <n>', 'at most this many', '100')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (flags: { status?: string; limit: string; administration: string; db: string }) => {
      if (flags.status && !(HIT_STATUSES as readonly string[]).includes(flags.status)) {
        throw new UsageError(`--status must be one of ${HIT_STATUSES.join(', ')}`);
      }
      const limit = positiveInteger(flags.limit, '--limit');
      const rows = await withStore(flags.db, (store) =>
        store.hits(flags.administration, {
          ...(flags.status ? { status: flags.status as HitStatus } : {}),
          limit,
        }),
      );
      for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
      process.stderr.write(`${rows.length} hits\n`);
    });
  hits
    .command('show')
    .description('Print one hit with its adjudications as JSON')
    .argument('<hit-id>', 'the hit id (from `hits list`)')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (hitId: string, flags: { administration: string; db: string }) => {
      const shown = await withStore(flags.db, async (store) => ({
        hit: await store.hit(flags.administration, hitId),
        adjudications: await store.adjudications(flags.administration, hitId),
      }));
      process.stdout.write(`${JSON.stringify(shown)}\n`);
    });
  hits
    .command('adjudicate')
    .description(
      "Record an analyst verdict on a hit; a false positive puts the party-entity pair on the administration's good-party list until either side changes (for an exact name match or a UN-listed entity only once a second analyst confirms it)",
    )
    .argument('<hit-id>', 'the hit id (from `hits list`)')
    .requiredOption('--verdict <verdict>', 'true_positive or false_positive')
    .requiredOption('--analyst <name>', 'who decides (recorded with the time)')
    .option('--note <text>', 'why', '')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (
        hitId: string,
        flags: { verdict: string; analyst: string; note: string; administration: string; db: string },
      ) => {
        if (!(VERDICTS as readonly string[]).includes(flags.verdict)) {
          throw new UsageError('--verdict must be true_positive or false_positive');
        }
        const result = await adjudicated(flags.db, (store) =>
          store.adjudicate(flags.administration, hitId, flags.verdict as Verdict, {
            analyst: flags.analyst,
            note: flags.note,
          }),
        );
        report(result);
      },
    );
  hits
    .command('confirm')
    .description(
      'Confirm a pending clearance (four-eyes): a different analyst than the one who cleared the hit',
    )
    .argument('<hit-id>', 'the hit id (from `hits list --status pending_clearance`)')
    .requiredOption('--analyst <name>', 'who confirms (must not be who cleared it)')
    .option('--note <text>', 'why', '')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (hitId: string, flags: { analyst: string; note: string; administration: string; db: string }) => {
        const result = await adjudicated(flags.db, (store) =>
          store.confirmClearance(flags.administration, hitId, { analyst: flags.analyst, note: flags.note }),
        );
        report(result);
      },
    );
  hits
    .command('good-parties')
    .description("Print the administration's good-party list (cleared party-entity pairs) as NDJSON")
    .option('--limit <n>', 'at most this many', '100')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (flags: { limit: string; administration: string; db: string }) => {
      const limit = positiveInteger(flags.limit, '--limit');
      const rows = await withStore(flags.db, (store) => store.goodParties(flags.administration, { limit }));
      for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
      process.stderr.write(`${rows.length} good parties\n`);
    });
}

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { RELEASE_FORMS, type ReleaseForm } from '../../../core/sharing/release-policy.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import { SeizureRepository } from '../../../driven/store/seizure-repository.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

const ADMINISTRATION_OPTION = [
  '--administration <id>',
  'administration (tenant) whose seizures these are',
  'local',
] as const;
const EXPORT_PAGE = 1000;

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** The store's refusals (an invalid report, an id already recorded) are the user's to fix: exit code 2. */
async function usageOnRefusal<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof StoreError && err.code !== 'UNKNOWN_ADMINISTRATION') throw new UsageError(err.message);
    throw err;
  }
}

/**
 * `greenlane seizures add|export`: an administration's seizure reports (docs/SHARING.md). `add`
 * records a national record and appends it to the transparency log; `export` prints NDJSON in the
 * global form (no personal field) or, written to the audit log as a personal-data read, the
 * national form.
 */
export function registerSeizuresCommand(program: Command): void {
  const seizures = program
    .command('seizures')
    .description("An administration's seizure reports: add one, export them (global or national form)");
  seizures
    .command('add')
    .description('Record a seizure report (JSON, docs/SHARING.md); prints {"id","logIndex","category"}')
    .argument(
      '<file.json>',
      'the seizure report; `administration` defaults to --administration, `id` is generated when absent',
    )
    .option(...ADMINISTRATION_OPTION)
    .option('--actor <name>', 'who records it (in the audit log)', 'cli')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (file: string, flags: { administration: string; actor: string; db: string }) => {
      const input = readJsonFile(file);
      const out = await usageOnRefusal(() =>
        withInstallation(installationConfig(flags.db), {}, async (inst) => {
          await inst.store.ensureAdministration(flags.administration, flags.administration);
          const report = await new SeizureRepository(inst.conn).record(
            flags.administration,
            input,
            flags.actor,
          );
          await inst.log.drainRecords();
          const logIndex = await inst.log.records.indexOf('seizure', `${flags.administration}/${report.id}`);
          return {
            id: report.id,
            administration: report.administration,
            category: report.category,
            logIndex,
          };
        }),
      );
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
  seizures
    .command('export')
    .description(
      'Print seizure reports as NDJSON, one report per line, newest first: the global form validates as a CEN report',
    )
    .option(
      '--form <form>',
      'global (no personal field) or national (logged as a personal-data read)',
      'global',
    )
    .option(...ADMINISTRATION_OPTION)
    .option(
      '--source <source>',
      'local (own records), received (from partners), a partner name, or all',
      'local',
    )
    .option('--actor <name>', 'who reads (in the audit log, for the national form)', 'cli')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (flags: { form: string; source: string; administration: string; actor: string; db: string }) => {
        if (!(RELEASE_FORMS as readonly string[]).includes(flags.form)) {
          throw new UsageError(`--form must be one of ${RELEASE_FORMS.join(', ')}`);
        }
        const form = flags.form as ReleaseForm;
        const count = await usageOnRefusal(() =>
          withInstallation(installationConfig(flags.db), { log: false }, async (inst) => {
            const repository = new SeizureRepository(inst.conn);
            const reader = { actor: flags.actor, via: 'greenlane seizures export' };
            let offset = 0;
            for (;;) {
              const page = await repository.list(
                flags.administration,
                { limit: EXPORT_PAGE, offset, ...(flags.source === 'all' ? {} : { source: flags.source }) },
                { form, reader },
              );
              for (const s of page) process.stdout.write(`${JSON.stringify(s.report)}\n`);
              offset += page.length;
              if (page.length < EXPORT_PAGE) return offset;
            }
          }),
        );
        process.stderr.write(`${count} seizures (${form} form)\n`);
      },
    );
}

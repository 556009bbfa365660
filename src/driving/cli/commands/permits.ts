import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EnvironmentError } from '../../../core/environment/environment-error.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import { registerRecords } from '../../../driven/input/register-records.ts';
import { environmentReference } from '../../../driven/reference/environment-reference.ts';
import {
  PERMIT_REPORTS,
  type PermitReport,
  PermitReports,
  REPORT_YEARS,
  reportCsv,
} from '../../../driven/store/permit-reports.ts';
import { PermitRepository } from '../../../driven/store/permit-repository.ts';
import { defaultDatabaseUrl, environmentDir, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { progressBar } from '../progress.ts';
import { UsageError } from '../usage-error.ts';

const ADMINISTRATION_OPTION = [
  '--administration <id>',
  'administration (tenant) whose register this is',
  'local',
] as const;

/**
 * `greenlane permits load|show`: the permit and licence register (docs/ENVIRONMENT.md). `load`
 * takes a JSON or NDJSON file of documents and quotas all or nothing (a refused file names each
 * record and field, exit 2); `show` prints one document with its `balance` and consumptions.
 */
export function registerPermitsCommand(program: Command): void {
  const permits = program
    .command('permits')
    .description('The register of CITES permits, ODS/HFC licences and quotas, Basel and precursor documents');
  permits
    .command('load')
    .description(
      'Load documents and quotas from a JSON or NDJSON file, all or nothing; prints {"documents","quotas","unchanged"} (documents loaded before with the same content: a replay)',
    )
    .argument('<file>', 'JSON array or NDJSON of register records (docs/ENVIRONMENT.md)')
    .option(...ADMINISTRATION_OPTION)
    .option('--actor <name>', 'who loads them (in the audit log)', 'cli')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (file: string, flags: { administration: string; actor: string; db: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
      }
      const inputs = registerRecords(text);
      const reference = environmentReference(environmentDir());
      const bar = progressBar(inputs.length, 'records');
      try {
        const out = await withInstallation(installationConfig(flags.db), { log: false }, async (inst) => {
          await inst.store.ensureAdministration(flags.administration, flags.administration);
          return new PermitRepository(inst.conn).load(
            flags.administration,
            inputs,
            reference,
            flags.actor,
            (n) => bar.update(n),
          );
        });
        bar.stop();
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } catch (err) {
        bar.stop();
        if (err instanceof StoreError && err.code === 'INVALID_INPUT')
          throw new UsageError(`${file}: ${err.message}`, {
            ...(err.details ? { details: err.details } : {}),
            cause: err,
          });
        throw err;
      }
    });
  permits
    .command('show')
    .description('Print one document of the register with its balance and consumptions')
    .argument('<number>', 'the document number')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (number: string, flags: { administration: string; db: string }) => {
      const view = await withInstallation(installationConfig(flags.db), { log: false }, (inst) =>
        new PermitRepository(inst.conn).show(flags.administration, number),
      );
      if (!view)
        throw new EnvironmentError(
          'UNKNOWN_PERMIT',
          `${number} is not in the register of administration "${flags.administration}"`,
        );
      process.stdout.write(`${JSON.stringify(view)}\n`);
    });
  permits
    .command('report')
    .description(
      'quota: used and left per trader and substance; imports: per substance (Article 7 style); cites: trade by species',
    )
    .argument('<report>', PERMIT_REPORTS.join(' | '))
    .requiredOption('--year <yyyy>', 'the calendar year')
    .option('--trader <id>', "only this trader's consumptions and quotas")
    .option('--format <format>', 'csv or ndjson', 'csv')
    .option(...ADMINISTRATION_OPTION)
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (
        report: string,
        flags: { year: string; trader?: string; format: string; administration: string; db: string },
      ) => {
        if (!(PERMIT_REPORTS as readonly string[]).includes(report))
          throw new UsageError(`report must be one of ${PERMIT_REPORTS.join(', ')}`);
        const year = Number(flags.year);
        if (!Number.isInteger(year) || year < REPORT_YEARS.min || year > REPORT_YEARS.max)
          throw new UsageError('--year must be a year such as 2026');
        if (flags.format !== 'csv' && flags.format !== 'ndjson')
          throw new UsageError('--format must be csv or ndjson');
        const filter = { year, ...(flags.trader === undefined ? {} : { trader: flags.trader }) };
        const rows = await withInstallation(installationConfig(flags.db), { log: false }, (inst) =>
          new PermitReports(inst.conn).run(flags.administration, report as PermitReport, filter),
        );
        process.stdout.write(
          flags.format === 'csv'
            ? reportCsv(report as PermitReport, rows)
            : rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
        );
      },
    );
}

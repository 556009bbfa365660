import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { AssessmentLine } from '../../../app/assess.ts';
import { INPUT_FORMATS, type InputFormat } from '../../../driven/input/input-record.ts';
import { readRecords, sniffFormat } from '../../../driven/input/read-records.ts';
import {
  DEFAULT_ADMINISTRATION,
  defaultDatabaseUrl,
  installationConfig,
} from '../../../installation/config.ts';
import { openInstallation } from '../../../installation/installation.ts';
import { DEFAULT_PROFILES_DIR } from '../../../installation/runtime.ts';
import { decideInBatches, openRecordFile } from '../record-batches.ts';

/** Records per pipeline batch: large enough for fast multi-row writes, small enough for flat memory. */
const BATCH = 1000;

interface AssessFlags {
  format?: InputFormat;
  out?: string;
  profiles: string;
  db?: string;
  administration: string;
  priceBands?: string;
  screening: boolean;
  model?: string;
}

export function registerAssessCommand(program: Command): void {
  program
    .command('assess')
    .description(
      'Validate and assess declarations: one NDJSON line per input record (a decision, or a reject with its errors).',
    )
    .argument('<file>', 'input file, or - for standard input')
    .addOption(
      new Option('--format <format>', 'input format (default: from the file extension)').choices(
        INPUT_FORMATS,
      ),
    )
    .option('--out <file>', 'write the NDJSON lines to this file instead of standard output')
    .option('--profiles <dir>', 'directory of risk profile files (YAML/JSON)', DEFAULT_PROFILES_DIR)
    .option(
      '--db <url>',
      `store declarations, decisions and rejects in this database (sqlite:<file> or postgres://...; the server uses ${defaultDatabaseUrl()})`,
    )
    .option('--no-screening', 'do not screen parties and vessels against the sanctions lists')
    .option('--model <file>', 'also score with this model file (from "greenlane model train")')
    .option(
      '--price-bands <file>',
      'unit-price bands from "greenlane bands build" (env GREENLANE_PRICE_BANDS)',
    )
    .option(
      '--administration <id>',
      'administration (tenant) the declarations belong to when stored',
      DEFAULT_ADMINISTRATION,
    )
    .addHelpText(
      'after',
      `
Output, one line per input record:
  {"declarationId","version","status","channel","score","summary","reasons":[{"source","code","message"}],"decidedAt"}
  {"rejected":true,"record":N,"declarationId"?,"errors":[{"path","code","message"}]}
Exit codes: 0 processed (rejects included), 1 fatal error, 2 bad usage.`,
    )
    .action(async (file: string, flags: AssessFlags) => {
      const input = openRecordFile(file);
      const fromStdin = input.fromStdin;
      const format = flags.format ?? (fromStdin ? 'ndjson' : sniffFormat(file));
      // Without --db the declarations are assessed, not stored: an in-memory database holds
      // nothing but what screening needs (no list versions: lists from the data directory).
      const inst = await openInstallation(installationConfig(flags.db ?? 'sqlite::memory:'), {
        log: flags.db !== undefined,
        screening: flags.screening,
        assessment: {
          profilesDir: flags.profiles,
          store: flags.db !== undefined,
          profiles: { administration: flags.administration },
          actor: 'cli',
          ...(flags.model ? { modelFile: flags.model } : {}),
          ...(flags.priceBands ? { priceBandsFile: flags.priceBands } : {}),
        },
      });
      const stored = flags.db !== undefined;
      for (const line of inst.assessment.describe) process.stderr.write(`greenlane: ${line}\n`);
      const service = inst.assessment;
      const counts = { records: 0, green: 0, yellow: 0, red: 0, rejected: 0, unchanged: 0, amended: 0 };
      const started = performance.now();
      const source = fromStdin ? 'file:stdin' : `file:${basename(file)}`;
      try {
        await decideInBatches<AssessmentLine>({
          file: input,
          records: readRecords(input.input, format),
          batchSize: BATCH,
          outFile: flags.out,
          decide: (batch) => service.assess(flags.administration, batch, { source, actor: 'cli' }),
          count: (line) => {
            counts.records++;
            if ('rejected' in line) counts.rejected++;
            else {
              counts[line.channel]++;
              if (line.status === 'unchanged') counts.unchanged++;
              if (line.status === 'amended') counts.amended++;
            }
          },
        });
      } finally {
        await inst.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const decided = counts.records - counts.rejected;
      process.stderr.write(
        `assessed ${counts.records} record(s) in ${seconds.toFixed(1)} s: ${decided} decided ` +
          `(green ${counts.green}, yellow ${counts.yellow}, red ${counts.red}` +
          `${stored ? `; ${counts.unchanged} unchanged, ${counts.amended} amended` : ''}), ${counts.rejected} rejected` +
          `${stored ? ` — stored in ${flags.db}` : ''}\n`,
      );
    });
}

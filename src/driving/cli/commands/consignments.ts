import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import type { InputRecord } from '../../../app/ports/input-record.ts';
import { consignmentCsvRecords } from '../../../driven/input/consignment-csv.ts';
import { jsonRecords } from '../../../driven/input/json-records.ts';
import { ndjsonRecords } from '../../../driven/input/ndjson-records.ts';
import { textChunks } from '../../../driven/input/text-chunks.ts';
import { DEFAULT_ADMINISTRATION, installationConfig } from '../../../installation/config.ts';
import { openConsignmentLaneService } from '../../../installation/consignment-lane.ts';
import { openInstallation } from '../../../installation/installation.ts';
import { decideInBatches, openRecordFile } from '../record-batches.ts';

const FORMATS = ['ndjson', 'json', 'csv'] as const;
type ConsignmentFormat = (typeof FORMATS)[number];

/** Records per batch: one transaction each when stored. */
const BATCH = 2000;

interface AssessFlags {
  format?: ConsignmentFormat;
  out?: string;
  db?: string;
  administration: string;
  screening: boolean;
  model: boolean;
}

function formatOf(file: string): ConsignmentFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return 'ndjson';
}

function records(
  source: AsyncIterable<Buffer | string>,
  format: ConsignmentFormat,
): AsyncGenerator<InputRecord> {
  const text = textChunks(source);
  if (format === 'csv') return consignmentCsvRecords(text);
  return format === 'json' ? jsonRecords(text) : ndjsonRecords(text);
}

export function registerConsignmentsCommand(program: Command): void {
  const consignments = program
    .command('consignments')
    .description('The e-commerce lane for low-value consignments (EU H7, US de minimis): docs/ECOMMERCE.md');
  consignments
    .command('assess')
    .description('Decide a lane (release, hold, inspect) for each consignment: one JSON line per record.')
    .argument('<file>', 'NDJSON, JSON array or consignment CSV; - for NDJSON on standard input')
    .addOption(
      new Option('--format <format>', 'input format (default: from the file extension)').choices(FORMATS),
    )
    .option('--out <file>', 'write the JSON lines to this file instead of standard output')
    .option(
      '--db <url>',
      'store the consignments and decisions in this database (sqlite:<file> or postgres://...)',
    )
    .option(
      '--administration <id>',
      'administration (tenant) the consignments belong to',
      DEFAULT_ADMINISTRATION,
    )
    .option('--no-screening', 'do not screen sellers and platforms against the sanctions lists')
    .option('--no-model', 'decide with the rules only (no model)')
    .addHelpText(
      'after',
      `
Output, one line per input record:
  {"record","consignmentId","lane","score","reasons":[{"check","code","message"}],"modelScore"?,"ms","decidedAt"}
  {"rejected":true,"record":N,"consignmentId"?,"errors":[{"path","code","message"}]}
Exit codes: 0 processed (rejects included), 1 fatal error, 2 bad usage.`,
    )
    .action(async (file: string, flags: AssessFlags) => {
      const input = openRecordFile(file);
      const fromStdin = input.fromStdin;
      const format = flags.format ?? (fromStdin ? 'ndjson' : formatOf(file));
      const inst = await openInstallation(installationConfig(flags.db ?? 'sqlite::memory:'), {
        log: false,
        screening: flags.screening,
      });
      const stored = flags.db !== undefined;
      const counts = { records: 0, release: 0, hold: 0, inspect: 0, rejected: 0 };
      try {
        const { service, describe } = openConsignmentLaneService({
          dataDirectory: inst.config.dataDirectory,
          ...(inst.screening ? { screening: inst.screening.index } : {}),
          ...(stored ? { conn: inst.conn } : {}),
          model: flags.model,
        });
        if (stored) await inst.store.ensureAdministration(flags.administration, flags.administration);
        for (const line of describe) process.stderr.write(`greenlane: ${line}\n`);
        const started = performance.now();
        await decideInBatches({
          file: input,
          records: records(input.input, format),
          batchSize: BATCH,
          outFile: flags.out,
          decide: (batch) => service.assessConsignments(flags.administration, batch, { actor: 'cli' }),
          count: (line) => {
            counts.records++;
            if ('rejected' in line) counts.rejected++;
            else counts[line.lane]++;
          },
        });
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `assessed ${counts.records} consignment record(s) in ${seconds.toFixed(1)} s: release ${counts.release}, ` +
            `hold ${counts.hold}, inspect ${counts.inspect}, ${counts.rejected} rejected${stored ? ` — stored in ${flags.db}` : ''}\n`,
        );
      } finally {
        await inst.close();
      }
    });
}

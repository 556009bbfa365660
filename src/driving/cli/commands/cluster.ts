import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { INPUT_FORMATS, type InputFormat } from '../../../driven/input/input-record.ts';
import { sniffFormat } from '../../../driven/input/read-records.ts';
import { IntakeReads } from '../../../driven/store/intake-reads.ts';
import { openClusterWorker, publishRecords } from '../../../installation/cluster.ts';
import { DEFAULT_ADMINISTRATION, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { DEFAULT_PROFILES_DIR } from '../../../installation/runtime.ts';
import { startOpsServer } from '../../http/ops-server.ts';
import { UsageError } from '../usage-error.ts';

function integer(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

const PREFIX_HELP = 'prefix of the stream and subject names (env GREENLANE_BUS_PREFIX)';
const defaultPrefix = () => process.env.GREENLANE_BUS_PREFIX ?? 'greenlane';

/**
 * The cluster mode (issue 14, docs/SCALING.md): `greenlane publish` puts declarations on the
 * intake stream, `greenlane worker` decides them into PostgreSQL and appends the log as the
 * sequencer when it holds the lease, `greenlane decisions export` lists the current decisions.
 */
export function registerClusterCommands(program: Command): void {
  program
    .command('publish')
    .description(
      'Put each record of a file on the intake stream; prints {"published","duplicates","rejected"} (reasons of rejects on stderr)',
    )
    .argument('<file>', 'input file')
    .requiredOption('--nats <url>', 'NATS server URL (nats://host:4222)')
    .addOption(
      new Option('--format <format>', 'input format (default: from the file extension)').choices(
        INPUT_FORMATS,
      ),
    )
    .option('--administration <id>', 'administration the declarations belong to', DEFAULT_ADMINISTRATION)
    .option('--prefix <prefix>', PREFIX_HELP, defaultPrefix())
    .action(
      async (
        file: string,
        flags: { nats: string; format?: InputFormat; administration: string; prefix: string },
      ) => {
        const format = flags.format ?? sniffFormat(file);
        const summary = await publishRecords(createReadStream(file), format, {
          bus: { url: flags.nats, prefix: flags.prefix },
          administration: flags.administration,
          sourceName: `file:${basename(file)}`,
          onReject: (record, reasons) =>
            process.stderr.write(`greenlane: record ${record} rejected: ${reasons}\n`),
        });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      },
    );

  program
    .command('worker')
    .description(
      'Decide declarations from the intake stream into the database until SIGTERM (docs/SCALING.md)',
    )
    .requiredOption('--db <url>', 'database URL (postgres://...)')
    .requiredOption('--nats <url>', 'NATS server URL (nats://host:4222)')
    .option('--prefix <prefix>', PREFIX_HELP, defaultPrefix())
    .option('--profiles <dir>', 'directory of risk profile files (YAML/JSON)', DEFAULT_PROFILES_DIR)
    .option('--no-screening', 'do not screen parties and vessels against the sanctions lists')
    .option('--no-sequencer', 'never append to the transparency log (another process does)')
    .option('--batch <n>', 'most messages per fetch', '500')
    .option('--partitions <n>', 'partitions of the intake stream when this worker creates it', '8')
    .option('--ack-wait <ms>', 'redelivery delay of an unacknowledged message', '10000')
    .option('--lease <ms>', 'lease length: how soon a dead worker or sequencer is replaced', '3000')
    .option('--ops-port <port>', 'port of /healthz, /readyz and /metrics (0 picks one; off when absent)')
    .option('--ops-host <host>', 'interface of the operations port', '127.0.0.1')
    .action(
      async (flags: {
        db: string;
        nats: string;
        prefix: string;
        profiles: string;
        screening: boolean;
        sequencer: boolean;
        batch: string;
        partitions: string;
        ackWait: string;
        lease: string;
        opsPort?: string;
        opsHost: string;
      }) => {
        const log = (what: string, err: unknown) =>
          process.stderr.write(`greenlane worker: ${what}: ${(err as Error)?.message ?? String(err)}\n`);
        const worker = await openClusterWorker(installationConfig(flags.db), {
          bus: {
            url: flags.nats,
            prefix: flags.prefix,
            partitions: integer(flags.partitions, '--partitions', 1, 1024),
            ackWaitMs: integer(flags.ackWait, '--ack-wait', 500, 600_000),
            maxAckPending: 2 * integer(flags.batch, '--batch', 1, 10_000),
          },
          assessment: { profilesDir: flags.profiles, profiles: 'stored', actor: 'greenlane worker' },
          screening: flags.screening,
          sequencer: flags.sequencer,
          batchSize: integer(flags.batch, '--batch', 1, 10_000),
          leaseMs: integer(flags.lease, '--lease', 500, 600_000),
          onError: (err, context) => log(context, err),
        });
        const ops =
          flags.opsPort === undefined
            ? undefined
            : await startOpsServer({
                port: integer(flags.opsPort, '--ops-port', 0, 65535),
                host: flags.opsHost,
                registry: worker.metrics.registry,
                ready: worker.ready,
              });
        process.stderr.write(
          `greenlane worker ${worker.holder}: ${worker.bus.partitions} partitions${ops ? `, operations on http://${flags.opsHost}:${ops.port}` : ''}\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        process.stderr.write(`greenlane worker ${worker.holder}: stopping (finishing the batches in hand)\n`);
        await worker.stop();
        await ops?.close();
      },
    );

  program
    .command('decisions')
    .description('Decisions of the stored declarations')
    .command('export')
    .description(
      'One JSON line per declaration: its current decision {administration, declarationId, version, channel, logIndex, decisionId, decidedAt}',
    )
    .option('--db <url>', 'database URL (sqlite:<file> or postgres://...)')
    .option('--administration <id>', 'only this administration')
    .action(async (flags: { db?: string; administration?: string }) => {
      await withInstallation(installationConfig(flags.db), { log: false }, async (inst) => {
        const reads = new IntakeReads(inst.conn.db);
        let buffer = '';
        for await (const d of reads.currentDecisions(flags.administration)) {
          buffer += `${JSON.stringify(d)}\n`;
          if (buffer.length > 1 << 16) {
            if (!process.stdout.write(buffer)) await new Promise((r) => process.stdout.once('drain', r));
            buffer = '';
          }
        }
        process.stdout.write(buffer);
      });
    });
}

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { checkRecordAgainstLeaf, type RecordCheck } from '../../../core/ledger/record-commitment.ts';
import type { TransparencyLog } from '../../../driven/ledger/transparency-log.ts';
import type { WitnessService } from '../../../driven/ledger/witness-service.ts';
import { disclosedRecord } from '../../../driven/store/ledger-records.ts';
import { installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { addWitness } from '../../../installation/transparency-log.ts';
import { UsageError } from '../usage-error.ts';

const DB_HELP = 'database URL (sqlite:<file> or postgres://...)';

function nonNegative(value: string, what: string, min = 0): number {
  if (!/^[0-9]{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new UsageError(`${what} must be an integer ≥ ${min}, got "${value}"`);
  }
  return Number(value);
}

/** The witness of this installation; the log stays closed. */
function withWitness<T>(db: string | undefined, run: (witness: WitnessService) => Promise<T>): Promise<T> {
  return withInstallation(installationConfig(db), { log: false }, (inst) => run(inst.witness()));
}

/** The log, for inspection: background failures on stderr, and no checkpoint signed at the end. */
function withLog<T>(db: string | undefined, run: (log: TransparencyLog) => Promise<T>): Promise<T> {
  return withInstallation(
    installationConfig(db),
    {
      log: {
        onError: (err: unknown) => process.stderr.write(`greenlane: ${(err as Error).message}\n`),
        finalCheckpoint: false,
      },
    },
    (inst) => run(inst.log),
  );
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read "${file}"`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`"${file}" is not JSON`);
  }
}

const RecordFileSchema = z.object({
  entry: z.string().optional(),
  record: z.object({ content: z.string(), salt: z.string() }),
});

/** {@link checkRecordAgainstLeaf} over what the API or `log entry` served. */
function checkRecordFile(value: unknown, leafOption: string | undefined): RecordCheck {
  const parsed = RecordFileSchema.safeParse(value);
  if (!parsed.success) throw new UsageError('the file must hold {"entry", "record": {"content", "salt"}}');
  const leaf = leafOption ?? parsed.data.entry;
  if (leaf === undefined) throw new UsageError('no leaf: the file has no "entry"; pass --leaf <base64>');
  return checkRecordAgainstLeaf(
    Buffer.from(leaf, 'base64').toString('utf8'),
    parsed.data.record.content,
    parsed.data.record.salt,
  );
}

const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * `greenlane log ...`: the tamper-evident record from the command line (issue 5 CLI contract),
 * and `greenlane witness ...`: this installation as a witness of partners' logs.
 */
export function registerLogCommand(program: Command): void {
  const log = program
    .command('log')
    .description('Transparency log (RFC 9162) of decisions, with signed checkpoints');

  log
    .command('checkpoint')
    .description('Print the newest signed checkpoint (signing one first if the tree grew), with cosignatures')
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withLog(opts.db, async (l) => {
        await l.publishCheckpoint();
        await l.settle();
        process.stdout.write((await l.latestCheckpoint())!.note);
      });
    });

  log
    .command('entry')
    .description(
      'Print {"index","entry","record"?}: the exact leaf bytes in base64 and (operator view) the record and salt it commits to',
    )
    .argument('<index>', 'log index')
    .option('--db <url>', DB_HELP)
    .action(async (index: string, opts: { db?: string }) => {
      const i = nonNegative(index, 'index');
      await withLog(opts.db, async (l) => {
        const disclosed = disclosedRecord(await l.records.atIndex(i));
        json({
          index: i,
          entry: (await l.entry(i)).toString('base64'),
          ...(disclosed ? { record: disclosed } : {}),
        });
      });
    });

  log
    .command('check-record')
    .description(
      'Auditor check, no database needed: does the record and salt in <file> (as served by GET /v1/log/entries/{index} or `log entry`) produce its public leaf? Exit 1 if not',
    )
    .argument('<file>', 'JSON {"entry": base64 leaf, "record": {"content", "salt"}}')
    .option('--leaf <base64>', 'the public leaf to check against (default: "entry" of the file)')
    .action((file: string, opts: { leaf?: string }) => {
      const result = checkRecordFile(readJsonFile(file), opts.leaf);
      json(result);
      if (!result.ok) {
        process.stderr.write(`record does NOT match the leaf: ${result.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write('record matches the leaf\n');
      }
    });

  const prove = log.command('prove').description('Print inclusion and consistency proofs (hex hashes)');
  prove
    .command('inclusion')
    .description(
      'Print {"index","size","hashes"}: entry <index> is in the tree of size N (default: newest checkpoint)',
    )
    .argument('<index>', 'log index')
    .option('--size <n>', 'tree size')
    .option('--db <url>', DB_HELP)
    .action(async (index: string, opts: { size?: string; db?: string }) => {
      const i = nonNegative(index, 'index');
      const size = opts.size === undefined ? undefined : nonNegative(opts.size, '--size', 1);
      await withLog(opts.db, async (l) => {
        const p = await l.proveInclusion(i, size);
        json({ index: p.index, size: p.size, hashes: p.hashes.map((h) => h.toString('hex')) });
      });
    });
  prove
    .command('consistency')
    .description('Print {"from","to","hashes"}: the tree of size <to> extends the tree of size <from>')
    .argument('<from>', 'older tree size')
    .argument('<to>', 'newer tree size')
    .option('--db <url>', DB_HELP)
    .action(async (from: string, to: string, opts: { db?: string }) => {
      const f = nonNegative(from, 'from', 1);
      const t = nonNegative(to, 'to', 1);
      if (f > t) throw new UsageError('from must not exceed to');
      await withLog(opts.db, async (l) => {
        const p = await l.proveConsistency(f, t);
        json({ from: p.from, to: p.to, hashes: p.hashes.map((h) => h.toString('hex')) });
      });
    });

  log
    .command('verify')
    .description(
      'Recompute the tree from the stored entries, check every checkpoint and that every stored record is logged (and every record leaf stored); exit 1 naming the first divergence',
    )
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withLog(opts.db, async (l) => {
        const report = await l.verify();
        json({ ...report, divergences: report.divergences.slice(0, 20) });
        if (report.ok) {
          process.stderr.write(
            `log verified: ${report.size} entries, ${report.checkpointsChecked} checkpoints, ${report.recordsChecked} records, none missing\n`,
          );
        } else {
          process.stderr.write(
            `log does NOT verify (${report.divergences.length} divergences); first: ${report.firstDivergence!.message}\n`,
          );
          process.exitCode = 1;
        }
      });
    });

  log
    .command('public-key')
    .description("Print the log's verifier key (signed-note vkey: origin+keyid+key)")
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withLog(opts.db, async (l) => void process.stdout.write(`${l.verifierKey}\n`));
    });

  log
    .command('add-witness')
    .description('Ask a witness to cosign every checkpoint (its cosigner vkey and tlog-witness URL prefix)')
    .argument('<verifier-key>', "the witness's cosignature/v1 verifier key")
    .argument('<url>', 'submission prefix, e.g. https://partner.example/v1/witness')
    .option('--quorum <k>', 'cosignatures a checkpoint needs to be final (default: all witnesses)')
    .action((vkey: string, url: string, opts: { quorum?: string }) => {
      const quorum = opts.quorum === undefined ? undefined : nonNegative(opts.quorum, '--quorum');
      const config = addWitness(vkey, url, quorum);
      process.stderr.write(`${config.witnesses.length} witness(es), quorum ${config.quorum}\n`);
    });

  log
    .command('rebuild-tiles')
    .description(
      'Recompute the node-hash tiles from the stored entries (after restoring entries from a backup)',
    )
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withLog(opts.db, async (l) => {
        const size = await l.store.rebuildTiles();
        process.stderr.write(`rebuilt the tiles of ${size} entries\n`);
      });
    });

  const witness = program
    .command('witness')
    .description("Witness partners' logs: cosign consistent checkpoints only");
  witness
    .command('follow')
    .description("Follow a partner's log by its verifier key (cosign its checkpoints from now on)")
    .argument('<verifier-key>', "the log's signed-note verifier key")
    .option('--db <url>', DB_HELP)
    .action(async (vkey: string, opts: { db?: string }) => {
      await withWitness(opts.db, async (witness) => {
        const origin = await witness.follow(vkey);
        process.stderr.write(`following ${origin}\n`);
      });
    });
  witness
    .command('status')
    .description('Print the followed logs and the latest checkpoint cosigned of each (JSON lines)')
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withWitness(opts.db, async (witness) => {
        for (const l of await witness.followed()) {
          json({ origin: l.origin, size: l.size, rootHash: l.rootHash?.toString('base64') ?? null });
        }
      });
    });
  witness
    .command('public-key')
    .description("Print this installation's cosigner verifier key (give it to the logs you witness)")
    .option('--db <url>', DB_HELP)
    .action(async (opts: { db?: string }) => {
      await withWitness(
        opts.db,
        async (witness) => void process.stdout.write(`${witness.key.verifierKey}\n`),
      );
    });
}

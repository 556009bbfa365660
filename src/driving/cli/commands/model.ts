import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { DeclarationSchema } from '../../../core/declaration/declaration.ts';
import {
  type CustomsRecord,
  declarationRecords,
  MODEL_TARGETS,
  type ModelTarget,
} from '../../../core/model/customs-record.ts';
import { evaluateRiskModel } from '../../../core/model/evaluate.ts';
import type { RoundInfo } from '../../../core/model/gbdt.ts';
import { scoreItems } from '../../../core/model/model-signals.ts';
import { RANKING_POLICIES, type RankingPolicy } from '../../../core/model/ranking.ts';
import { createScorer, type LabelledRecords, trainRiskModel } from '../../../core/model/risk-model.ts';
import { guessFormat, readRecords } from '../../../driven/input/read-records.ts';
import { type CustomsRows, parseCustomsRows } from '../../../driven/model/customs-rows.ts';
import {
  type ModelFileMeta,
  modelToJson,
  readModelFile,
  writeModelFile,
} from '../../../driven/model/model-file.ts';
import { type ModelRegistry, ModelRegistryError } from '../../../driven/model/model-registry.ts';
import { trainingSetFromStore } from '../../../driven/store/training-rows.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `greenlane model train | eval | score`: the learned risk model from the command line.
 * Machine output (model file, metrics JSON, NDJSON scores) goes to stdout or `--out`; progress
 * and summaries go to stderr.
 */
export function registerModelCommand(program: Command): void {
  const model = program
    .command('model')
    .description('Learned risk model: train, evaluate and score (gradient-boosted trees)');

  model
    .command('train')
    .description(
      'Train a model on labelled declarations: a customs CSV (Fraud / Critical Fraud columns) or the store',
    )
    .option('--data <file>', 'training rows (customs-declarations CSV)')
    .option('--from-store', 'train on the inspection outcomes recorded in the store (--db)')
    .option('--db <url>', `database for --from-store (default ${defaultDatabaseUrl()})`)
    .option('--administration <id>', 'administration whose outcomes --from-store reads', 'local')
    .option('--since <date>', 'with --from-store: declarations lodged on or after this date')
    .option('--valid <file>', 'later rows for early stopping (customs-declarations CSV)')
    .addOption(new Option('--target <target>', 'what to predict').choices(MODEL_TARGETS).default('fraud'))
    .option('--out <file>', 'model file to write (default: stdout)')
    .option('--seed <n>', 'random seed', '1')
    .option('--trees <n>', 'maximum number of trees', '600')
    .action(async (opts: TrainFlags) => {
      const seed = positiveInt(opts.seed, '--seed', true);
      const maxTrees = positiveInt(opts.trees, '--trees');
      if (Boolean(opts.data) === Boolean(opts.fromStore))
        throw new UsageError('give either --data FILE or --from-store');
      const train = opts.data ? labelledRows(opts.data, '--data') : await storeRows(opts);
      if (train.records.length === 0) throw new UsageError('no labelled rows to train on');
      const valid = opts.valid ? labelledRows(opts.valid, '--valid') : undefined;
      const progress = trainingProgress(maxTrees);
      const started = Date.now();
      const trained = trainRiskModel(train, {
        target: opts.target,
        params: { seed, maxTrees },
        ...(valid ? { valid } : {}),
        onRound: progress.round,
      });
      progress.stop();
      const meta: ModelFileMeta = { createdAt: new Date().toISOString(), seed };
      if (valid) meta.validation = evaluateRiskModel(trained, valid, 'probability');
      if (opts.out) writeModelFile(opts.out, trained, meta);
      else process.stdout.write(`${modelToJson(trained, meta)}\n`);
      const v = meta.validation;
      process.stderr.write(
        `trained ${opts.target} model on ${train.records.length} rows (${trained.window.from}..${trained.window.to}): ` +
          `${trained.gbdt.trees.length} trees in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (v
            ? `; validation precision@5% ${v.precisionAt['5'].toFixed(3)}, @10% ${v.precisionAt['10'].toFixed(3)}, AUC ${v.auc.toFixed(3)}`
            : '') +
          '\n',
      );
    });

  model
    .command('register')
    .description('Store a model file in the registry as the next version of its target (not active yet)')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--by <name>', 'who registers it')
    .option('--db <url>', `database (default ${defaultDatabaseUrl()})`)
    .option('--administration <id>', 'administration (tenant)', 'local')
    .action(async (opts: { model: string; by: string; db?: string; administration: string }) => {
      const { model: m, meta } = readModel(opts.model);
      await withRegistry(opts, async (registry) => {
        const v = await registry.register(m, meta, opts.by);
        process.stdout.write(`${JSON.stringify(v)}\n`);
      });
    });

  model
    .command('activate')
    .description('Put a registered model version in force for its target, with the ranking policy to use')
    .argument('<id>', 'model version id, e.g. local:fraud:v3')
    .requiredOption('--by <name>', 'who activates it (recorded)')
    .addOption(
      new Option('--rank <policy>', 'ranking policy').choices(RANKING_POLICIES).default('probability'),
    )
    .option('--db <url>', `database (default ${defaultDatabaseUrl()})`)
    .option('--administration <id>', 'administration (tenant)', 'local')
    .action(
      async (id: string, opts: { by: string; rank: RankingPolicy; db?: string; administration: string }) => {
        await usageOnRegistryError(() =>
          withInstallation(installationConfig(opts.db), {}, async (inst) => {
            const a = await inst.models(opts.administration).activate(id, opts.by, opts.rank);
            // Stored with its pending log entry: append it now.
            await inst.log.drainRecords();
            process.stdout.write(`${JSON.stringify(a)}\n`);
          }),
        );
      },
    );

  model
    .command('list')
    .description('Registered model versions, newest first (NDJSON, without the model content)')
    .addOption(new Option('--target <target>', 'only this target').choices(MODEL_TARGETS))
    .option('--db <url>', `database (default ${defaultDatabaseUrl()})`)
    .option('--administration <id>', 'administration (tenant)', 'local')
    .action(async (opts: { target?: ModelTarget; db?: string; administration: string }) => {
      await withRegistry(opts, async (registry) => {
        for (const v of await registry.list(opts.target)) process.stdout.write(`${JSON.stringify(v)}\n`);
      });
    });

  model
    .command('eval')
    .description(
      'Evaluate a model on labelled rows: precision, recall and revenue at 1, 2, 5, 10% and AUC (JSON)',
    )
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--data <file>', 'labelled rows (customs-declarations CSV)')
    .addOption(
      new Option('--rank <policy>', 'ranking policy').choices(RANKING_POLICIES).default('probability'),
    )
    .action((opts: { model: string; data: string; rank: RankingPolicy }) => {
      const { model: m } = readModel(opts.model);
      const data = labelledRows(opts.data, '--data');
      const metrics = evaluateRiskModel(m, data, opts.rank);
      process.stdout.write(`${JSON.stringify(metrics)}\n`);
    });

  model
    .command('score')
    .description('Score declarations: NDJSON {"declarationId","score","contributions"} per declaration')
    .requiredOption('--model <file>', 'model file')
    .argument('<file>', 'declarations: customs-declarations CSV, or Greenlane JSON / NDJSON / CSV')
    .option('--out <file>', 'write NDJSON here instead of stdout')
    .option('--top <n>', 'contributions per declaration', '5')
    .action(async (file: string, opts: { model: string; out?: string; top: string }) => {
      const top = positiveInt(opts.top, '--top');
      const { model: m } = readModel(opts.model);
      const scorer = createScorer(m);
      const lines: string[] = [];
      let rejected = 0;
      let declarations = 0;
      for await (const group of declarationGroups(file, () => rejected++)) {
        declarations++;
        const { declarationId, score, contributions } = scoreItems(scorer, group, top);
        lines.push(JSON.stringify({ declarationId, score, contributions }));
      }
      const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
      process.stderr.write(
        `scored ${declarations} declarations${rejected ? `, ${rejected} rejected (invalid)` : ''}\n`,
      );
    });
}

interface TrainFlags {
  data?: string;
  fromStore?: boolean;
  db?: string;
  administration: string;
  since?: string;
  valid?: string;
  target: ModelTarget;
  out?: string;
  seed: string;
  trees: string;
}

/** An unknown model version (or none in force) is the user's to fix: exit code 2. */
async function usageOnRegistryError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ModelRegistryError) throw new UsageError(err.message);
    throw err;
  }
}

/** The administration's model registry. */
function withRegistry<T>(
  opts: { db?: string; administration: string },
  fn: (registry: ModelRegistry) => Promise<T>,
): Promise<T> {
  return usageOnRegistryError(() =>
    withInstallation(installationConfig(opts.db), { log: false }, (inst) =>
      fn(inst.models(opts.administration)),
    ),
  );
}

/** Labelled rows from the outcomes recorded in the store. */
async function storeRows(opts: TrainFlags): Promise<LabelledRecords> {
  const set = await withInstallation(installationConfig(opts.db), { log: false }, (inst) =>
    trainingSetFromStore(inst.store, opts.administration, { ...(opts.since ? { from: opts.since } : {}) }),
  );
  process.stderr.write(
    `store: ${set.declarations} inspected declarations (${set.randomlySelected} drawn at random), ${set.records.length} goods items\n`,
  );
  return set;
}

function positiveInt(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function mustExist(file: string, flag: string): void {
  if (!existsSync(file)) throw new UsageError(`${flag}: no such file "${file}"`);
}

function readModel(file: string) {
  mustExist(file, '--model');
  return readModelFile(file);
}

function labelledRows(file: string, flag: string): CustomsRows & LabelledRecords {
  mustExist(file, flag);
  const rows = parseCustomsRows(readFileSync(file, 'utf8'));
  if (!rows.labelled) throw new UsageError(`${flag}: "${file}" has no Fraud column (labels are needed)`);
  return rows;
}

/** A bar on an interactive terminal, else one line every 50 trees. */
function trainingProgress(maxTrees: number): { round: (info: RoundInfo) => void; stop: () => void } {
  const label = (i: RoundInfo) =>
    i.validLoss === undefined ? '' : `valid logloss ${i.validLoss.toFixed(4)} (best tree ${i.bestRound})`;
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: 'trees [{bar}] {value}/{total} {metric}', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(maxTrees, 0, { metric: '' });
    return { round: (i) => bar.update(i.round, { metric: label(i) }), stop: () => bar.stop() };
  }
  return {
    round: (i) => {
      if (i.round % 50 === 0)
        process.stderr.write(`trees ${i.round}: train logloss ${i.trainLoss.toFixed(4)} ${label(i)}\n`);
    },
    stop: () => {},
  };
}

/** Items of each declaration of a file, whatever its format; invalid declarations are counted, not fatal. */
async function* declarationGroups(file: string, onReject: () => void): AsyncGenerator<CustomsRecord[]> {
  mustExist(file, '<file>');
  const firstLine = readFileSync(file, 'utf8').slice(0, 200).split('\n')[0];
  const format = guessFormat(file, firstLine);
  if (format === 'customs-csv') {
    for (const r of parseCustomsRows(readFileSync(file, 'utf8')).records) yield [r];
    return;
  }
  for await (const input of readRecords(createReadStream(file), format)) {
    const parsed = input.errors ? undefined : DeclarationSchema.safeParse(input.value);
    if (!parsed?.success) {
      onReject();
      continue;
    }
    yield declarationRecords(parsed.data);
  }
}

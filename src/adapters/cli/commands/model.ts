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
import { guessFormat, readRecords } from '../../input/read-records.ts';
import { type CustomsRows, parseCustomsRows } from '../../model/customs-rows.ts';
import { type ModelFileMeta, modelToJson, readModelFile, writeModelFile } from '../../model/model-file.ts';
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
    .description('Train a model on labelled declarations (customs CSV with Fraud / Critical Fraud columns)')
    .requiredOption('--data <file>', 'training rows (customs-declarations CSV)')
    .option('--valid <file>', 'later rows for early stopping (customs-declarations CSV)')
    .addOption(new Option('--target <target>', 'what to predict').choices(MODEL_TARGETS).default('fraud'))
    .option('--out <file>', 'model file to write (default: stdout)')
    .option('--seed <n>', 'random seed', '1')
    .option('--trees <n>', 'maximum number of trees', '600')
    .action(
      (opts: {
        data: string;
        valid?: string;
        target: ModelTarget;
        out?: string;
        seed: string;
        trees: string;
      }) => {
        const seed = positiveInt(opts.seed, '--seed', true);
        const maxTrees = positiveInt(opts.trees, '--trees');
        const train = labelledRows(opts.data, '--data');
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
      },
    );

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
    const parsed = input.syntaxError ? undefined : DeclarationSchema.safeParse(input.value);
    if (!parsed?.success) {
      onReject();
      continue;
    }
    yield declarationRecords(parsed.data);
  }
}

/**
 * The two name-pair sets of `sanctions/eval/` that the name comparison itself is held to (issue 3):
 * F1 on the labelled pairs at the match threshold, and the cross-script pairs' minimum scores.
 * Shared by `npm run eval:screening` and `eval/screening-tune.ts`, which checks them while
 * constants are chosen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { kindOf, type ScreeningIndex } from '../src/core/screening/candidate-index.ts';
import { compareNames } from '../src/core/screening/name-compare.ts';
import { normaliseName } from '../src/core/screening/normalise.ts';

const csv = (evalDir: string, file: string) =>
  parse(readFileSync(join(evalDir, file)), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;

export interface F1 {
  f1: number;
  precision: number;
  recall: number;
}

function f1(pairs: Array<{ predicted: boolean; actual: boolean }>): F1 {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of pairs) {
    if (p.predicted && p.actual) tp++;
    else if (p.predicted) fp++;
    else if (p.actual) fn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

/** F1 of our name score at `match` on the labelled pairs, and of logic-v2's frozen scores. */
export function labelledPairs(
  index: ScreeningIndex,
  evalDir: string,
  match: number,
): { cases: number; mine: F1; theirs: F1; theirCases: number } {
  const cases = csv(evalDir, 'nomenklatura_name_bench_cases.csv');
  const kind = (schema: string) =>
    schema === 'Person' ? 'person' : schema === 'Vessel' ? 'vessel' : 'organization';
  const ours = cases.map((c) => {
    const nk = kindOf(kind(c.schema ?? ''));
    const a = normaliseName(c.name1 ?? '', index.tables, nk);
    const b = normaliseName(c.name2 ?? '', index.tables, nk);
    const score = Math.max(compareNames(a, b).score, compareNames(b, a).score);
    return { predicted: score >= match, actual: c.is_match === 'true' };
  });
  const logic = csv(evalDir, 'nomenklatura_name_bench_logicv2_scores.csv').map((r) => ({
    predicted: r.predicted_match === 'true',
    actual: r.is_match === 'true',
  }));
  return { cases: cases.length, mine: f1(ours), theirs: f1(logic), theirCases: logic.length };
}

/** Cross-script pairs whose name score reaches the pair's expected minimum, and those that do not. */
export function crossScriptPairs(
  index: ScreeningIndex,
  evalDir: string,
): { pass: number; total: number; failed: string[] } {
  const pairs = (
    parse(readFileSync(join(evalDir, 'watchman_cross_script_pairs.csv')), {
      comment: '#',
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][]
  ).filter((r) => r.length >= 3);
  let pass = 0;
  const failed: string[] = [];
  for (const [query, expected, min] of pairs) {
    const a = normaliseName(query!, index.tables, 'person');
    const b = normaliseName(expected!, index.tables, 'person');
    const score = compareNames(a, b).score;
    if (score >= Number(min)) pass++;
    else failed.push(`${query} / ${expected}: ${score.toFixed(3)} < ${min}`);
  }
  return { pass, total: pairs.length, failed };
}

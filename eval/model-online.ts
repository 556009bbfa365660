/**
 * Weekly online simulation of the "select, inspect, record outcome, retrain" loop on the customs
 * data (2020-01 .. 2021-06): the first month is fully labelled; from then on, each week the model
 * retrained on every label known so far picks 10% of the week's declarations, and only those get
 * their labels. Pure exploitation is compared with 90% exploit + 10% random exploration, against
 * the oracle that would inspect the week's best 10% knowing the outcomes.
 */

import { type CustomsRecord, dutyAtStake, type OutcomeLabel } from '../src/core/model/customs-record.ts';
import { selectForInspection } from '../src/core/model/exploration.ts';
import { seededRandom } from '../src/core/model/random.ts';
import { createScorer, trainRiskModel } from '../src/core/model/risk-model.ts';
import type { CustomsRows } from '../src/driven/model/customs-rows.ts';

const RATE = 0.1;
const DAY = 86_400_000;

interface WeekResult {
  k: number;
  hits: number;
  oracleHits: number;
  revenue: number;
  oracleRevenue: number;
  explored: number;
  exploredHits: number;
}

function simulate(
  records: CustomsRecord[],
  outcomes: OutcomeLabel[],
  initial: number[],
  weeks: number[][],
  exploreShare: number,
  seed: number,
): WeekResult[] {
  const random = seededRandom(seed);
  const labelled = [...initial];
  const results: WeekResult[] = [];
  for (const week of weeks) {
    const model = trainRiskModel(
      { records: labelled.map((i) => records[i]!), outcomes: labelled.map((i) => outcomes[i]!) },
      { target: 'fraud', params: { seed, maxTrees: 100, earlyStoppingRounds: 0 } },
    );
    const scorer = createScorer(model);
    const keys = week.map((i) => scorer.score(records[i]!).score);
    const picked = selectForInspection(keys, RATE, exploreShare, random);
    const revenueOf = (i: number) => (outcomes[i]! >= 1 ? dutyAtStake(records[i]!) : 0);
    const k = picked.length;
    const frauds = week.filter((i) => outcomes[i]! >= 1).length;
    const best = week
      .map(revenueOf)
      .sort((a, b) => b - a)
      .slice(0, k);
    const r: WeekResult = {
      k,
      hits: 0,
      oracleHits: Math.min(k, frauds),
      revenue: 0,
      oracleRevenue: best.reduce((s, v) => s + v, 0),
      explored: 0,
      exploredHits: 0,
    };
    for (const s of picked) {
      const i = week[s.index]!;
      const hit = outcomes[i]! >= 1 ? 1 : 0;
      r.hits += hit;
      r.revenue += revenueOf(i);
      if (s.mode === 'explore') {
        r.explored++;
        r.exploredHits += hit;
      }
      labelled.push(i);
    }
    results.push(r);
  }
  return results;
}

function summary(rs: WeekResult[]) {
  const sum = (f: (r: WeekResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  return {
    inspections: sum((r) => r.k),
    precision: sum((r) => r.hits) / sum((r) => r.k),
    hitsVsOracle: sum((r) => r.hits) / sum((r) => r.oracleHits),
    revenueVsOracle: sum((r) => r.revenue) / sum((r) => r.oracleRevenue),
    exploredPrecision:
      sum((r) => r.explored) > 0 ? sum((r) => r.exploredHits) / sum((r) => r.explored) : Number.NaN,
  };
}

/** Runs both policies over the given splits (in date order) and returns the Markdown report. */
export function runOnlineSimulation(splits: CustomsRows[], seed = 1): string {
  const started = Date.now();
  const records = splits.flatMap((s) => s.records);
  const outcomes = splits.flatMap((s) => Array.from(s.outcomes) as OutcomeLabel[]);
  const order = records
    .map((_, i) => i)
    .sort((a, b) =>
      records[a]!.date < records[b]!.date ? -1 : records[a]!.date > records[b]!.date ? 1 : a - b,
    );
  const firstMonth = records[order[0]!]!.date.slice(0, 7);
  const initial = order.filter((i) => records[i]!.date.startsWith(firstMonth));
  const later = order.filter((i) => !records[i]!.date.startsWith(firstMonth));
  const start = Date.parse(records[later[0]!]!.date);
  const weeks: number[][] = [];
  for (const i of later) {
    const w = Math.floor((Date.parse(records[i]!.date) - start) / DAY / 7);
    const week = weeks[w] ?? [];
    week.push(i);
    weeks[w] = week;
  }
  const full = weeks.filter((w) => w.length > 0);
  const lastQuarter = 13;
  const lines: string[] = [];
  for (const [name, share] of [
    ['pure exploitation (top 10%)', 0],
    ['90% exploit + 10% explore', 0.1],
  ] as const) {
    const rs = simulate(records, outcomes, initial, full, share, seed);
    const fmt = (s: ReturnType<typeof summary>) =>
      `${s.precision.toFixed(3)} | ${s.hitsVsOracle.toFixed(3)} | ${s.revenueVsOracle.toFixed(3)}`;
    const all = summary(rs);
    const tail = summary(rs.slice(-lastQuarter));
    lines.push(
      `| ${name} | ${all.inspections} | ${fmt(all)} | ${fmt(tail)} | ${Number.isNaN(all.exploredPrecision) ? '-' : all.exploredPrecision.toFixed(3)} |`,
    );
    process.stderr.write(`online ${name}: ${JSON.stringify(all)}\n`);
  }
  const today = new Date().toISOString().slice(0, 10);
  return `## Learned risk model: weekly online simulation (issue 4)

Command: \`npm run eval:model\` — run ${today}, seed ${seed}, ${Math.round((Date.now() - started) / 1000)} s.
Set-up: all ${records.length} rows in date order; the first month (${firstMonth}, ${initial.length} rows) is labelled; then ${full.length} weeks, each: retrain (100 trees, no early stopping) on every label known so far, select 10% of the week's declarations, reveal only their labels.
Exploration picks its share uniformly among the declarations the model did not pick and logs the selection probability; this run trains without inverse-propensity weights.
Oracle: the week's best 10% knowing the outcomes (fraud count for hits, duty at stake of fraudulent rows for revenue).

| policy | inspections | precision | hits / oracle | revenue / oracle | last 13 weeks: precision | hits / oracle | revenue / oracle | precision of explored picks |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}
`;
}

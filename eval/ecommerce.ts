/**
 * `npm run eval:ecommerce`: how well the e-commerce lane finds injected risks (sanctioned seller,
 * prohibited goods, undervaluation, split shipments) in generated consignments, and how many clean
 * ones it holds. The seeds of the tuning and held-out sets are fixed here, before any tuning; the
 * one figure tuned (the model's hold threshold) is chosen on the tuning set only, and the held-out
 * figures are reported. Listed names are split too: even-numbered ones disguise sellers in the
 * tuning set, odd-numbered ones in the held-out set. Writes the `ecommerce` section of docs/QUALITY.md.
 */
import { loadavg } from 'node:os';
import { listedOrganisationNames } from '../bench/ecommerce.ts';
import { writeReportSection } from '../bench/report.ts';
import { decideConsignment, openConsignmentLane } from '../src/core/ecommerce/lane.ts';
import { DEFAULT_LANE_CONFIG, LANE_RANK, type Lane } from '../src/core/ecommerce/lane-config.ts';
import { PartyScreeningCache } from '../src/core/ecommerce/party-screening.ts';
import {
  generateConsignments,
  INJECTED_RISKS,
  type InjectedRisk,
} from '../src/core/ecommerce/synthetic-consignments.ts';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { dataDir } from '../src/installation/config.ts';
import { laneModel } from '../src/installation/consignment-lane.ts';

/** Fixed before tuning: the model's training seeds are 1401/1402 (consignment-model.ts). */
const TUNING_SEED = 2101;
const HELD_OUT_SEED = 2102;
const COUNT = Number(process.env.EVAL_ECOMMERCE_COUNT ?? 40_000);
/** Raised rates so that each risk has hundreds of cases in a set. */
const RATES: Record<InjectedRisk, number> = {
  'sanctioned-seller': 0.02,
  'prohibited-goods': 0.03,
  undervaluation: 0.04,
  split: 0.03,
};
/** Most clean consignments that may be held on the tuning set when the threshold is chosen. */
const FALSE_HOLD_BUDGET = 0.01;
const THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98];

interface Outcome {
  risks: InjectedRisk[];
  /** The lane of the rules alone (the model's reason left out). */
  rules: Lane;
  modelScore: number;
}

async function decideSet(seed: number, names: string[], screening: PartyScreeningCache): Promise<Outcome[]> {
  const set = generateConsignments({ count: COUNT, seed, sanctionedNames: names, rates: RATES });
  const lane = openConsignmentLane({
    ref: referenceData(dataDir()),
    // The model's reason is left out here (threshold above 1) so any threshold can be applied after.
    config: { ...DEFAULT_LANE_CONFIG, model: { hold: 2 } },
    screening,
    model: laneModel(),
  });
  return set.map(({ consignment, risks }) => {
    const d = decideConsignment(consignment, lane);
    return { risks, rules: d.lane, modelScore: d.modelScore ?? 0 };
  });
}

const laneWith = (o: Outcome, threshold: number | undefined): Lane =>
  threshold !== undefined && o.modelScore >= threshold && LANE_RANK[o.rules] < LANE_RANK.hold
    ? 'hold'
    : o.rules;

interface Figures {
  recall: Record<InjectedRisk, { caught: number; inspected: number; total: number }>;
  falseHolds: number;
  falseInspections: number;
  clean: number;
}

function figures(outcomes: Outcome[], threshold: number | undefined): Figures {
  const recall = Object.fromEntries(
    INJECTED_RISKS.map((r) => [r, { caught: 0, inspected: 0, total: 0 }]),
  ) as Figures['recall'];
  let falseHolds = 0;
  let falseInspections = 0;
  let clean = 0;
  for (const o of outcomes) {
    const lane = laneWith(o, threshold);
    if (o.risks.length === 0) {
      clean++;
      if (lane !== 'release') falseHolds++;
      if (lane === 'inspect') falseInspections++;
      continue;
    }
    for (const r of o.risks) {
      recall[r].total++;
      if (lane !== 'release') recall[r].caught++;
      if (lane === 'inspect') recall[r].inspected++;
    }
  }
  return { recall, falseHolds, falseInspections, clean };
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);

async function main(): Promise<void> {
  const { index } = await loadScreeningIndex({ dataDirectory: dataDir() });
  const names = listedOrganisationNames(index, 400);
  const tuningNames = names.filter((_, i) => i % 2 === 0);
  const heldOutNames = names.filter((_, i) => i % 2 === 1);
  const screening = new PartyScreeningCache(index);
  const tuning = await decideSet(TUNING_SEED, tuningNames, screening);
  const heldOut = await decideSet(HELD_OUT_SEED, heldOutNames, screening);

  // Tuning: the lowest threshold (most recall) whose false holds stay within the budget.
  let chosen = THRESHOLDS[THRESHOLDS.length - 1]!;
  const tuningRows: string[] = [];
  for (const t of THRESHOLDS) {
    const f = figures(tuning, t);
    const caught = INJECTED_RISKS.reduce((s, r) => s + f.recall[r].caught, 0);
    const total = INJECTED_RISKS.reduce((s, r) => s + f.recall[r].total, 0);
    tuningRows.push(`| ${t} | ${pct(caught, total)} | ${pct(f.falseHolds, f.clean)} |`);
    if (f.falseHolds / f.clean <= FALSE_HOLD_BUDGET && t < chosen) chosen = t;
  }
  const rules = figures(heldOut, undefined);
  const withModel = figures(heldOut, chosen);
  const row = (r: InjectedRisk) =>
    `| ${r} | ${withModel.recall[r].total} | ${pct(rules.recall[r].caught, rules.recall[r].total)} | ${pct(withModel.recall[r].caught, withModel.recall[r].total)} | ${pct(withModel.recall[r].inspected, withModel.recall[r].total)} |`;
  const markdown = `## E-commerce lane (issue 14, item 5)

Command: \`npm run eval:ecommerce\` — run ${new Date().toISOString().slice(0, 16)}Z (1-minute load average ${loadavg()[0]!.toFixed(1)},
measured while the machine was shared; quality figures do not depend on it). Two generated sets of
${COUNT.toLocaleString('en-US')} consignments each (\`generateConsignments\`), seeds fixed before tuning: tuning
${TUNING_SEED}, held-out ${HELD_OUT_SEED} (the model was trained on seeds 1401/1402). Injected risks: sanctioned
seller ${RATES['sanctioned-seller'] * 100} % (a listed organisation's name, upper-cased, with "Co., Ltd", without
punctuation or with one letter doubled or dropped; the even-numbered of 400 listed names in the tuning set,
the odd-numbered in the held-out set), prohibited or restricted goods ${RATES['prohibited-goods'] * 100} % (70 % named
plainly in one of seven languages, 15 % disguised such as "v1agra" or "gas cylinder", 15 % a regulated HS code
with a bland description), undervaluation ${RATES.undervaluation * 100} % (half declared at 5-45 % of the price, half
dear goods several at a time declared just under EUR 150), split orders ${RATES.split * 100} % (2-4 parcels within 48 h;
the parcels after the first are the risk). Clean traffic holds its own traps: 3 % repeat orders of honest
buyers, 2 % harmless look-alike descriptions ("water pistol toy", "coral dress").

Tuned on the tuning set: the model's hold threshold, the lowest of ${THRESHOLDS.join(', ')} whose false holds stay
within ${FALSE_HOLD_BUDGET * 100} % of clean consignments: **${chosen}**.

| model hold threshold (tuning set) | risks caught | clean consignments held |
|---|---:|---:|
${tuningRows.join('\n')}

Held-out set (a risk is caught when its consignment is not released):

| risk | cases | recall, rules only | recall, rules + model | sent to inspection |
|---|---:|---:|---:|---:|
${INJECTED_RISKS.map(row).join('\n')}

False holds on the held-out set: rules only ${pct(rules.falseHolds, rules.clean)} of ${rules.clean.toLocaleString('en-US')} clean
consignments, rules + model ${pct(withModel.falseHolds, withModel.clean)}; sent to inspection ${pct(withModel.falseInspections, withModel.clean)}.

What the misses are: disguised prohibited goods no keyword names; undervalued dear goods whose declared unit
price stays above the category floor (three phones at EUR 45 each); sanctioned names whose disguise moves them
below the screening's review threshold. False holds come from honest repeat orders above EUR 150 in 72 h (held
as possible splits) and from screening near-matches of generated seller names. The sets are generated, so these
figures measure the lane against the patterns injected here, not against real parcels.`;
  console.log(markdown);
  writeReportSection('docs/QUALITY.md', 'ecommerce', markdown);
}

await main();

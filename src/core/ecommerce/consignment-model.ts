import type { FeatureMatrix } from '../model/binning.ts';
import { compileForest, type Forest, predictForest } from '../model/forest.ts';
import { sigmoid } from '../model/gbdt.ts';
import { trainGbdt } from '../model/gbdt-training.ts';
import { CONSIGNMENT_TRANSPORT_MODES, type Consignment } from './consignment.ts';
import { type ConsignmentFacts, consignmentFacts } from './consignment-checks.ts';
import { GOODS_CATEGORIES } from './goods-categories.ts';
import { CONCERN_LANE } from './goods-keywords.ts';
import type { LaneConfig } from './lane-config.ts';
import { type SplitSummary, SplitWindow } from './split-window.ts';
import { generateConsignments, type LabelledConsignment } from './synthetic-consignments.ts';

/**
 * The lane's model: small gradient-boosted trees (`core/model`) over what the checks already
 * computed, so it costs a few microseconds. It weighs weak signals together (a dear kind of goods
 * declared just under the threshold, a light parcel, a second parcel to the same buyer) that no
 * single rule may hold a parcel for. Sanctions screening is not among its features: that is a rule.
 */
export const CONSIGNMENT_FEATURES = [
  'value_eur',
  'value_share_of_threshold',
  'min_price_ratio',
  'mass_kg',
  'mass_over_heaviest',
  'mass_over_lightest',
  'value_per_kg',
  'units',
  'lines',
  'prohibited_keywords',
  'restricted_keywords',
  'has_hs6',
  'split_earlier',
  'split_total_share_of_threshold',
  'category',
  'has_platform',
  'has_ioss',
  'transport_mode',
  'description_length',
] as const;

const CATEGORY_INDEX = new Map(GOODS_CATEGORIES.map((c, i) => [c.code, i]));

/** Writes the features of one consignment into `out` (length {@link CONSIGNMENT_FEATURES}). */
export function consignmentFeatures(
  c: Consignment,
  facts: ConsignmentFacts,
  split: SplitSummary | undefined,
  out: Float64Array,
): Float64Array {
  const value = facts.valueEur ?? Number.NaN;
  let minPrice = Number.NaN;
  let prohibited = 0;
  let restricted = 0;
  let length = 0;
  for (const line of facts.lines) {
    if (!Number.isNaN(line.priceRatio) && !(line.priceRatio >= minPrice)) minPrice = line.priceRatio;
    for (const k of line.keywords) {
      if (CONCERN_LANE[k.concern].lane === 'inspect') prohibited++;
      else restricted++;
    }
  }
  for (const item of c.items) length += item.description.length;
  const [low, high] = facts.massRange;
  const known = facts.uncategorised === 0;
  const category = facts.lines[0]?.category;
  out[0] = value;
  out[1] = value / facts.thresholdEur;
  out[2] = minPrice;
  out[3] = c.grossMassKg;
  out[4] = known && high > 0 ? c.grossMassKg / high : Number.NaN;
  out[5] = known && low > 0 ? c.grossMassKg / low : Number.NaN;
  out[6] = value / c.grossMassKg;
  out[7] = facts.units;
  out[8] = c.items.length;
  out[9] = prohibited;
  out[10] = restricted;
  out[11] = c.items.some((i) => i.hs6 !== undefined) ? 1 : 0;
  out[12] = split?.earlier ?? Number.NaN;
  out[13] = split ? split.totalEur / facts.thresholdEur : Number.NaN;
  out[14] = category ? CATEGORY_INDEX.get(category.code)! : Number.NaN;
  out[15] = c.platform ? 1 : 0;
  out[16] = c.iossNumber ? 1 : 0;
  out[17] = c.transport ? CONSIGNMENT_TRANSPORT_MODES.indexOf(c.transport.mode) : Number.NaN;
  out[18] = length;
  return out;
}

export interface ConsignmentModel {
  forest: Forest;
  trees: number;
  /** How it was trained, recorded with it. */
  training: { seed: number; rows: number; validSeed: number; positives: number };
}

/** Seeds of the shipped model's generated training and validation sets; evaluations use others. */
export const MODEL_TRAINING_SEED = 1401;
export const MODEL_VALIDATION_SEED = 1402;

/** Label of the model: a risk it can see (a sanctioned seller is the screening's to find). */
function label(row: LabelledConsignment): number {
  return row.risks.some((r) => r !== 'sanctioned-seller') ? 1 : 0;
}

function matrixOf(
  rows: readonly LabelledConsignment[],
  config: LaneConfig,
): { matrix: FeatureMatrix; labels: Float64Array } {
  const nf = CONSIGNMENT_FEATURES.length;
  const n = rows.length;
  const values = new Float64Array(n * nf);
  const labels = new Float64Array(n);
  const window = new SplitWindow(config.splitWindowHours * 3600_000);
  const row = new Float64Array(nf);
  rows.forEach((r, i) => {
    const c = r.consignment;
    const facts = consignmentFacts(c, config);
    const key = SplitWindow.key(c);
    const split = key ? window.observe(key, c.id, Date.parse(c.lodgedAt), facts.valueEur ?? 0) : undefined;
    consignmentFeatures(c, facts, split, row);
    for (let f = 0; f < nf; f++) values[f * n + i] = row[f]!;
    labels[i] = label(r);
  });
  return { matrix: { rows: n, features: nf, values }, labels };
}

/**
 * Trains the lane's model on generated consignments (deterministic: same seeds, same trees). About
 * two seconds on a quiet 2-core machine for the default 10,000 rows; an installation does it once at start.
 */
export function trainConsignmentModel(
  config: LaneConfig,
  options: { rows?: number; seed?: number; validSeed?: number } = {},
): ConsignmentModel {
  const rows = options.rows ?? 10_000;
  const seed = options.seed ?? MODEL_TRAINING_SEED;
  const validSeed = options.validSeed ?? MODEL_VALIDATION_SEED;
  const train = matrixOf(generateConsignments({ count: rows, seed }), config);
  const valid = matrixOf(generateConsignments({ count: Math.ceil(rows / 4), seed: validSeed }), config);
  const model = trainGbdt(train, {
    params: {
      learningRate: 0.15,
      maxDepth: 5,
      maxLeaves: 16,
      minDataInLeaf: 10,
      maxTrees: 80,
      earlyStoppingRounds: 15,
      rowSubsample: 1,
      colSubsample: 1,
      seed,
    },
    valid,
  });
  let positives = 0;
  for (const y of train.labels) positives += y;
  return {
    forest: compileForest(model),
    trees: model.trees.length,
    training: { seed, rows, validSeed, positives },
  };
}

/** The model's probability that a consignment carries a risk, from its features. */
export function modelProbability(model: ConsignmentModel, features: Float64Array): number {
  return sigmoid(predictForest(model.forest, features));
}

import type { ReferenceData } from '../reference/reference-data.ts';
import type { Consignment } from './consignment.ts';
import {
  consignmentFacts,
  embargoReasons,
  goodsReasons,
  valueReasons,
  weightReasons,
} from './consignment-checks.ts';
import {
  CONSIGNMENT_FEATURES,
  type ConsignmentModel,
  consignmentFeatures,
  modelProbability,
} from './consignment-model.ts';
import { LANE_RANK, type Lane, type LaneConfig, type LaneReason } from './lane-config.ts';
import { type PartyScreeningCache, screeningReasons } from './party-screening.ts';
import { SplitWindow } from './split-window.ts';

/** What the lane decides with; one per process (the screening answers and the window are its memory). */
export interface ConsignmentLane {
  ref: ReferenceData;
  config: LaneConfig;
  /** Seller and platform screening; without it the lane says so in every decision's reasons. */
  screening?: PartyScreeningCache;
  model?: ConsignmentModel;
  split: SplitWindow;
}

export function openConsignmentLane(parts: Omit<ConsignmentLane, 'split'>): ConsignmentLane {
  return { ...parts, split: new SplitWindow(parts.config.splitWindowHours * 3600_000) };
}

/** The lane of one consignment, its score (0..1, the strongest reason or the model) and every reason. */
export interface LaneDecision {
  consignmentId: string;
  lane: Lane;
  score: number;
  reasons: LaneReason[];
  /** The model's probability, when the lane has a model. */
  modelScore?: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Decides one validated consignment: screening of seller and platform, embargoes, prohibited and
 * restricted goods, value and weight plausibility, split consignments, then the model. Each check
 * gives reasons with the lane it asks for; the consignment takes the strictest. Pure apart from the
 * lane's memory (screening answers, the split window), which only makes it faster or better informed.
 *
 * @example
 * const lane = openConsignmentLane({ ref, config: DEFAULT_LANE_CONFIG, screening: new PartyScreeningCache(index) });
 * decideConsignment(consignment, lane); // { lane: 'release', score: 0.02, reasons: [] }
 */
export function decideConsignment(
  c: Consignment,
  lane: ConsignmentLane,
  features?: Float64Array,
): LaneDecision {
  const { config } = lane;
  const facts = consignmentFacts(c, config);
  const reasons: LaneReason[] = [];
  if (lane.screening) {
    reasons.push(
      ...screeningReasons(
        'seller',
        c.seller.name,
        lane.screening.screen(c.seller.name, c.seller.country, 'any'),
      ),
    );
    if (c.platform) {
      reasons.push(
        ...screeningReasons(
          'platform',
          c.platform.name,
          lane.screening.screen(c.platform.name, undefined, 'organization'),
        ),
      );
    }
  }
  reasons.push(...embargoReasons(c, config));
  reasons.push(...goodsReasons(c, facts, lane.ref));
  reasons.push(...valueReasons(c, facts, config));
  reasons.push(...weightReasons(c, facts, config));
  const key = SplitWindow.key(c);
  const split = key ? lane.split.observe(key, c.id, Date.parse(c.lodgedAt), facts.valueEur ?? 0) : undefined;
  if (split && split.earlier > 0 && split.totalEur > facts.thresholdEur) {
    reasons.push({
      check: 'split',
      code: 'SPLIT_CONSIGNMENT',
      message: `with ${split.earlier} earlier consignment(s) of the same seller to the same buyer within ${config.splitWindowHours} h the value is EUR ${Math.round(split.totalEur)}, above the threshold`,
      lane: 'hold',
      score: 0.7,
    });
  }
  let modelScore: number | undefined;
  if (lane.model) {
    const row = consignmentFeatures(
      c,
      facts,
      split,
      features ?? new Float64Array(CONSIGNMENT_FEATURES.length),
    );
    modelScore = round3(modelProbability(lane.model, row));
    if (modelScore >= config.model.hold) {
      reasons.push({
        check: 'model',
        code: 'MODEL_RISK',
        message: `the model scores the consignment ${modelScore} (held from ${config.model.hold})`,
        lane: 'hold',
        score: modelScore,
      });
    }
  }
  let decided: Lane = 'release';
  let score = modelScore ?? 0;
  for (const r of reasons) {
    if (LANE_RANK[r.lane] > LANE_RANK[decided]) decided = r.lane;
    if (r.score > score) score = r.score;
  }
  reasons.sort((a, b) => LANE_RANK[b.lane] - LANE_RANK[a.lane] || b.score - a.score);
  return {
    consignmentId: c.id,
    lane: decided,
    score: round3(score),
    reasons,
    ...(modelScore !== undefined ? { modelScore } : {}),
  };
}

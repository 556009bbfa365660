import { type ReferenceData, regulatoryFlagsFor } from '../reference/reference-data.ts';
import { type Consignment, intrinsicValue, unitCount } from './consignment.ts';
import { categoryOf, type GoodsCategory } from './goods-categories.ts';
import { CONCERN_LANE, type GoodsConcern, goodsKeywords } from './goods-keywords.ts';
import { type LaneConfig, type LaneReason, thresholdEur, toEur } from './lane-config.ts';
import { foldDescription } from './text-match.ts';

/** What the checks and the model read of one goods line. */
export interface LineFacts {
  category: GoodsCategory | undefined;
  /** Keywords of prohibited or restricted goods found in the description. */
  keywords: Array<{ term: string; concern: GoodsConcern }>;
  /** Unit value over the category's floor (below 1: cheaper than such goods can be); NaN when unknown. */
  priceRatio: number;
}

/** What the checks and the model read of one consignment, computed once. */
export interface ConsignmentFacts {
  valueEur: number | undefined;
  thresholdEur: number;
  units: number;
  lines: LineFacts[];
  /** Lightest and heaviest plausible mass of the goods described (categorised lines only), kg. */
  massRange: [number, number];
  /** Lines whose goods are of no known category. */
  uncategorised: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function consignmentFacts(c: Consignment, config: LaneConfig): ConsignmentFacts {
  const valueEur = toEur(intrinsicValue(c), c.currency, config);
  const lines: LineFacts[] = [];
  let massMin = 0;
  let massMax = 0;
  let uncategorised = 0;
  for (const item of c.items) {
    const folded = foldDescription(item.description);
    const category = categoryOf(folded, item.hs6);
    const keywords = goodsKeywords(folded);
    const unitEur = toEur(item.value / item.quantity, c.currency, config);
    const priceRatio = category && unitEur !== undefined ? unitEur / category.minUnitValueEur : Number.NaN;
    if (category) {
      massMin += category.unitMassKg[0] * item.quantity;
      massMax += category.unitMassKg[1] * item.quantity;
    } else uncategorised++;
    lines.push({ category, keywords, priceRatio });
  }
  return {
    valueEur,
    thresholdEur: thresholdEur(c.regime, config),
    units: unitCount(c),
    lines,
    massRange: [massMin, massMax],
    uncategorised,
  };
}

/** Prohibited and restricted goods: keywords of the description, regulatory flags of the HS code. */
export function goodsReasons(c: Consignment, facts: ConsignmentFacts, ref: ReferenceData): LaneReason[] {
  const out: LaneReason[] = [];
  facts.lines.forEach((line, i) => {
    const seen = new Set<GoodsConcern>();
    for (const { term, concern } of line.keywords) {
      if (seen.has(concern)) continue;
      seen.add(concern);
      const { lane, label } = CONCERN_LANE[concern];
      out.push({
        check: 'goods',
        code: lane === 'inspect' ? 'PROHIBITED_GOODS' : 'RESTRICTED_GOODS',
        message: `item ${i + 1}: the description names "${term}": ${label}`,
        lane,
        score: lane === 'inspect' ? 0.95 : 0.75,
      });
    }
    const hs6 = c.items[i]!.hs6;
    if (!hs6) return;
    const arms = ARMS_HEADINGS[hs6.slice(0, 4)];
    if (arms) {
      out.push({
        check: 'goods',
        code: 'PROHIBITED_HS',
        message: `item ${i + 1}: HS ${hs6} is ${arms}`,
        lane: 'inspect',
        score: 0.9,
      });
    }
    for (const flag of regulatoryFlagsFor(ref, hs6)) {
      const lane = flagLane(flag.concern, flag.subconcern, flag.confidence);
      if (!lane) continue;
      out.push({
        check: 'goods',
        code: lane === 'inspect' ? 'PROHIBITED_HS' : 'RESTRICTED_HS',
        message: `item ${i + 1}: HS ${hs6} is tied to ${flag.concern.replaceAll('_', ' ')} (${flag.subconcern.replaceAll('_', ' ')}, ${flag.confidence} confidence)`,
        lane,
        score: lane === 'inspect' ? 0.9 : 0.7,
      });
    }
  });
  return out;
}

/**
 * Arms headings of HS chapter 93 that the data directory's table leaves out (it flags 9301 military
 * weapons and 9306 ammunition): a parcel never carries them lawfully without a licence.
 */
const ARMS_HEADINGS: Record<string, string> = {
  '9302': 'a revolver or pistol (HS heading 9302)',
  '9303': 'a firearm (HS heading 9303)',
  '9304': 'an arm such as a spring, air or gas gun (HS heading 9304)',
  '9305': 'a part or accessory of arms (HS heading 9305)',
};

/** Concerns of `hs-regulatory` that stop a parcel, and those that need a document; the rest pass. */
const INSPECT_CONCERNS = new Set(['narcotic_psychotropic', 'cwc', 'drug_precursor']);
const HOLD_CONCERNS = new Set([
  'cites',
  'ozone_depleting',
  'hfc_kigali',
  'tobacco_nicotine',
  'basel_waste',
  'pops_pic',
  'minamata_mercury',
]);
const MEDICAL_HOLD = new Set(['medicament', 'vaccine', 'immunological_product', 'cell_therapy']);

function flagLane(concern: string, subconcern: string, confidence: string): 'hold' | 'inspect' | undefined {
  if (confidence === 'low') return undefined;
  if (INSPECT_CONCERNS.has(concern)) return 'inspect';
  if (concern === 'strategic_goods')
    return subconcern === 'military' || subconcern === 'nuclear' ? 'inspect' : undefined;
  if (concern === 'medical') return MEDICAL_HOLD.has(subconcern) ? 'hold' : undefined;
  return HOLD_CONCERNS.has(concern) ? 'hold' : undefined;
}

/** Value against the regime's threshold and against what such goods cost. */
export function valueReasons(c: Consignment, facts: ConsignmentFacts, config: LaneConfig): LaneReason[] {
  const out: LaneReason[] = [];
  const { valueEur, thresholdEur: limit } = facts;
  if (valueEur === undefined) {
    out.push({
      check: 'value',
      code: 'NO_EXCHANGE_RATE',
      message: `no exchange rate for ${c.currency}: the value could not be compared with the threshold`,
      lane: 'hold',
      score: 0.5,
    });
    return out;
  }
  const regime = config.thresholds[c.regime];
  if (valueEur > limit) {
    out.push({
      check: 'value',
      code: 'ABOVE_THRESHOLD',
      message: `intrinsic value EUR ${round2(valueEur)} is above the ${regime.currency} ${regime.amount} of the ${c.regime} regime: a full declaration is needed`,
      lane: 'hold',
      score: 0.6,
    });
  }
  const cheap = facts.lines.map((line, i) => ({ line, i })).filter(({ line }) => line.priceRatio < 1);
  const near = valueEur >= limit * config.nearThresholdShare && valueEur <= limit;
  for (const { line, i } of cheap) {
    const item = c.items[i]!;
    const unit = round2(item.value / item.quantity);
    out.push({
      check: 'value',
      code: 'UNDERVALUED',
      message: `item ${i + 1}: ${c.currency} ${unit} per unit is below the EUR ${line.category!.minUnitValueEur} a ${line.category!.label} costs at least`,
      lane: 'hold',
      score: line.priceRatio < 0.5 || near ? 0.8 : 0.65,
    });
  }
  if (near) {
    out.push({
      check: 'value',
      code: 'JUST_UNDER_THRESHOLD',
      message: `intrinsic value EUR ${round2(valueEur)} is just under the ${regime.currency} ${regime.amount} threshold`,
      lane: 'release',
      score: 0.2,
    });
  }
  return out;
}

/** Gross mass against what the goods described can weigh. */
export function weightReasons(c: Consignment, facts: ConsignmentFacts, config: LaneConfig): LaneReason[] {
  // Only when every line is of a known kind: an unknown line could weigh anything.
  if (facts.uncategorised > 0) return [];
  const [low, high] = facts.massRange;
  const mass = c.grossMassKg;
  // Packing adds up to 0.3 kg to a parcel.
  if (mass > high * config.heavyFactor + 0.3) {
    return [
      {
        check: 'weight',
        code: 'TOO_HEAVY',
        message: `${mass} kg is more than ${config.heavyFactor} times what the goods described weigh at most (${round2(high)} kg): something else may be inside`,
        lane: 'hold',
        score: mass > high * config.heavyFactor * 3 + 0.3 ? 0.85 : 0.7,
      },
    ];
  }
  if (mass < low * config.lightFactor) {
    return [
      {
        check: 'weight',
        code: 'TOO_LIGHT',
        message: `${mass} kg is less than ${config.lightFactor} of what the goods described weigh at least (${round2(low)} kg): the description may not be what is inside`,
        lane: 'hold',
        score: 0.65,
      },
    ];
  }
  return [];
}

/** A seller in a country under a comprehensive embargo. */
export function embargoReasons(c: Consignment, config: LaneConfig): LaneReason[] {
  if (!config.embargoedCountries.includes(c.seller.country)) return [];
  return [
    {
      check: 'screening',
      code: 'EMBARGOED_COUNTRY',
      message: `the seller is in ${c.seller.country}, a country under a comprehensive embargo`,
      lane: 'hold',
      score: 0.75,
    },
  ];
}

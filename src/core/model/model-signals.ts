import type { Channel, RiskSignal } from '../decision/signal.ts';
import type { Declaration } from '../declaration/declaration.ts';
import { type CustomsRecord, declarationRecords, dutyAtStake, type ModelTarget } from './customs-record.ts';
import { type RankingPolicy, rankingScore } from './ranking.ts';
import type { Contribution, createScorer } from './risk-model.ts';

type Scorer = ReturnType<typeof createScorer>;

/** The model's verdict on a whole declaration: its riskiest goods item. */
export interface DeclarationScore {
  declarationId: string;
  /** Probability of the model's target on the riskiest item. */
  score: number;
  itemSequence: number;
  /** Duty at stake of that item (value x rate / 100), for revenue ranking. */
  dutyAtStake: number;
  contributions: Contribution[];
}

/** Scores the items of one declaration (as model records) and keeps the riskiest. */
export function scoreItems(scorer: Scorer, records: readonly CustomsRecord[], top = 5): DeclarationScore {
  let best: DeclarationScore | undefined;
  for (const r of records) {
    const e = scorer.explain(r, top);
    if (!best || e.score > best.score) {
      best = {
        declarationId: r.declarationId,
        score: e.score,
        itemSequence: r.itemSequence,
        dutyAtStake: dutyAtStake(r),
        contributions: e.contributions,
      };
    }
  }
  if (!best) throw new Error('scoreItems: a declaration has at least one goods item');
  return best;
}

/** Scores a Greenlane declaration (every goods item; the riskiest one speaks for it). */
export function scoreDeclaration(scorer: Scorer, declaration: Declaration, top = 5): DeclarationScore {
  return scoreItems(scorer, declarationRecords(declaration), top);
}

/** How the administration turns model scores into channels. */
export interface ModelSignalPolicy {
  /** The ranking policy in force; recorded with every decision. */
  policy: RankingPolicy;
  target: ModelTarget;
  /** Probability from which the model asks for a documentary check (yellow). */
  yellowAt: number;
  /** Probability from which the model asks for a physical inspection (red). */
  redAt: number;
  /** Registry version of the active model, recorded with the decision. */
  modelVersion?: string;
  /** Goods item the score belongs to. */
  itemSequence?: number;
  /** Duty at stake of that item: with it the evidence carries the policy's ranking key for the queue. */
  dutyAtStake?: number;
}

const percent = (p: number) => `${Math.round(p * 100)}%`;

/**
 * The model's say in the channel decision: one `MODEL_SCORE` (or `MODEL_CRITICAL`) signal when the
 * score reaches the yellow threshold, none below it. The message gives the likelihood and the
 * reasons that raised it most, in the officer's words; the evidence keeps every contribution.
 */
export function modelSignals(
  score: number,
  contributions: Contribution[],
  policy: ModelSignalPolicy,
): RiskSignal[] {
  if (!(score >= policy.yellowAt)) return [];
  const minChannel: Channel = score >= policy.redAt ? 'red' : 'yellow';
  const raising = contributions.filter((c) => c.contribution > 0).slice(0, 3);
  const what = policy.target === 'critical' ? 'critical (public-safety) fraud' : 'fraud';
  const signal: RiskSignal = {
    source: 'model',
    code: policy.target === 'critical' ? 'MODEL_CRITICAL' : 'MODEL_SCORE',
    message:
      `Risk model: ${percent(score)} likelihood of ${what}` +
      (raising.length > 0 ? ` — ${raising.map((c) => c.reason).join('; ')}` : ''),
    score: Math.round(score * 100),
    minChannel,
    instructions: instructionsFor(raising),
    evidence: {
      probability: score,
      policy: policy.policy,
      target: policy.target,
      ...(policy.modelVersion ? { modelVersion: policy.modelVersion } : {}),
      ...(policy.dutyAtStake !== undefined
        ? {
            dutyAtStake: policy.dutyAtStake,
            rankingKey: rankingScore(policy.policy, score, policy.dutyAtStake),
          }
        : {}),
      contributions,
    },
  };
  if (policy.itemSequence !== undefined) signal.items = [policy.itemSequence];
  return [signal];
}

/**
 * A random (exploration) selection, marked as such so it is never read as a model finding, with
 * the probability it had of being drawn: later training weights its outcome by 1 / probability.
 */
export function explorationSignal(selectionProbability: number, modelVersion?: string): RiskSignal {
  return {
    source: 'random',
    code: 'MODEL_EXPLORE',
    message: `Selected at random so the risk model keeps learning (selection probability ${(selectionProbability * 100).toFixed(1)}%)`,
    score: 0,
    minChannel: 'red',
    instructions: 'Inspect as usual and record the outcome, including "no discrepancy".',
    evidence: { selectionProbability, ...(modelVersion ? { modelVersion } : {}) },
  };
}

/** What to check, from the kind of reasons that raised the score. */
function instructionsFor(raising: Contribution[]): string {
  const steps: string[] = [];
  const has = (s: string) => raising.some((c) => c.feature.includes(s));
  if (has('unit price') || has('declared value'))
    steps.push('verify the declared value against the invoice and the goods');
  if (has('duty rate') || has('taxType'))
    steps.push('check the duty rate and any preference claimed (proof of origin)');
  if (has('origin') || has('departure')) steps.push('check the origin of the goods and the route');
  if (has('hs') || has('tariff line')) steps.push('check the tariff classification');
  if (has('importer') || has('declarant') || has('seller')) steps.push('review the trader history');
  return steps.length > 0 ? `${steps.join('; ')}.` : 'Examine the goods against the declaration.';
}

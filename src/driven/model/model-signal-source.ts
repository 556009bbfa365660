import { type SelectionKey, selectionDraw } from '../../core/decision/selection-policy.ts';
import type { RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { DEFAULT_EXPLORATION_SHARE } from '../../core/model/exploration.ts';
import { explorationSignal, modelSignals, scoreDeclaration } from '../../core/model/model-signals.ts';
import type { RankingPolicy } from '../../core/model/ranking.ts';
import { createScorer, type RiskModel } from '../../core/model/risk-model.ts';

export interface ModelSignalSourceOptions {
  model: RiskModel;
  /** Registry id of the model (e.g. `local:fraud:v3`), recorded with every decision. */
  version: string;
  policy: RankingPolicy;
  /** Probability thresholds for a documentary check and a physical inspection. */
  yellowAt: number;
  redAt: number;
  /** Exploration: share of selections drawn at random, at the expected inspection rate. */
  exploration?: { share?: number; inspectionRate: number; key: SelectionKey };
  /** Reasons per signal. */
  top?: number;
}

/**
 * Probability that a declaration the model did not select is drawn for exploration, so that
 * explored picks are `share` of all selections at inspection rate `rate`:
 * q x (1 - (1 - share) x rate) = share x rate.
 */
export function explorationRate(share: number, inspectionRate: number): number {
  return (share * inspectionRate) / (1 - (1 - share) * inspectionRate);
}

/**
 * The learned model as a signal source of the assessment pipeline (the `SignalSource` shape of
 * src/app/assess.ts): the active model's score and reasons become a `MODEL_SCORE` signal, and a
 * declaration the model leaves below red may be drawn for exploration (`MODEL_EXPLORE`, with
 * its selection probability). The draw is reproducible by whoever holds the selection key, and by
 * nobody else: `selectionDraw(key, 'model-explore', administration, declarationId)`.
 */
export function createModelSignalSource(options: ModelSignalSourceOptions): {
  name: string;
  kind: 'model';
  signals(declaration: Declaration, administration?: string): RiskSignal[];
  versions(): Record<string, string>;
} {
  const scorer = createScorer(options.model);
  const exploration = options.exploration;
  const rate = exploration
    ? explorationRate(exploration.share ?? DEFAULT_EXPLORATION_SHARE, exploration.inspectionRate)
    : 0;
  return {
    name: `model:${options.model.target}`,
    kind: 'model',
    signals(declaration, administration = '') {
      const scored = scoreDeclaration(scorer, declaration, options.top ?? 5);
      const signals = modelSignals(scored.score, scored.contributions, {
        policy: options.policy,
        target: options.model.target,
        yellowAt: options.yellowAt,
        redAt: options.redAt,
        modelVersion: options.version,
        itemSequence: scored.itemSequence,
        dutyAtStake: scored.dutyAtStake,
      });
      const red = signals.some((s) => s.minChannel === 'red');
      if (
        exploration &&
        !red &&
        selectionDraw(exploration.key.secret, 'model-explore', administration, declaration.id) < rate
      ) {
        signals.push(explorationSignal(rate, options.version));
      }
      return signals;
    },
    versions: () => ({ [options.model.target]: options.version }),
  };
}

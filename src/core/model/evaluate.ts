import { dutyAtStake, targetLabel } from './customs-record.ts';
import { type SelectionMetrics, selectionMetrics } from './metrics.ts';
import { type RankingPolicy, rankingScore } from './ranking.ts';
import { createScorer, type LabelledRecords, type RiskModel } from './risk-model.ts';

/**
 * Revenue recovered by inspecting each row: the duty-at-stake proxy (value x rate / 100) on rows
 * where fraud was found, zero elsewhere — the data set carries no recovered-duty label.
 */
export function recoveredRevenue(data: LabelledRecords): Float64Array {
  return Float64Array.from(data.records, (r, i) => (data.outcomes[i]! >= 1 ? dutyAtStake(r) : 0));
}

/** Selection metrics of a model on labelled rows, ranked by `policy`, against the model's own target. */
export function evaluateRiskModel(
  model: RiskModel,
  data: LabelledRecords,
  policy: RankingPolicy,
): SelectionMetrics {
  const probabilities = createScorer(model).scoreBatch(data.records);
  const keys = Float64Array.from(data.records, (r, i) =>
    rankingScore(policy, probabilities[i]!, dutyAtStake(r)),
  );
  const labels = Float64Array.from({ length: data.records.length }, (_, i) =>
    targetLabel(data.outcomes[i]!, model.target),
  );
  return selectionMetrics(keys, labels, recoveredRevenue(data));
}

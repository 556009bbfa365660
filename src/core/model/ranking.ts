/**
 * Ranking policies: the administration chooses what the inspection queue is ordered by, and every
 * decision records which policy ranked it.
 *
 * - `probability`: likelihood of fraud (hit rate first);
 * - `revenue`: expected recovered duty, probability x duty at stake (revenue first);
 * - `blend`: probability^10 x (1 + duty at stake). Near-certain frauds stay first, and among them
 *   the larger duty wins. The exponent was chosen on the validation split of the customs data
 *   (2021-Q1), where it kept precision@5% above 0.8 with more than 70% of the revenue at stake.
 */
export const RANKING_POLICIES = ['probability', 'revenue', 'blend'] as const;
export type RankingPolicy = (typeof RANKING_POLICIES)[number];

/** Exponent of the probability in the `blend` policy. */
export const BLEND_EXPONENT = 10;

/**
 * The ranking key of one declaration item under a policy. Keys are compared, never shown: the
 * blend is returned in log form so tiny probabilities do not underflow to a tie at zero.
 */
export function rankingScore(policy: RankingPolicy, probability: number, dutyAtStake: number): number {
  switch (policy) {
    case 'probability':
      return probability;
    case 'revenue':
      return probability * dutyAtStake;
    case 'blend':
      return BLEND_EXPONENT * Math.log(probability) + Math.log1p(dutyAtStake);
  }
}

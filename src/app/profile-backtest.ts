import type { Channel } from '../core/decision/signal.ts';
import type { Declaration } from '../core/declaration/declaration.ts';
import type { ReferenceData } from '../core/reference/reference-data.ts';
import { compileProfiles, evaluateProfiles } from '../core/rules/evaluate.ts';
import type { PriceBandLookup } from '../core/rules/price-bands.ts';
import type { RiskProfile } from '../core/rules/risk-profile.ts';

/** One stored declaration as a backtest reads it: current content, channel, profiles that fired, outcome. */
export interface HistoryRow {
  declaration: Declaration;
  channel: Channel;
  /** Ids of the profiles among the reasons of its current decision. */
  profiles: readonly string[];
  /** True when an inspection found something (discrepancy or seizure), false when not, null when never inspected. */
  positive: boolean | null;
}

export interface BacktestResult {
  profile: { id: string; version: number };
  scanned: number;
  hits: number;
  hitRate: { withOutcome: number; positive: number; rate: number | null };
  byChannel: Record<Channel, number>;
  /** Each active profile: its hits among the scanned declarations, how many the draft shares, that share of the draft's hits. */
  overlap: Array<{ profileId: string; hits: number; shared: number; shareOfDraft: number | null }>;
}

/**
 * Runs a draft profile over stored history, a page at a time (memory holds one page): how many
 * declarations it would have hit, its hit rate on those with a known inspection outcome, and the
 * overlap with each active profile as those profiles actually decided. The draft is evaluated as
 * the pipeline would at each declaration's lodgement time (its validity dates apply), enabled.
 * First-time-trader criteria see no trader as new (the pipeline knew who was new at the time).
 */
export async function backtestProfile(
  draft: RiskProfile,
  pages: AsyncIterable<readonly HistoryRow[]>,
  ctx: { reference: ReferenceData; priceBands?: PriceBandLookup; activeProfiles: readonly string[] },
): Promise<BacktestResult> {
  const compiled = compileProfiles([{ ...draft, enabled: true }], ctx.reference);
  const evaluation = { reference: ctx.reference, ...(ctx.priceBands ? { priceBands: ctx.priceBands } : {}) };
  const overlap = new Map(
    ctx.activeProfiles.filter((p) => p !== draft.id).map((p) => [p, { hits: 0, shared: 0 }]),
  );
  const byChannel: Record<Channel, number> = { green: 0, yellow: 0, red: 0 };
  let scanned = 0;
  let hits = 0;
  let withOutcome = 0;
  let positive = 0;
  for await (const page of pages) {
    for (const row of page) {
      scanned++;
      const hit = evaluateProfiles(row.declaration, compiled, evaluation).length > 0;
      if (hit) {
        hits++;
        byChannel[row.channel]++;
        if (row.positive !== null) {
          withOutcome++;
          if (row.positive) positive++;
        }
      }
      for (const id of row.profiles) {
        const o = overlap.get(id);
        if (!o) continue;
        o.hits++;
        if (hit) o.shared++;
      }
    }
  }
  return {
    profile: { id: draft.id, version: draft.version },
    scanned,
    hits,
    hitRate: { withOutcome, positive, rate: withOutcome > 0 ? positive / withOutcome : null },
    byChannel,
    overlap: [...overlap].map(([profileId, o]) => ({
      profileId,
      hits: o.hits,
      shared: o.shared,
      shareOfDraft: hits > 0 ? o.shared / hits : null,
    })),
  };
}

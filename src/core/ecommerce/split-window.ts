import type { Consignment } from './consignment.ts';
import { foldDescription } from './text-match.ts';

/** What the window knew of a seller-buyer pair when a consignment arrived. */
export interface SplitSummary {
  /** Earlier consignments of the same seller to the same buyer inside the window. */
  earlier: number;
  /** Their value with this one's, EUR. */
  totalEur: number;
}

/**
 * Consignments of one seller to one buyer within a sliding window, to find orders split into
 * parcels that each stay under the threshold. Pure: time is the consignments' own `lodgedAt`.
 * The window is per process (per worker); the bound on pairs keeps memory flat, dropping the
 * pairs not seen for the longest.
 */
export class SplitWindow {
  private readonly pairs = new Map<string, Array<{ at: number; eur: number; id: string }>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxPairs = 500_000,
  ) {}

  /** The buyer-seller key, or undefined when the buyer cannot be told apart (no name nor street). */
  static key(c: Consignment): string | undefined {
    const b = c.buyer;
    const who = b.id ?? b.name ?? b.street;
    if (!who) return undefined;
    const buyer = foldDescription(`${who}|${b.postcode ?? ''}|${b.country}`).replace(/[^\p{L}\p{N}|]/gu, '');
    const seller = c.seller.id ?? foldDescription(c.seller.name).replace(/[^\p{L}\p{N}]/gu, '');
    return `${seller}|${c.seller.country}>${buyer}`;
  }

  /** Records the consignment and tells what came before it in the window (a resubmission is not counted twice). */
  observe(key: string, id: string, at: number, eur: number): SplitSummary {
    let seen = this.pairs.get(key);
    if (seen) {
      this.pairs.delete(key);
      seen = seen.filter((s) => at - s.at <= this.windowMs && at >= s.at - this.windowMs && s.id !== id);
    } else {
      seen = [];
      if (this.pairs.size >= this.maxPairs) {
        const oldest = this.pairs.keys().next().value;
        if (oldest !== undefined) this.pairs.delete(oldest);
      }
    }
    let total = eur;
    for (const s of seen) total += s.eur;
    const summary = { earlier: seen.length, totalEur: total };
    seen.push({ at, eur, id });
    this.pairs.set(key, seen);
    return summary;
  }
}

/**
 * Medical lot usage shared between administrations (issue 13): each administration that shares
 * sends its own cumulative units declared of a lot (`lot-usage` envelopes); a receiver keeps the
 * latest figure per partner and lot and adds it to its own count in the over-quantity check
 * (`checks.ts`). A figure replaces the partner's previous one, so a report sent twice, or
 * delivered late, is never counted twice.
 */

/** What a `lot-usage` envelope carries: the sender's cumulative units of one lot at `asOf`. */
export interface LotUsage {
  gtin: string;
  lot: string;
  units: number;
  /** ISO 8601 instant the figure was taken. */
  asOf: string;
}

/**
 * True when `incoming` should replace `stored` (the partner's figure kept for the lot): there is
 * none yet, or `incoming` was taken later. An older or equally old report (a redelivery, a report
 * overtaken by a newer one) leaves the stored one.
 */
export function replacesLotUsage(stored: { asOf: string } | undefined, incoming: { asOf: string }): boolean {
  if (stored === undefined) return true;
  return Date.parse(incoming.asOf) > Date.parse(stored.asOf);
}

/**
 * The `[gtin, lot]` pairs a set of declared uses touched, once each, in first-seen order: the lots
 * whose cumulative figure is sent after they are stored.
 */
export function touchedLots(
  uses: ReadonlyArray<{ lots: ReadonlyArray<readonly [string, string, number]> }>,
): Array<[string, string]> {
  const seen = new Map<string, [string, string]>();
  for (const use of uses)
    for (const [gtin, lot] of use.lots) {
      const k = `${gtin}\u0000${lot}`;
      if (!seen.has(k)) seen.set(k, [gtin, lot]);
    }
  return [...seen.values()];
}

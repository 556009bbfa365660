/**
 * The vocabulary every risk source speaks to the channel decision. Profiles, party screening, the
 * learned model and random selection each turn what they found into signals; `decideChannel`
 * combines them. Keeping this small and shared is what lets a new source join without touching
 * the others.
 */

/** ASYCUDA-style lanes: green (release), yellow (documentary check), red (physical inspection). */
export const CHANNELS = ['green', 'yellow', 'red'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_RANK: Record<Channel, number> = { green: 0, yellow: 1, red: 2 };

export function maxChannel(a: Channel, b: Channel): Channel {
  return CHANNEL_RANK[a] >= CHANNEL_RANK[b] ? a : b;
}

export const SIGNAL_SOURCES = [
  'profile',
  'screening',
  'model',
  'alert',
  'product',
  'permit',
  'random',
  'amendment',
  'override',
] as const;
/**
 * Where a signal comes from; `alert` is an accepted alert of a partner administration (core/sharing),
 * `product` a check against the medical product registry (counterfeits, lots, serials, cold chain),
 * `permit` a check of environmental permits, licences and quotas.
 */
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

/** One reason a declaration may deserve a look, as the officer will read it. */
export interface RiskSignal {
  source: SignalSource;
  /** Stable machine code: the profile id, `SANCTIONS_MATCH`, `MODEL_SCORE`, `RANDOM_RED`, `AMENDMENT_FLOOR`... */
  code: string;
  /** Plain-language reason shown to the officer. */
  message: string;
  /** Contribution to the combined score (profile weight, model points...). */
  score: number;
  /** The channel this signal requires at least, whatever the score. */
  minChannel?: Channel;
  /** What the officer should check. */
  instructions?: string;
  /** Goods item sequence numbers concerned, when the signal is about items. */
  items?: number[];
  /** Source-specific evidence kept with the decision (matched names, feature values...). */
  evidence?: Record<string, unknown>;
}

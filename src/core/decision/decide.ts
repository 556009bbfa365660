import { isValidInstant } from '../declaration/validation.ts';
import { DecisionError } from './decision-error.ts';
import { type SelectionPolicy, selectionDraw } from './selection-policy.ts';
import { CHANNEL_RANK, type Channel, maxChannel, type RiskSignal } from './signal.ts';

/** What an officer reads for each lane. */
export const CHANNEL_LABEL: Record<Channel, string> = {
  green: 'release',
  yellow: 'documentary check',
  red: 'physical inspection',
};

/** The declaration version decided on; amendments get a new version and a new draw. */
export interface DecisionSubject {
  declarationId: string;
  version: number;
}

/** Everything needed to reproduce the random part of a decision. */
export interface SelectionRecord {
  seed: string;
  /** `selectionDraw(seed, declarationId, version)`, in [0, 1). */
  draw: number;
  rates: { yellow: number; red: number };
  thresholds: { yellow: number; red: number };
}

/** An officer's change of channel. */
export interface ChannelOverride {
  channel: Channel;
  reason: string;
  officer: string;
  /** ISO 8601 instant of the override. */
  at: string;
}

export interface ChannelDecision extends DecisionSubject {
  channel: Channel;
  /** Sum of the signal scores. */
  score: number;
  /** One sentence saying why this channel, e.g. "no risk profile fired; released". */
  summary: string;
  /** The signals, most important first (highest minimum channel, then highest score). */
  reasons: RiskSignal[];
  selection: SelectionRecord;
  /** Present when an officer changed the channel; `original` is the decision before it. */
  override?: ChannelOverride;
  original?: ChannelDecision;
}

function checkPolicy(policy: SelectionPolicy): void {
  const { thresholds: t, randomRates: r } = policy;
  const rateOk = (x: number) => x >= 0 && x <= 1;
  if (
    !(t.yellow >= 0 && t.red >= t.yellow) ||
    !rateOk(r.yellow) ||
    !rateOk(r.red) ||
    !(r.yellow + r.red <= 1)
  ) {
    throw new DecisionError(
      'INVALID_POLICY',
      'selection policy needs 0 <= yellow threshold <= red threshold and random rates in [0, 1] adding up to at most 1',
    );
  }
}

/** Most important first: higher minimum channel, then higher score, then code for a stable order. */
function byImportance(a: RiskSignal, b: RiskSignal): number {
  const rank = (s: RiskSignal) => (s.minChannel === undefined ? -1 : CHANNEL_RANK[s.minChannel]);
  return rank(b) - rank(a) || b.score - a.score || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * Random selection on the draw: `[0, red)` selects red, `[red, red + yellow)` selects yellow.
 * Red comes first so that changing the yellow rate never changes which declarations go red.
 */
function randomSignal(draw: number, policy: SelectionPolicy): RiskSignal | undefined {
  const { red, yellow } = policy.randomRates;
  const channel: Channel | undefined = draw < red ? 'red' : draw < red + yellow ? 'yellow' : undefined;
  if (channel === undefined) return undefined;
  const [low, high] = channel === 'red' ? [0, red] : [red, red + yellow];
  return {
    source: 'random',
    code: channel === 'red' ? 'RANDOM_RED' : 'RANDOM_YELLOW',
    message:
      `selected at random for ${CHANNEL_LABEL[channel]}: draw ${draw.toFixed(6)} fell in [${low}, ${high}) ` +
      `(rate ${channel === 'red' ? red : yellow}, seed "${policy.seed}")`,
    score: 0,
    minChannel: channel,
    evidence: { seed: policy.seed, draw, rate: channel === 'red' ? red : yellow },
  };
}

function channelOfScore(score: number, policy: SelectionPolicy): Channel {
  if (score >= policy.thresholds.red) return 'red';
  if (score >= policy.thresholds.yellow) return 'yellow';
  return 'green';
}

function summarise(
  channel: Channel,
  score: number,
  signals: readonly RiskSignal[],
  policy: SelectionPolicy,
): string {
  if (channel === 'green') {
    if (signals.length === 0) return 'no risk profile fired; released';
    return `score ${score} is below the yellow threshold ${policy.thresholds.yellow}; released`;
  }
  const causes: string[] = [];
  if (channelOfScore(score, policy) === channel) {
    causes.push(`score ${score} reaches the ${channel} threshold ${policy.thresholds[channel]}`);
  }
  for (const s of signals) {
    if (s.minChannel !== channel) continue;
    causes.push(s.source === 'random' ? 'random selection' : `${s.code} requires at least ${channel}`);
  }
  return `${channel} (${CHANNEL_LABEL[channel]}): ${causes.join('; ')}`;
}

/**
 * The channel decision. The channel is the highest of: the channel the combined score reaches
 * (score >= `thresholds.red` is red, >= `thresholds.yellow` is yellow), every signal's minimum
 * channel, and the random selection of this declaration version (see `selectionDraw`). Random
 * selection only ever raises a channel; when it picks a declaration its `random` signal is kept
 * even if the risk signals already required that channel, so random samples stay identifiable.
 *
 * @example
 * decideChannel({ declarationId: 'D-1', version: 1 }, profileSignals(hits), {
 *   thresholds: { yellow: 40, red: 80 }, randomRates: { yellow: 0.02, red: 0.01 }, seed: '2026-Q4',
 * });
 */
export function decideChannel(
  subject: DecisionSubject,
  signals: readonly RiskSignal[],
  policy: SelectionPolicy,
): ChannelDecision {
  checkPolicy(policy);
  let score = 0;
  let channel: Channel = 'green';
  for (const s of signals) {
    score += s.score;
    if (s.minChannel !== undefined) channel = maxChannel(channel, s.minChannel);
  }
  channel = maxChannel(channel, channelOfScore(score, policy));
  const draw = selectionDraw(policy.seed, subject.declarationId, subject.version);
  const random = randomSignal(draw, policy);
  const reasons = random ? [...signals, random] : [...signals];
  if (random) channel = maxChannel(channel, random.minChannel!);
  reasons.sort(byImportance);
  return {
    declarationId: subject.declarationId,
    version: subject.version,
    channel,
    score,
    summary: summarise(channel, score, reasons, policy),
    reasons,
    selection: {
      seed: policy.seed,
      draw,
      rates: { ...policy.randomRates },
      thresholds: { ...policy.thresholds },
    },
  };
}

/**
 * An officer changes the channel (up or down) with a reason. The returned decision keeps the one
 * it replaces in `original` and puts an `override` signal first among the reasons.
 */
export function applyOverride(decision: ChannelDecision, override: ChannelOverride): ChannelDecision {
  const reason = override.reason.trim();
  const officer = override.officer.trim();
  if (reason === '' || officer === '') {
    throw new DecisionError('INVALID_OVERRIDE', 'an override needs the officer and a reason');
  }
  if (!isValidInstant(override.at)) {
    throw new DecisionError('INVALID_OVERRIDE', `override time "${override.at}" is not an ISO 8601 instant`);
  }
  const signal: RiskSignal = {
    source: 'override',
    code: 'OFFICER_OVERRIDE',
    message: `channel changed from ${decision.channel} to ${override.channel} by ${officer} at ${override.at}: ${reason}`,
    score: 0,
    evidence: { previousChannel: decision.channel, officer, at: override.at },
  };
  return {
    ...decision,
    channel: override.channel,
    summary: `${override.channel} (${CHANNEL_LABEL[override.channel]}) by officer override, was ${decision.channel}: ${reason}`,
    reasons: [signal, ...decision.reasons],
    override: { channel: override.channel, reason, officer, at: override.at },
    original: decision,
  };
}

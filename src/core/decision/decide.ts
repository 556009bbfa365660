import { isValidInstant } from '../declaration/validation.ts';
import { DecisionError } from './decision-error.ts';
import {
  type SelectionKey,
  type SelectionPolicy,
  selectionDraw,
  selectionKeyId,
} from './selection-policy.ts';
import { CHANNEL_RANK, CHANNELS, type Channel, maxChannel, type RiskSignal } from './signal.ts';

/** What an officer reads for each lane. */
export const CHANNEL_LABEL: Record<Channel, string> = {
  green: 'release',
  yellow: 'documentary check',
  red: 'physical inspection',
};

/**
 * The declaration version decided on. Amendments get a new version but keep their draw (it
 * depends on administration and declaration id only) and never fall below `floor`.
 */
export interface DecisionSubject {
  administration: string;
  declarationId: string;
  version: number;
  /** The highest channel assigned to an earlier version of this declaration, and that version. */
  floor?: ChannelFloor;
}

/** The highest channel previously assigned to a declaration (auto or override) and where. */
export interface ChannelFloor {
  channel: Channel;
  version: number;
}

/** Everything an auditor holding the key needs to re-check the random part of a decision. */
export interface SelectionRecord {
  /** Id of the secret key the draw was made with (never the key itself). */
  keyId: string;
  /** `selectionDraw(key, 'channel', administration, declarationId)`, in [0, 1). */
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

export interface ChannelDecision extends Pick<DecisionSubject, 'declarationId' | 'version'> {
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
function randomSignal(draw: number, policy: SelectionPolicy, keyId: string): RiskSignal | undefined {
  const { red, yellow } = policy.randomRates;
  const channel = randomChannel(draw, policy);
  if (channel === undefined) return undefined;
  const [low, high] = channel === 'red' ? [0, red] : [red, red + yellow];
  return {
    source: 'random',
    code: channel === 'red' ? 'RANDOM_RED' : 'RANDOM_YELLOW',
    message:
      `selected at random for ${CHANNEL_LABEL[channel]}: draw ${draw.toFixed(6)} fell in [${low}, ${high}) ` +
      `(rate ${channel === 'red' ? red : yellow}, key ${keyId})`,
    score: 0,
    minChannel: channel,
    evidence: { keyId, draw, rate: channel === 'red' ? red : yellow },
  };
}

/** The channel a draw selects at random under these rates, if any. */
function randomChannel(draw: number, policy: Pick<SelectionPolicy, 'randomRates'>): Channel | undefined {
  const { red, yellow } = policy.randomRates;
  return draw < red ? 'red' : draw < red + yellow ? 'yellow' : undefined;
}

/** Keeps an amendment at or above the highest channel an earlier version was assigned. */
function floorSignal(floor: ChannelFloor): RiskSignal {
  return {
    source: 'amendment',
    code: 'AMENDMENT_FLOOR',
    message:
      `version ${floor.version} was assigned ${floor.channel} (${CHANNEL_LABEL[floor.channel]}); ` +
      "an amendment never lowers the channel, only an officer's override can",
    score: 0,
    minChannel: floor.channel,
    evidence: { version: floor.version, channel: floor.channel },
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
    causes.push(
      s.source === 'random'
        ? 'random selection'
        : s.source === 'amendment'
          ? `an earlier version was ${channel}`
          : `${s.code} requires at least ${channel}`,
    );
  }
  return `${channel} (${CHANNEL_LABEL[channel]}): ${causes.join('; ')}`;
}

/**
 * The channel decision. The channel is the highest of: the channel the combined score reaches
 * (score >= `thresholds.red` is red, >= `thresholds.yellow` is yellow), every signal's minimum
 * channel, the random selection of this declaration (see `selectionDraw`: keyed, and the same for
 * every version), and for an amendment the highest channel an earlier version was assigned
 * (`subject.floor`, an `AMENDMENT_FLOOR` signal when it is what holds the channel up). Random
 * selection only ever raises a channel; when it picks a declaration its `random` signal is kept
 * even if the risk signals already required that channel, so random samples stay identifiable.
 *
 * @example
 * decideChannel({ administration: 'NL', declarationId: 'D-1', version: 1 }, profileSignals(hits), {
 *   thresholds: { yellow: 40, red: 80 }, randomRates: { yellow: 0.02, red: 0.01 },
 * }, selectionKey);
 */
export function decideChannel(
  subject: DecisionSubject,
  signals: readonly RiskSignal[],
  policy: SelectionPolicy,
  key: SelectionKey,
): ChannelDecision {
  checkPolicy(policy);
  let score = 0;
  let channel: Channel = 'green';
  for (const s of signals) {
    score += s.score;
    if (s.minChannel !== undefined) channel = maxChannel(channel, s.minChannel);
  }
  channel = maxChannel(channel, channelOfScore(score, policy));
  const draw = selectionDraw(key.secret, 'channel', subject.administration, subject.declarationId);
  const random = randomSignal(draw, policy, key.id);
  const reasons = random ? [...signals, random] : [...signals];
  if (random) channel = maxChannel(channel, random.minChannel!);
  const floor = subject.floor;
  if (floor && CHANNEL_RANK[floor.channel] > CHANNEL_RANK[channel]) {
    reasons.push(floorSignal(floor));
    channel = floor.channel;
  }
  reasons.sort(byImportance);
  return {
    declarationId: subject.declarationId,
    version: subject.version,
    channel,
    score,
    summary: summarise(channel, score, reasons, policy),
    reasons,
    selection: {
      keyId: key.id,
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
  const reason = checkOverrideReason(override.reason);
  const officer = override.officer.trim();
  if (officer === '') throw new DecisionError('INVALID_OVERRIDE', 'officer: an override needs the officer');
  if (!(CHANNELS as readonly string[]).includes(override.channel)) {
    throw new DecisionError('INVALID_OVERRIDE', `channel: must be one of ${CHANNELS.join(', ')}`);
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

/** Length bounds of an override reason, in UTF-16 code units after trimming. */
export const OVERRIDE_REASON_LENGTH = { min: 3, max: 2000 } as const;

/**
 * A lone UTF-16 surrogate (in `u` mode a well-formed pair is one code point, so only lone halves
 * match; they cannot be encoded as UTF-8) or a control character other than tab and line breaks.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const MALFORMED_TEXT = /[\uD800-\uDFFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;

/**
 * Why an officer's override reason is refused, or undefined when it is acceptable: well-formed
 * Unicode (no lone surrogate, no control character but tab and line breaks) and, trimmed,
 * 3 to 2000 characters. One rule for the HTTP schema, the CLI and the store.
 */
export function overrideReasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return 'must be a string';
  const bad = MALFORMED_TEXT.exec(reason);
  if (bad) {
    const code = reason.charCodeAt(bad.index);
    return code >= 0xd800 && code <= 0xdfff
      ? `is not well-formed Unicode: lone surrogate U+${code.toString(16).toUpperCase()} at position ${bad.index}`
      : `must not contain control character U+${code.toString(16).toUpperCase().padStart(4, '0')} (position ${bad.index})`;
  }
  const text = reason.trim();
  if (text.length < OVERRIDE_REASON_LENGTH.min) {
    return `must say why, in at least ${OVERRIDE_REASON_LENGTH.min} characters`;
  }
  if (text.length > OVERRIDE_REASON_LENGTH.max) {
    return `is longer than ${OVERRIDE_REASON_LENGTH.max} characters`;
  }
  return undefined;
}

/** The trimmed reason, or a `DecisionError` naming the `reason` field. */
export function checkOverrideReason(reason: unknown): string {
  const problem = overrideReasonProblem(reason);
  if (problem !== undefined) throw new DecisionError('INVALID_OVERRIDE', `reason ${problem}`);
  return (reason as string).trim();
}

/** What re-checking a stored decision's random draw found. */
export interface SelectionCheck {
  ok: boolean;
  /** The draw recomputed with the key. */
  draw: number;
  /** The channel the recomputed draw selects at random under the recorded rates, if any. */
  randomChannel: Channel | undefined;
  /** Plain-language discrepancies; empty when `ok`. */
  problems: string[];
}

/**
 * Re-checks the random part of a stored decision with the key it names: the key matches its id,
 * the recomputed draw equals the recorded one, and the decision carries a random signal exactly
 * when (and for the channel) the draw selects under the recorded rates. For an auditor with access
 * to the selection keys (`greenlane selection verify`).
 */
export function verifySelection(
  subject: { administration: string; declarationId: string },
  decision: Pick<ChannelDecision, 'selection' | 'reasons'>,
  key: SelectionKey,
): SelectionCheck {
  const problems: string[] = [];
  const recorded = decision.selection;
  if (recorded.keyId !== key.id)
    problems.push(`decision names key ${recorded.keyId}, checked with ${key.id}`);
  if (selectionKeyId(key.secret) !== key.id) problems.push(`key ${key.id} does not match its id`);
  const draw = selectionDraw(key.secret, 'channel', subject.administration, subject.declarationId);
  if (draw !== recorded.draw) problems.push(`recorded draw ${recorded.draw} but the key gives ${draw}`);
  const expected = randomChannel(draw, { randomRates: recorded.rates });
  const found = decision.reasons.find((r) => r.source === 'random')?.minChannel;
  if (found !== expected) {
    problems.push(
      `draw selects ${expected ?? 'nothing'} at random under rates red ${recorded.rates.red}, ` +
        `yellow ${recorded.rates.yellow}, but the decision carries ${found ? `a random ${found} signal` : 'no random signal'}`,
    );
  }
  return { ok: problems.length === 0, draw, randomChannel: expected, problems };
}

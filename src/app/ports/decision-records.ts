import type { ChannelDecision } from '../../core/decision/decide.ts';

/**
 * The channel decision as the assessment pipeline records it: the core's {@link ChannelDecision}
 * (channel, score, summary, reasons, selection draw) plus the versions of everything that made it.
 */
export interface DecisionInput
  extends Pick<ChannelDecision, 'channel' | 'score' | 'summary' | 'reasons' | 'selection'> {
  /** ISO 8601 instant. */
  decidedAt: string;
  /** Risk profile id -> version used. */
  profileVersions: Record<string, number>;
  referenceVersion: string;
  modelVersion?: string | null;
  /** Watch/sanctions list id -> version used. */
  listVersions?: Record<string, string> | null;
}

/** `auto` from the engine, `override` when an officer changed the channel. */
export type DecisionKind = 'auto' | 'override';

/** A decision as stored, with its identity and who made it. */
export interface StoredDecision extends DecisionInput {
  id: string;
  declarationId: string;
  version: number;
  kind: DecisionKind;
  officer: string | null;
  reason: string | null;
  /** The decision this override replaced. */
  supersedes: string | null;
  /** Leaf index in the transparency log, once appended. */
  logIndex: number | null;
}

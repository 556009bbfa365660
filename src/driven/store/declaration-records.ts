import type { DecisionKind, StoredDecision } from '../../app/ports/decision-records.ts';
import type { Channel, RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { StoredEvent, StoredOutcome } from './lifecycle-records.ts';

/** What the declaration reads return: one declaration in full, and the inspection queue. */

/** Where a declaration stands in the clearance process. */
export const DECLARATION_STATUSES = ['assessed', 'under_inspection', 'inspected', 'released'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

export interface QueueFilter {
  /** One channel, or several (e.g. red and yellow: everything awaiting a check). */
  channel?: Channel | readonly Channel[];
  /** Customs office code. */
  office?: string;
  status?: DeclarationStatus;
  /** Inclusive lower bound on `decidedAt`. */
  from?: string;
  /** Exclusive upper bound on `decidedAt`. */
  to?: string;
  /** 1..1000, default 50. */
  limit?: number;
  cursor?: string;
}

export interface QueueEntry {
  declarationId: string;
  version: number;
  type: string;
  customsOffice: string;
  lodgedAt: string;
  status: DeclarationStatus;
  channel: Channel;
  score: number;
  decidedAt: string;
  decisionId: string;
  kind: DecisionKind;
  /** One sentence saying why this channel. */
  summary: string;
  /** The reasons of the current decision, in the order the engine gave them. */
  reasons: RiskSignal[];
}

export interface VersionSummary {
  version: number;
  contentHash: string;
  receivedAt: string;
  source: string;
}

/** Everything an officer needs on one declaration. */
export interface DeclarationDetail {
  id: string;
  version: number;
  status: DeclarationStatus;
  declaration: Declaration;
  versions: VersionSummary[];
  decision: StoredDecision;
  /** Every decision, oldest first (auto decisions of each version and overrides). */
  decisions: StoredDecision[];
  events: StoredEvent[];
  outcomes: StoredOutcome[];
}

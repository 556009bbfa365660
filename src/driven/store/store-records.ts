import type { ChannelDecision, ChannelFloor } from '../../core/decision/decide.ts';
import type { Channel, RiskSignal } from '../../core/decision/signal.ts';
import type { Declaration, PartyRole } from '../../core/declaration/declaration.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';

/**
 * What the store reads and writes, in the domain's words. Database rows (`core-tables.ts`) never
 * leave the store; callers see these records.
 */

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

/** One assessed declaration of a batch. */
export interface AssessmentItem {
  declaration: Declaration;
  /** Hash of the declaration's canonical content, computed by the pipeline. */
  contentHash: string;
  /** Where it came from: `api`, `file:<name>`, `stream:<subject>`... */
  source: string;
  decision: DecisionInput;
  /**
   * The head the decision was computed against (from {@link CurrentVersion}), null for a new id.
   * Checked inside the save transaction for the first item of each id: when another writer moved
   * the head meanwhile the whole batch fails with `STALE_VERSION` and the caller re-assesses.
   * Omitted: not checked.
   */
  expected?: { version: number; decisionId: string } | null;
}

/** `unchanged`: same id and content as the current version, nothing written. */
export type SaveStatus = 'created' | 'unchanged' | 'amended';

export interface AssessmentResult {
  id: string;
  status: SaveStatus;
  version: number;
  /** The new decision, or the existing current one when `unchanged`. */
  decision: StoredDecision;
}

/** A record that failed validation. */
export interface RejectInput {
  source: string;
  batchId?: string | null;
  /** 1-based position of the record in its source. */
  recordNumber: number;
  declarationId?: string | null;
  errors: ValidationIssue[];
  /** The record as received; stored up to {@link MAX_RAW_CHARS} characters. */
  raw: string;
  /** ISO 8601 instant; defaults to now. */
  receivedAt?: string;
}

/** Raw records longer than this are truncated (the length before truncation is kept). */
export const MAX_RAW_CHARS = 65_536;

export interface StoredReject {
  id: string;
  source: string;
  batchId: string | null;
  recordNumber: number;
  declarationId: string | null;
  errors: ValidationIssue[];
  raw: string;
  rawLength: number;
  truncated: boolean;
  receivedAt: string;
}

export interface RejectFilter {
  source?: string;
  batchId?: string;
  declarationId?: string;
  /** Inclusive lower bound on `receivedAt`. */
  from?: string;
  /** Exclusive upper bound on `receivedAt`. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/** A page of results, newest first; pass `nextCursor` back for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

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

/** Time Release Study milestones (WCO Guide to Measure the Time Required for the Release of Goods). */
export const LIFECYCLE_EVENTS = [
  'arrival',
  'lodgement',
  'decision',
  'inspection_start',
  'inspection_end',
  'outcome',
  'release',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

export interface EventInput {
  event: LifecycleEventName;
  /** ISO 8601 instant; defaults to now. */
  at?: string;
  /** The version concerned; defaults to the current one. */
  version?: number;
}

export interface StoredEvent {
  id: string;
  version: number | null;
  event: LifecycleEventName;
  at: string;
  actor: string;
}

export const INSPECTION_RESULTS = ['no_discrepancy', 'discrepancy', 'seizure'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export interface OutcomeInput {
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
  /** Duties and taxes recovered, in the declaration currency. */
  revenueRecovered?: number | null;
  notes?: string | null;
  /** The version inspected; defaults to the current one. */
  version?: number;
  /** ISO 8601 instant; defaults to now. */
  recordedAt?: string;
}

export interface StoredOutcome {
  id: string;
  version: number;
  decisionId: string;
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
  revenueRecovered: number | null;
  notes: string | null;
  officer: string;
  recordedAt: string;
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

export interface CurrentVersion {
  version: number;
  contentHash: string;
  /** The current decision (auto or override). */
  decisionId: string;
  /** The highest channel any decision on any version of the declaration assigned. */
  floor: ChannelFloor;
}

export interface PartyRecord {
  declarationId: string;
  role: PartyRole;
  partyId: string | null;
  partyName: string | null;
  country: string | null;
}

export interface ProfileInput {
  id: string;
  /**
   * The version the analyst gave the profile. With it, (id, version) names one content: the same
   * content again is a no-op and different content under a stored version is refused. Without it,
   * changed content gets the next version.
   */
  version?: number;
  /** The profile definition (JSON-serialisable). */
  content: unknown;
  /** Default true. */
  enabled?: boolean;
}

export interface ProfileSaveResult {
  id: string;
  status: SaveStatus;
  version: number;
}

export interface StoredProfile {
  id: string;
  version: number;
  content: unknown;
  contentHash: string;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
}

/** What an API key may do; the HTTP layer maps roles to routes. */
export const API_KEY_ROLES = ['admin', 'analyst', 'officer', 'ingest'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface CreatedApiKey {
  id: string;
  /** Shown once; only its SHA-256 is stored. */
  secret: string;
}

/** An API key as `greenlane keys list` shows it: never the secret, nor its hash. */
export interface ApiKeySummary {
  id: string;
  administration: string;
  role: ApiKeyRole;
  /** Who or what holds the key. */
  name: string;
  createdAt: string;
  /** Last successful authentication, to the minute; null when never used. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiPrincipal {
  administration: string;
  keyId: string;
  role: ApiKeyRole;
  /** The key's label, used as the actor name. */
  name: string;
}

export interface AuditEntry {
  id: string;
  administration: string | null;
  actor: string;
  action: string;
  subject: string;
  at: string;
  details: Record<string, unknown>;
}

/** A labelled example for model training: the inspected version and what the inspection found. */
export interface TrainingRow {
  declarationId: string;
  version: number;
  declaration: Declaration;
  lodgedAt: string;
  /** The channel of the decision the inspection followed. */
  channel: Channel;
  /** True when the inspection was drawn at random (unbiased sample for evaluation). */
  randomlySelected: boolean;
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
  revenueRecovered: number | null;
  recordedAt: string;
}

/** Headline figures for managers over declarations decided in a period. */
export interface ClearanceSummary {
  declarations: number;
  byChannel: Record<Channel, number>;
  byStatus: Record<DeclarationStatus, number>;
  /** Outcomes recorded on those declarations. */
  inspections: number;
  /** Inspections that found fraud: the hit rate is `hits / inspections`. */
  hits: number;
  seizures: number;
  revenueRecovered: number;
}

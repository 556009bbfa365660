import type { ChannelFloor } from '../../core/decision/decide.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';
import type { DecisionInput, StoredDecision } from './decision-records.ts';

/**
 * What the assessment pipeline (`createAssessmentService`) needs from storage: the heads it
 * decides against, the parties already seen, and one all-or-nothing save per batch.
 * `DeclarationStore` (driven/store) implements it over SQLite or PostgreSQL; every call is scoped
 * by the administration (tenant) passed in.
 */
export interface AssessmentStore {
  /**
   * The current version, content hash, decision and amendment floor of each known id; unknown
   * ids are absent from the map.
   */
  currentVersions(admin: string, ids: readonly string[]): Promise<Map<string, CurrentVersion>>;
  /** The party ids among `partyIds` that appear on any stored declaration (first-time trader check). */
  knownParties(admin: string, partyIds: readonly string[]): Promise<Set<string>>;
  /**
   * Saves a batch of assessed declarations and the batch's rejects in one transaction, all or
   * nothing; one result per item, in order.
   *
   * @throws StaleVersionError when an item's `expected` head moved on meanwhile (nothing written).
   */
  saveAssessments(
    admin: string,
    items: readonly AssessmentItem[],
    rejects?: readonly RejectInput[],
  ): Promise<AssessmentResult[]>;
  /** Records inspection outcomes (labelled imports) in one transaction, all or nothing. */
  recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ): Promise<unknown>;
  /** Appends to the audit log: who (`actor`) did what (`action`) to what (`subject`). */
  audit(
    actor: string,
    action: string,
    subject: string,
    details?: Record<string, unknown>,
    administration?: string | null,
  ): Promise<void>;
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
   * the head meanwhile the whole batch fails with `StaleVersionError` and the caller re-assesses.
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

export interface CurrentVersion {
  version: number;
  contentHash: string;
  /** The current decision (auto or override). */
  decisionId: string;
  /** The highest channel any decision on any version of the declaration assigned. */
  floor: ChannelFloor;
}

/** A record that failed validation. */
export interface RejectInput {
  source: string;
  batchId?: string | null;
  /** 1-based position of the record in its source. */
  recordNumber: number;
  declarationId?: string | null;
  errors: ValidationIssue[];
  /** The record as received; the store keeps a bounded prefix and the full length. */
  raw: string;
  /** ISO 8601 instant; defaults to now. */
  receivedAt?: string;
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

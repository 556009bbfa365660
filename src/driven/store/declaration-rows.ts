import type { Insertable, Selectable } from 'kysely';
import type { InspectionResult } from '../../app/ports/assessment-store.ts';
import type { DecisionInput, DecisionKind, StoredDecision } from '../../app/ports/decision-records.ts';
import type { SelectionRecord } from '../../core/decision/decide.ts';
import type { Channel, RiskSignal } from '../../core/decision/signal.ts';
import type { DecisionsTable, InspectionOutcomesTable } from '../database/core-tables.ts';
import { chunked } from '../database/sql-batches.ts';
import { StoreError } from '../database/store-error.ts';
import { utc } from '../database/utc-instant.ts';
import type { StoredOutcome } from './lifecycle-records.ts';
import { checkChannel, type Db, IN_LIST, notFound } from './store-support.ts';

/**
 * Rows of the declaration tables as records and back, and the heads (current version and
 * decision) the assessment, lifecycle and read repositories all start from.
 */

/** The `decisions.explanation` JSON: what the officer reads and what re-checks the random draw. */
export interface Explanation {
  summary: string;
  signals: RiskSignal[];
  selection: SelectionRecord;
}

/** A declaration's head row: its current version, content and decision. */
export interface Head {
  version: number;
  contentHash: string;
  decisionId: string;
}

/** A decision as stored, from the engine's decision and who/what it replaces. */
export function storedDecision(
  id: string,
  declarationId: string,
  version: number,
  decision: DecisionInput,
  override: { officer: string; reason: string; supersedes: string } | null,
): StoredDecision {
  return {
    id,
    declarationId,
    version,
    channel: decision.channel,
    score: decision.score,
    summary: decision.summary,
    reasons: decision.reasons,
    selection: decision.selection,
    decidedAt: decision.decidedAt,
    profileVersions: decision.profileVersions,
    referenceVersion: decision.referenceVersion,
    modelVersion: decision.modelVersion ?? null,
    listVersions: decision.listVersions ?? null,
    kind: override ? 'override' : 'auto',
    officer: override?.officer ?? null,
    reason: override?.reason ?? null,
    supersedes: override?.supersedes ?? null,
    logIndex: null,
  };
}

export function decisionRow(admin: string, d: StoredDecision): Insertable<DecisionsTable> {
  return {
    id: d.id,
    administration: admin,
    declaration_id: d.declarationId,
    version: d.version,
    channel: d.channel,
    score: d.score,
    explanation: JSON.stringify({
      summary: d.summary,
      signals: d.reasons,
      selection: d.selection,
    } satisfies Explanation),
    profile_versions: JSON.stringify(d.profileVersions),
    reference_version: d.referenceVersion,
    model_version: d.modelVersion ?? null,
    list_versions: d.listVersions ? JSON.stringify(d.listVersions) : null,
    kind: d.kind,
    officer: d.officer,
    reason: d.reason,
    supersedes: d.supersedes,
    decided_at: d.decidedAt,
    log_index: d.logIndex,
  };
}

export function toDecision(row: Selectable<DecisionsTable>): StoredDecision {
  const explanation = JSON.parse(row.explanation) as Explanation;
  return {
    id: row.id,
    declarationId: row.declaration_id,
    version: Number(row.version),
    channel: row.channel as Channel,
    score: Number(row.score),
    summary: explanation.summary,
    reasons: explanation.signals,
    selection: explanation.selection,
    decidedAt: row.decided_at,
    profileVersions: JSON.parse(row.profile_versions) as Record<string, number>,
    referenceVersion: row.reference_version,
    modelVersion: row.model_version,
    listVersions: row.list_versions ? (JSON.parse(row.list_versions) as Record<string, string>) : null,
    kind: row.kind as DecisionKind,
    officer: row.officer,
    reason: row.reason,
    supersedes: row.supersedes,
    logIndex: row.log_index === null ? null : Number(row.log_index),
  };
}

/** The engine's decision checked (channel, finite score) with its instant in UTC. */
export function normalisedDecision(decision: DecisionInput, declarationId: string): DecisionInput {
  checkChannel(decision.channel);
  if (!Number.isFinite(decision.score)) {
    throw new StoreError('INVALID_INPUT', `${declarationId}: the decision score must be a finite number`);
  }
  return { ...decision, decidedAt: utc(decision.decidedAt, `${declarationId}: decidedAt`) };
}

export function toOutcome(
  row: Selectable<InspectionOutcomesTable> | Insertable<InspectionOutcomesTable>,
): StoredOutcome {
  return {
    id: row.id,
    version: Number(row.version),
    decisionId: row.decision_id,
    result: row.result as InspectionResult,
    fraud: Number(row.fraud) === 1,
    critical: Number(row.critical) === 1,
    revenueRecovered: row.revenue_recovered == null ? null : Number(row.revenue_recovered),
    notes: row.notes ?? null,
    officer: row.officer,
    recordedAt: row.recorded_at,
  };
}

/** The heads of the given ids of one administration; unknown ids are absent. */
export async function heads(db: Db, admin: string, ids: readonly string[]): Promise<Map<string, Head>> {
  const found = new Map<string, Head>();
  for (const chunk of chunked(ids, IN_LIST)) {
    const rows = await db
      .selectFrom('declarations')
      .select(['id', 'current_version', 'content_hash', 'current_decision_id'])
      .where('administration', '=', admin)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) {
      found.set(row.id, {
        version: Number(row.current_version),
        contentHash: row.content_hash,
        decisionId: row.current_decision_id,
      });
    }
  }
  return found;
}

/** The head of one declaration, `NOT_FOUND` when this administration has no such id. */
export async function requireHead(db: Db, admin: string, id: string): Promise<Head> {
  const head = (await heads(db, admin, [id])).get(id);
  if (!head) throw notFound(id);
  return head;
}

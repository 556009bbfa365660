import type { TransparencyLog } from '../adapters/ledger/transparency-log.ts';
import { contentHash } from '../adapters/store/content-hash.ts';
import { openDatabase, type StoreConnection } from '../adapters/store/database.ts';
import { DeclarationStore } from '../adapters/store/declaration-store.ts';
import { migrateToLatest } from '../adapters/store/migrate.ts';
import type {
  OutcomeInput,
  ProfileInput,
  ProfileSaveResult,
  StoredDecision,
  StoredOutcome,
} from '../adapters/store/store-records.ts';
import type { Channel } from '../core/decision/signal.ts';
import type { SavedAssessment } from './assess.ts';
import { openTransparencyLog } from './transparency-log.ts';

/**
 * What goes into the transparency log (issue: "every decision, override, inspection outcome,
 * risk-profile change ..."): enough to prove later who was selected, why, under which versions,
 * and what the inspection found. The declaration itself enters as its content hash, so the log
 * holds no trade data a partner should not see but any rewrite of the declaration is detectable.
 */
export function decisionEntry(administration: string, saved: SavedAssessment): object {
  const d = saved.decision;
  return {
    type: 'decision',
    administration,
    declarationId: saved.line.declarationId,
    version: saved.line.version,
    decisionId: d.id,
    contentHash: saved.contentHash,
    channel: d.channel,
    score: d.score,
    signals: d.reasons.map((r) => ({
      source: r.source,
      code: r.code,
      score: r.score,
      minChannel: r.minChannel ?? null,
    })),
    selection: { keyId: d.selection.keyId, draw: d.selection.draw },
    profileVersions: d.profileVersions,
    referenceVersion: d.referenceVersion,
    modelVersion: d.modelVersion ?? null,
    listVersions: d.listVersions ?? null,
    decidedAt: d.decidedAt,
  };
}

function overrideEntry(administration: string, d: StoredDecision): object {
  return {
    type: 'override',
    administration,
    declarationId: d.declarationId,
    version: d.version,
    decisionId: d.id,
    supersedes: d.supersedes,
    channel: d.channel,
    officer: d.officer,
    reason: d.reason,
    decidedAt: d.decidedAt,
  };
}

function outcomeEntry(administration: string, declarationId: string, o: StoredOutcome): object {
  return {
    type: 'outcome',
    administration,
    declarationId,
    version: o.version,
    outcomeId: o.id,
    decisionId: o.decisionId,
    result: o.result,
    fraud: o.fraud,
    critical: o.critical,
    revenueRecovered: o.revenueRecovered,
    officer: o.officer,
    recordedAt: o.recordedAt,
  };
}

/** The pipeline hook: appends the batch's decisions (durably) and stores their log indexes. */
export function logDecisions(log: TransparencyLog, store: DeclarationStore) {
  return async (administration: string, saved: SavedAssessment[]): Promise<void> => {
    const indexes = await log.append(saved.map((s) => decisionEntry(administration, s)));
    await store.setLogIndexes(
      administration,
      saved.map((s, i) => ({ decisionId: s.decision.id, logIndex: indexes[i]!.index })),
    );
  };
}

/**
 * The store, with every override, outcome and risk-profile change also appended to the
 * transparency log once it is committed. The store itself knows nothing of the log.
 */
export class LoggedDeclarationStore extends DeclarationStore {
  constructor(
    conn: StoreConnection,
    private readonly log: TransparencyLog,
  ) {
    super(conn);
  }

  override async overrideDecision(
    admin: string,
    id: string,
    change: { channel: Channel; reason: string },
    actor: string,
  ): Promise<StoredDecision> {
    const decision = await super.overrideDecision(admin, id, change, actor);
    const [entry] = await this.log.append([overrideEntry(admin, decision)]);
    await this.setLogIndexes(admin, [{ decisionId: decision.id, logIndex: entry!.index }]);
    return { ...decision, logIndex: entry!.index };
  }

  override async recordOutcome(
    admin: string,
    id: string,
    outcome: OutcomeInput,
    actor: string,
  ): Promise<StoredOutcome> {
    const stored = await super.recordOutcome(admin, id, outcome, actor);
    await this.log.append([outcomeEntry(admin, id, stored)]);
    return stored;
  }

  override async recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ): Promise<StoredOutcome[]> {
    const stored = await super.recordOutcomes(admin, entries, actor);
    await this.log.append(stored.map((o, i) => outcomeEntry(admin, entries[i]!.id, o)));
    return stored;
  }

  override async saveProfiles(
    admin: string,
    profiles: readonly ProfileInput[],
    actor: string,
  ): Promise<ProfileSaveResult[]> {
    const results = await super.saveProfiles(admin, profiles, actor);
    const changed = results.flatMap((r, i) =>
      r.status === 'unchanged'
        ? []
        : [
            {
              type: 'risk-profile',
              administration: admin,
              id: r.id,
              version: r.version,
              status: r.status,
              contentHash: contentHash(profiles[i]!.content),
              by: actor,
            },
          ],
    );
    if (changed.length > 0) await this.log.append(changed);
    return results;
  }
}

/**
 * Appends entries to the installation's transparency log over a connection of its own, for
 * commands that change what decisions depend on outside the assessment pipeline: a model put in
 * force, a sanctions list version loaded, a screening hit adjudicated.
 */
export async function recordInLog(databaseUrl: string, entries: readonly object[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const conn = openDatabase(databaseUrl);
  try {
    await migrateToLatest(conn);
    const log = await openTransparencyLog(conn);
    try {
      return (await log.append(entries)).map((e) => e.index);
    } finally {
      await log.close();
    }
  } finally {
    await conn.close();
  }
}

/** The log entry of an analyst's verdict on a screening hit. */
export function adjudicationEntry(
  result: { adjudicationId: string; hit: { id: string; list: string; entityId: string } },
  verdict: string,
  analyst: string,
  note: string,
): object {
  return {
    type: 'adjudication',
    adjudicationId: result.adjudicationId,
    hitId: result.hit.id,
    list: result.hit.list,
    entityId: result.hit.entityId,
    verdict,
    analyst,
    note,
    at: new Date().toISOString(),
  };
}

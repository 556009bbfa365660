import type { OutcomeInput } from '../app/ports/assessment-store.ts';
import type { StoredDecision } from '../app/ports/decision-records.ts';
import type { Channel } from '../core/decision/signal.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import {
  type LedgerRecordInput,
  type RecordKind,
  writeLedgerRecords,
} from '../driven/store/ledger-records.ts';
import type { StoredOutcome } from '../driven/store/lifecycle-records.ts';
import type { ProfileInput, ProfileSaveResult } from '../driven/store/profile-records.ts';
import { openTransparencyLog } from './transparency-log.ts';

/**
 * The pipeline hook: the batch's decisions were stored with their pending log entries in one
 * transaction (see `writeLedgerRecords`); this appends them before the caller answers.
 */
export function logDecisions(log: TransparencyLog) {
  return async (): Promise<void> => {
    await log.drainRecords();
  };
}

/**
 * The store, with every override, outcome and risk-profile change appended to the transparency
 * log before the call returns: it holds a {@link DeclarationStore} over the connection and the
 * log, hands every operation to the store, and drains the log after the three that write log
 * records outside the assessment pipeline and after releases and cancellations (which move permit
 * quantities). The store writes each record's pending entry in the
 * record's own transaction, so a crash or a log failure here delays the entry (the log drains it
 * at its next start, or a second later) but never loses it.
 */
export class LoggedDeclarationStore implements DeclarationStore {
  private readonly store: DeclarationStore;

  constructor(
    conn: StoreConnection,
    private readonly log: TransparencyLog,
  ) {
    this.store = new DeclarationStore(conn);
  }

  /** The override, with the log index it was appended at. */
  async overrideDecision(
    admin: string,
    id: string,
    change: { channel: Channel; reason: string },
    actor: string,
  ): Promise<StoredDecision> {
    const decision = await this.store.overrideDecision(admin, id, change, actor);
    await this.log.drainRecords();
    return { ...decision, logIndex: (await this.log.records.indexOf('override', decision.id)) ?? null };
  }

  async recordOutcome(
    admin: string,
    id: string,
    outcome: OutcomeInput,
    actor: string,
  ): Promise<StoredOutcome> {
    const [stored] = await this.recordOutcomes(admin, [{ id, outcome }], actor);
    return stored!;
  }

  async recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ): Promise<StoredOutcome[]> {
    const stored = await this.store.recordOutcomes(admin, entries, actor);
    await this.log.drainRecords();
    return stored;
  }

  async saveProfiles(
    admin: string,
    profiles: readonly ProfileInput[],
    actor: string,
  ): Promise<ProfileSaveResult[]> {
    const results = await this.store.saveProfiles(admin, profiles, actor);
    await this.log.drainRecords();
    return results;
  }

  /**
   * A release takes permit quantities and a cancellation gives them back, each with its
   * `permit-consumption` records: they are appended before the answer, like an outcome. Drains
   * are shared, so releases that arrive together append together.
   */
  readonly recordEvent: DeclarationStore['recordEvent'] = async (...a) => {
    const recorded = await this.store.recordEvent(...a);
    if (!recorded.replayed && (recorded.event === 'release' || recorded.event === 'cancellation'))
      await this.log.drainRecords();
    return recorded;
  };

  // Unlogged: handed to the store as they are (decisions are logged by the pipeline's `logDecisions`).
  readonly ensureAdministration: DeclarationStore['ensureAdministration'] = (...a) =>
    this.store.ensureAdministration(...a);
  readonly saveAssessments: DeclarationStore['saveAssessments'] = (...a) => this.store.saveAssessments(...a);
  readonly currentVersions: DeclarationStore['currentVersions'] = (...a) => this.store.currentVersions(...a);
  readonly knownParties: DeclarationStore['knownParties'] = (...a) => this.store.knownParties(...a);
  readonly saveRejects: DeclarationStore['saveRejects'] = (...a) => this.store.saveRejects(...a);
  readonly listRejects: DeclarationStore['listRejects'] = (...a) => this.store.listRejects(...a);
  readonly getDeclaration: DeclarationStore['getDeclaration'] = (...a) => this.store.getDeclaration(...a);
  readonly queue: DeclarationStore['queue'] = (...a) => this.store.queue(...a);
  readonly activeProfiles: DeclarationStore['activeProfiles'] = (...a) => this.store.activeProfiles(...a);
  readonly profileVersions: DeclarationStore['profileVersions'] = (...a) => this.store.profileVersions(...a);
  readonly createApiKey: DeclarationStore['createApiKey'] = (...a) => this.store.createApiKey(...a);
  readonly createApiKeyOnce: DeclarationStore['createApiKeyOnce'] = (...a) =>
    this.store.createApiKeyOnce(...a);
  readonly listApiKeys: DeclarationStore['listApiKeys'] = (...a) => this.store.listApiKeys(...a);
  readonly revokeApiKey: DeclarationStore['revokeApiKey'] = (...a) => this.store.revokeApiKey(...a);
  readonly authenticate: DeclarationStore['authenticate'] = (...a) => this.store.authenticate(...a);
  readonly audit: DeclarationStore['audit'] = (...a) => this.store.audit(...a);
  readonly auditTrail: DeclarationStore['auditTrail'] = (...a) => this.store.auditTrail(...a);
  readonly trainingRows: DeclarationStore['trainingRows'] = (...a) => this.store.trainingRows(...a);
  readonly summary: DeclarationStore['summary'] = (...a) => this.store.summary(...a);
  readonly parties: DeclarationStore['parties'] = (...a) => this.store.parties(...a);
}

import type {
  AssessmentItem,
  AssessmentStore,
  OutcomeInput,
  RejectInput,
} from '../../app/ports/assessment-store.ts';
import type { ProfileVersionStore } from '../../app/ports/profile-versions.ts';
import type { Channel } from '../../core/decision/signal.ts';
import type { PartyRole } from '../../core/declaration/declaration.ts';
import type { StoreConnection } from '../database/database.ts';
import { AdministrationRepository } from './administration-repository.ts';
import type { ApiKeyRole } from './api-key-records.ts';
import { ApiKeyRepository } from './api-key-repository.ts';
import { AssessmentRepository } from './assessment-repository.ts';
import { AuditLog } from './audit-log.ts';
import { ClearanceReads } from './clearance-reads.ts';
import { DeclarationReads } from './declaration-reads.ts';
import type { QueueFilter } from './declaration-records.ts';
import type { EventInput } from './lifecycle-records.ts';
import { LifecycleRepository } from './lifecycle-repository.ts';
import type { ProfileInput } from './profile-records.ts';
import { ProfileRepository } from './profile-repository.ts';
import type { RejectFilter } from './reject-records.ts';
import { RejectRepository } from './reject-repository.ts';

/**
 * The repositories of declarations and what hangs on them, over one SQLite or PostgreSQL
 * connection, behind one object: each method hands over to the repository that owns it (the SQL
 * and the documentation are there). Every tenant-owned read and write is scoped by the
 * administration passed in.
 */
class DeclarationRepositories implements AssessmentStore, ProfileVersionStore {
  private readonly administrations: AdministrationRepository;
  private readonly assessments: AssessmentRepository;
  private readonly rejects: RejectRepository;
  private readonly declarations: DeclarationReads;
  private readonly lifecycle: LifecycleRepository;
  private readonly profiles: ProfileRepository;
  private readonly apiKeys: ApiKeyRepository;
  private readonly auditLog: AuditLog;
  private readonly clearance: ClearanceReads;

  constructor(conn: StoreConnection) {
    this.administrations = new AdministrationRepository(conn);
    this.assessments = new AssessmentRepository(conn);
    this.rejects = new RejectRepository(conn);
    this.declarations = new DeclarationReads(conn);
    this.lifecycle = new LifecycleRepository(conn);
    this.profiles = new ProfileRepository(conn);
    this.apiKeys = new ApiKeyRepository(conn);
    this.auditLog = new AuditLog(conn);
    this.clearance = new ClearanceReads(conn);
  }

  /** {@link AdministrationRepository.ensureAdministration} */
  ensureAdministration(id: string, name: string) {
    return this.administrations.ensureAdministration(id, name);
  }

  /** {@link AssessmentRepository.saveAssessments} */
  saveAssessments(admin: string, items: readonly AssessmentItem[], rejects: readonly RejectInput[] = []) {
    return this.assessments.saveAssessments(admin, items, rejects);
  }

  /** {@link AssessmentRepository.currentVersions} */
  currentVersions(admin: string, ids: readonly string[]) {
    return this.assessments.currentVersions(admin, ids);
  }

  /** {@link AssessmentRepository.knownParties} */
  knownParties(admin: string, partyIds: readonly string[]) {
    return this.assessments.knownParties(admin, partyIds);
  }

  /** {@link RejectRepository.saveRejects} */
  saveRejects(admin: string, rejects: readonly RejectInput[]) {
    return this.rejects.saveRejects(admin, rejects);
  }

  /** {@link RejectRepository.listRejects} */
  listRejects(admin: string, filter: RejectFilter = {}) {
    return this.rejects.listRejects(admin, filter);
  }

  /** {@link DeclarationReads.getDeclaration} */
  getDeclaration(admin: string, id: string) {
    return this.declarations.getDeclaration(admin, id);
  }

  /** {@link DeclarationReads.queue} */
  queue(admin: string, filter: QueueFilter = {}) {
    return this.declarations.queue(admin, filter);
  }

  /** {@link LifecycleRepository.recordOutcome} */
  recordOutcome(admin: string, id: string, outcome: OutcomeInput, actor: string) {
    return this.lifecycle.recordOutcome(admin, id, outcome, actor);
  }

  /** {@link LifecycleRepository.recordOutcomes} */
  recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ) {
    return this.lifecycle.recordOutcomes(admin, entries, actor);
  }

  /** {@link LifecycleRepository.overrideDecision} */
  overrideDecision(admin: string, id: string, change: { channel: Channel; reason: string }, actor: string) {
    return this.lifecycle.overrideDecision(admin, id, change, actor);
  }

  /** {@link LifecycleRepository.recordEvent} */
  recordEvent(admin: string, id: string, input: EventInput, actor: string) {
    return this.lifecycle.recordEvent(admin, id, input, actor);
  }

  /** {@link ProfileRepository.saveProfiles} */
  saveProfiles(admin: string, profiles: readonly ProfileInput[], actor: string) {
    return this.profiles.saveProfiles(admin, profiles, actor);
  }

  /** {@link ProfileRepository.activeProfiles} */
  activeProfiles(admin: string) {
    return this.profiles.activeProfiles(admin);
  }

  /** {@link ProfileRepository.profileVersions} */
  profileVersions(admin: string) {
    return this.profiles.profileVersions(admin);
  }

  /** {@link ApiKeyRepository.createApiKey} */
  createApiKey(admin: string, label: string, role: ApiKeyRole, actor?: string) {
    return this.apiKeys.createApiKey(admin, label, role, actor);
  }

  /** {@link ApiKeyRepository.createApiKeyOnce} */
  createApiKeyOnce(once: string, admin: string, label: string, role: ApiKeyRole, actor?: string) {
    return this.apiKeys.createApiKeyOnce(once, admin, label, role, actor);
  }

  /** {@link ApiKeyRepository.listApiKeys} */
  listApiKeys(admin?: string) {
    return this.apiKeys.listApiKeys(admin);
  }

  /** {@link ApiKeyRepository.revokeApiKey} */
  revokeApiKey(admin: string, keyId: string, actor: string) {
    return this.apiKeys.revokeApiKey(admin, keyId, actor);
  }

  /** {@link ApiKeyRepository.authenticate}; an arrow property, so it can be handed over unbound. */
  readonly authenticate = (secret: string) => this.apiKeys.authenticate(secret);

  /** {@link AuditLog.audit} */
  audit(
    actor: string,
    action: string,
    subject: string,
    details: Record<string, unknown> = {},
    administration: string | null = null,
  ) {
    return this.auditLog.audit(actor, action, subject, details, administration);
  }

  /** {@link AuditLog.auditTrail} */
  auditTrail(administration: string | null, filter: { subject?: string; limit?: number } = {}) {
    return this.auditLog.auditTrail(administration, filter);
  }

  /** {@link ClearanceReads.trainingRows} */
  trainingRows(admin: string, range: { from?: string; to?: string } = {}) {
    return this.clearance.trainingRows(admin, range);
  }

  /** {@link ClearanceReads.summary} */
  summary(admin: string, range: { from?: string; to?: string } = {}) {
    return this.clearance.summary(admin, range);
  }

  /** {@link ClearanceReads.parties} */
  parties(admin: string, role?: PartyRole) {
    return this.clearance.parties(admin, role);
  }
}

/**
 * The declaration store as its callers type it: every operation of the repositories. Both
 * `new DeclarationStore(conn)` and the installation's `LoggedDeclarationStore` (which appends
 * overrides, outcomes and profile changes to the transparency log as they commit) provide it.
 */
export type DeclarationStore = Pick<DeclarationRepositories, keyof DeclarationRepositories>;

/**
 * Persistence of declarations, their versions and decisions, rejects, lifecycle events,
 * inspection outcomes, risk profiles, API keys and the audit log, over SQLite or PostgreSQL.
 *
 * @example
 * const conn = openDatabase(defaultDatabaseUrl());
 * await migrateToLatest(conn);
 * const store = new DeclarationStore(conn);
 * await store.ensureAdministration('NL', 'Netherlands Customs');
 * const [result] = await store.saveAssessments('NL', [{ declaration, contentHash, source: 'api', decision }]);
 */
export const DeclarationStore = DeclarationRepositories;

import { type ChannelDecision, type ChannelFloor, decideChannel } from '../core/decision/decide.ts';
import type { SelectionKey, SelectionPolicy } from '../core/decision/selection-policy.ts';
import { CHANNEL_RANK, type Channel, type RiskSignal } from '../core/decision/signal.ts';
import { contentHash } from '../core/declaration/content-hash.ts';
import { type Declaration, PARTY_ROLES, type PartyRole } from '../core/declaration/declaration.ts';
import { textFault, type ValidationIssue, validateDeclaration } from '../core/declaration/validation.ts';
import { withoutFastLaneOnFindings } from '../core/medical/checks.ts';
import type { ReferenceData } from '../core/reference/reference-data.ts';
import {
  type CompiledProfiles,
  evaluateProfiles,
  profileSignals,
  profileVersionsInForce,
} from '../core/rules/evaluate.ts';
import type { PriceBandLookup } from '../core/rules/price-bands.ts';
import { alertSignals, type CompiledAlerts } from '../core/sharing/alert-signals.ts';
import type {
  AssessmentItem,
  AssessmentResult,
  AssessmentStore,
  SaveStatus,
} from './ports/assessment-store.ts';
import type { DecisionInput, StoredDecision } from './ports/decision-records.ts';
import type { InputRecord, RecordedOutcome } from './ports/input-record.ts';
import { StaleVersionError } from './ports/stale-version-error.ts';

/** One reason as the CLI and API report it. */
export interface ReasonLine {
  source: RiskSignal['source'];
  code: string;
  message: string;
}

/** The output contract of `greenlane assess` and `POST /v1/declarations` for a decided record. */
export interface AssessedLine {
  declarationId: string;
  version: number;
  status: SaveStatus;
  channel: Channel;
  score: number;
  summary: string;
  reasons: ReasonLine[];
  decidedAt: string;
}

/** The output contract for a rejected record: nothing of it was stored except the reject itself. */
export interface RejectedLine {
  rejected: true;
  record: number;
  declarationId?: string;
  errors: ValidationIssue[];
}

export type AssessmentLine = AssessedLine | RejectedLine;

/** A declaration version and decision just stored: what the transparency log records. */
export interface SavedAssessment {
  line: AssessedLine;
  decision: StoredDecision;
  contentHash: string;
}

/**
 * A risk source beyond the profiles (party screening, the learned model): it turns a valid
 * declaration into signals, and names the versions of what it used so decisions record them.
 */
export interface SignalSource {
  name: string;
  /** Signals for one declaration of one administration (tenant). */
  signals(declaration: Declaration, administration: string): RiskSignal[];
  /** e.g. `{ un: 'un:2026-02-27:66b3...' }` for lists, or `{ fraud: 'NL:fraud:v3' }` for a model. */
  versions(administration: string): Record<string, string>;
  /** `lists` and `model` versions are recorded with each decision; `checks` (registries) record none. */
  kind: 'lists' | 'model' | 'checks';
  /**
   * Brings the source up to date for an administration before each of its batches (its
   * good-party list, its active models), so a change takes effect without a restart.
   */
  prepare?(administration: string): Promise<void>;
  /**
   * Reads what the batch's valid declarations need from a store (registry rows, balances) once
   * per batch, before any of them is decided, so `signals` stays synchronous.
   */
  prepareBatch?(administration: string, declarations: readonly Declaration[]): Promise<void>;
}

export interface AssessmentDeps {
  reference: ReferenceData;
  profiles: CompiledProfiles;
  /**
   * The profiles of an administration, read once per batch (see `administrationProfiles`);
   * `profiles` for every administration when absent.
   */
  profilesFor?: (administration: string) => Promise<CompiledProfiles>;
  /**
   * Partners' accepted alerts of an administration, read once per batch (see
   * `administrationAlerts`); a matching declaration gets a signal with source `alert` and the
   * alert id as code. No alerts when absent.
   */
  alertsFor?: (administration: string, now: Date) => Promise<CompiledAlerts>;
  policy: SelectionPolicy;
  /** The secret key of random selection (`openSelectionKeys(stateDir()).current`). */
  selectionKey: SelectionKey;
  /** Without a store, decisions are computed and returned but nothing is kept. */
  store?: AssessmentStore;
  priceBands?: PriceBandLookup;
  sources?: SignalSource[];
  /** Called with what was stored (new versions only), e.g. to append decisions to the transparency log. */
  afterSave?: Array<(admin: string, saved: SavedAssessment[]) => Promise<void>>;
  now?: () => Date;
  /**
   * How long an administration's profiles, alerts and sources' `prepare` stay in use before they
   * are read again (default 0: before every batch). `prepareBatch` runs for every batch regardless.
   */
  contextRefreshMs?: number;
}

export interface AssessOptions {
  /** Where the records came from: `api`, `file:<name>`, ... kept with versions and rejects. */
  source: string;
  /** Who submitted them (API key id, CLI user), for the audit trail. */
  actor: string;
  batchId?: string;
}

export interface AssessmentService {
  /**
   * Validates, scores and decides a batch, and stores it when a store is configured. Returns
   * exactly one line per record, in order; a bad record never affects the others.
   */
  assess(
    administration: string,
    records: readonly InputRecord[],
    options: AssessOptions,
  ): Promise<AssessmentLine[]>;
}

function reasonLines(decision: Pick<ChannelDecision, 'reasons'>): ReasonLine[] {
  return decision.reasons.map((r) => ({ source: r.source, code: r.code, message: r.message }));
}

function partyKey(role: PartyRole, declaration: Declaration): string | undefined {
  return declaration[role]?.id;
}

/**
 * Times a batch is re-assessed when another submission moved one of its declarations on between
 * reading the heads and saving (`StaleVersionError`). Each retry re-reads them, so only a declaration
 * amended this often while one batch is scored runs out.
 */
const STALE_ATTEMPTS = 5;

/** A declaration id fit to report with a reject: the schema's length, valid text. */
function reportableId(id: string | undefined): string | undefined {
  return id !== undefined && id.length <= 64 && textFault(id) === undefined ? id : undefined;
}

/** A lone UTF-16 surrogate, which UTF-8 text columns cannot keep as sent (nor NUL, in PostgreSQL). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The rejected record's text as received, for the rejects table: the reader's text, or the value
 * as JSON. Characters a database would refuse or replace (NUL, lone surrogates) are kept as
 * JSON-style escapes, so an invalid UTF-8 byte still shows where it was (`\udcff` for byte 0xff).
 */
function rawText(rec: InputRecord): string {
  let raw = rec.raw;
  if (raw === undefined) {
    try {
      raw = rec.value === undefined ? '' : (JSON.stringify(rec.value) ?? '');
    } catch {
      // Deeper than JSON.stringify's stack allows (the errors say so) or not JSON at all.
      raw = '';
    }
  }
  return raw
    .replaceAll('\u0000', '\\u0000')
    .replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Wraps plain values already in memory (tests, benchmarks) as numbered input records. */
export function asInputRecords(values: readonly unknown[]): InputRecord[] {
  return values.map((value, i) => ({ record: i + 1, value }));
}

export function createAssessmentService(deps: AssessmentDeps): AssessmentService {
  const now = deps.now ?? (() => new Date());
  const sources = deps.sources ?? [];
  const contexts = new Map<string, { at: number; profiles: CompiledProfiles; alerts?: CompiledAlerts }>();

  /** An administration's profiles and alerts, with the sources prepared for it: read, or reused while fresh. */
  async function batchContext(administration: string, at: Date) {
    const cached = contexts.get(administration);
    const refreshMs = deps.contextRefreshMs ?? 0;
    if (cached && at.getTime() - cached.at < refreshMs) return cached;
    const [profiles, alerts] = await Promise.all([
      deps.profilesFor ? deps.profilesFor(administration) : deps.profiles,
      deps.alertsFor?.(administration, at),
      ...sources.map((source) => source.prepare?.(administration)),
    ]);
    const context = { at: at.getTime(), profiles, ...(alerts ? { alerts } : {}) };
    if (refreshMs > 0) contexts.set(administration, context);
    return context;
  }

  /** What the batch decides with: its administration's profiles and alerts, and its instant. */
  interface BatchRules {
    profiles: CompiledProfiles;
    alerts: CompiledAlerts | undefined;
    /** Epoch ms the alerts' validity is checked against (the batch's decision time). */
    at: number;
  }

  function decide(
    rules: BatchRules,
    administration: string,
    declaration: Declaration,
    version: number,
    firstTimeTraders?: ReadonlySet<PartyRole>,
    floor?: ChannelFloor,
  ) {
    const ctx = {
      reference: deps.reference,
      ...(deps.priceBands ? { priceBands: deps.priceBands } : {}),
      ...(firstTimeTraders ? { firstTimeTraders } : {}),
    };
    const signals: RiskSignal[] = profileSignals(evaluateProfiles(declaration, rules.profiles, ctx));
    if (rules.alerts) signals.push(...alertSignals(rules.alerts, declaration, rules.at, ctx));
    for (const source of sources) signals.push(...source.signals(declaration, administration));
    return decideChannel(
      { administration, declarationId: declaration.id, version, ...(floor ? { floor } : {}) },
      withoutFastLaneOnFindings(signals),
      deps.policy,
      deps.selectionKey,
    );
  }

  /** The list and model versions the sources use for an administration: once per batch. */
  function sourceVersions(administration: string) {
    const listVersions: Record<string, string> = {};
    let modelVersion: string | null = null;
    for (const s of sources) {
      if (s.kind === 'lists') Object.assign(listVersions, s.versions(administration));
      else if (s.kind === 'model')
        modelVersion = Object.values(s.versions(administration)).join(',') || modelVersion;
    }
    return { listVersions: Object.keys(listVersions).length ? listVersions : null, modelVersion };
  }

  function decisionInput(
    profiles: CompiledProfiles,
    declaration: Declaration,
    decision: ChannelDecision,
    decidedAt: string,
    versions: ReturnType<typeof sourceVersions>,
  ): DecisionInput {
    return {
      channel: decision.channel,
      score: decision.score,
      reasons: decision.reasons,
      summary: decision.summary,
      selection: decision.selection,
      decidedAt,
      // The versions in force at lodgement: what evaluateProfiles applied to this declaration.
      profileVersions: profileVersionsInForce(profiles, declaration.lodgedAt),
      referenceVersion: deps.reference.version,
      modelVersion: versions.modelVersion,
      listVersions: versions.listVersions,
    };
  }

  return {
    async assess(administration, records, options) {
      const lines: Array<AssessmentLine | undefined> = new Array(records.length);
      const valid: Array<{
        at: number;
        declaration: Declaration;
        hash: string;
        outcome?: RecordedOutcome;
        source?: string;
      }> = [];
      const rejects: Array<{ at: number; line: RejectedLine; raw: string; source?: string }> = [];

      records.forEach((rec, at) => {
        const reject = (errors: ValidationIssue[], declarationId: string | undefined) => {
          const line: RejectedLine = { rejected: true, record: rec.record, errors };
          const id = reportableId(declarationId);
          if (id !== undefined) line.declarationId = id;
          rejects.push({ at, line, raw: rawText(rec), ...(rec.source ? { source: rec.source } : {}) });
        };
        if (rec.errors && rec.value === undefined) {
          reject(rec.errors, rec.declarationId);
          return;
        }
        const result = validateDeclaration(rec.value, deps.reference);
        if (!result.ok) {
          reject([...(rec.errors ?? []), ...result.errors], result.declarationId ?? rec.declarationId);
          return;
        }
        if (rec.errors) {
          reject(rec.errors, result.declaration.id);
          return;
        }
        valid.push({
          at,
          declaration: result.declaration,
          hash: contentHash(result.declaration),
          ...(rec.outcome ? { outcome: rec.outcome } : {}),
          ...(rec.source ? { source: rec.source } : {}),
        });
      });
      for (const r of rejects) lines[r.at] = r.line;

      // The batch's reads are independent of each other: all at once, since on a busy machine
      // (or a remote database) each round trip costs more than the work it fetches for.
      const batchStart = now();
      const batchDeclarations = valid.map((v) => v.declaration);
      const [{ profiles, alerts }] = await Promise.all([
        batchContext(administration, batchStart),
        ...sources.map((source) => source.prepareBatch?.(administration, batchDeclarations)),
      ]);
      const rules: BatchRules = { profiles, alerts, at: batchStart.getTime() };
      let decidedAt = batchStart.toISOString();
      const store = deps.store;
      if (!store) {
        for (const v of valid) {
          const decision = decide(rules, administration, v.declaration, 1);
          lines[v.at] = assessedLine(v.declaration.id, 1, 'created', decision, decidedAt);
        }
        return lines as AssessmentLine[];
      }

      const versions = sourceVersions(administration);
      // Versions and amendment floors: what the store holds, advanced as the batch itself repeats
      // or amends an id. The store re-checks the heads inside its transaction; when another
      // submission moved one on meanwhile, the whole batch is decided again on the new heads.
      const decideBatch = async (): Promise<AssessmentItem[]> => {
        const partyIds = valid.flatMap((v) =>
          PARTY_ROLES.map((r) => partyKey(r, v.declaration)).filter((p) => p !== undefined),
        );
        const [heads, known] = await Promise.all([
          store.currentVersions(
            administration,
            valid.map((v) => v.declaration.id),
          ),
          store.knownParties(administration, partyIds),
        ]);
        // Stamped after the heads are read, not before: a decision made against a head stored
        // meanwhile must not be dated earlier than that head's decision (a retry thus decides anew,
        // after what it lost the race to).
        decidedAt = now().toISOString();
        const local = new Map<string, { version: number; contentHash: string; floor?: ChannelFloor }>(heads);
        const items: AssessmentItem[] = [];
        const seen = new Set<string>();
        for (const v of valid) {
          const d = v.declaration;
          const head = local.get(d.id);
          const unchanged = head !== undefined && head.contentHash === v.hash;
          const version = head === undefined ? 1 : unchanged ? head.version : head.version + 1;
          const firstTime = new Set<PartyRole>();
          for (const role of PARTY_ROLES) {
            const id = partyKey(role, d);
            if (id !== undefined && !known.has(id)) firstTime.add(role);
          }
          for (const role of PARTY_ROLES) {
            const id = partyKey(role, d);
            if (id !== undefined) known.add(id);
          }
          const decision = decide(rules, administration, d, version, firstTime, head?.floor);
          // An unchanged resubmission stores nothing, so it cannot raise the floor.
          const floor =
            unchanged || (head?.floor && CHANNEL_RANK[head.floor.channel] >= CHANNEL_RANK[decision.channel])
              ? head?.floor
              : { channel: decision.channel, version };
          local.set(d.id, { version, contentHash: v.hash, ...(floor ? { floor } : {}) });
          // The stored head the first item of an id was decided against (null: new); later items
          // of the same id chain on it inside the store.
          const stored = heads.get(d.id);
          const expected = seen.has(d.id)
            ? undefined
            : stored
              ? { version: stored.version, decisionId: stored.decisionId }
              : null;
          seen.add(d.id);
          items.push({
            declaration: d,
            contentHash: v.hash,
            source: v.source ?? options.source,
            decision: decisionInput(profiles, d, decision, decidedAt, versions),
            ...(expected !== undefined ? { expected } : {}),
          });
        }
        return items;
      };

      const storedRejects = rejects.map((r) => ({
        source: r.source ?? options.source,
        batchId: options.batchId ?? null,
        recordNumber: r.line.record,
        declarationId: r.line.declarationId ?? null,
        errors: r.line.errors,
        raw: r.raw,
      }));
      let saved: AssessmentResult[];
      for (let attempt = 1; ; attempt++) {
        try {
          saved = await store.saveAssessments(administration, await decideBatch(), storedRejects);
          break;
        } catch (err) {
          if (!(err instanceof StaleVersionError) || attempt >= STALE_ATTEMPTS) throw err;
        }
      }
      const assessed: SavedAssessment[] = [];
      saved.forEach((result, i) => {
        const v = valid[i]!;
        const stored = result.decision;
        const line = assessedLine(result.id, result.version, result.status, stored, stored.decidedAt);
        lines[v.at] = line;
        if (result.status !== 'unchanged') assessed.push({ line, decision: stored, contentHash: v.hash });
      });

      // Recorded outcomes (labelled historical imports) go with the version they were stored as;
      // a resubmitted unchanged declaration does not record its outcome twice.
      const outcomes = saved.flatMap((result, i) => {
        const outcome = valid[i]!.outcome;
        return outcome && result.status !== 'unchanged'
          ? [{ id: result.id, outcome: { ...outcome, version: result.version, recordedAt: decidedAt } }]
          : [];
      });
      if (outcomes.length > 0) await store.recordOutcomes(administration, outcomes, options.actor);
      await Promise.all([
        store.audit(
          options.actor,
          'declarations.submit',
          options.batchId ?? options.source,
          {
            records: records.length,
            stored: assessed.length,
            rejected: rejects.length,
            source: options.source,
          },
          administration,
        ),
        (async () => {
          if (assessed.length > 0)
            for (const hook of deps.afterSave ?? []) await hook(administration, assessed);
        })(),
      ]);
      return lines as AssessmentLine[];
    },
  };

  function assessedLine(
    declarationId: string,
    version: number,
    status: SaveStatus,
    decision: Pick<ChannelDecision, 'channel' | 'score' | 'summary' | 'reasons'>,
    decidedAt: string,
  ): AssessedLine {
    return {
      declarationId,
      version,
      status,
      channel: decision.channel,
      score: decision.score,
      summary: decision.summary,
      reasons: reasonLines(decision),
      decidedAt,
    };
  }
}

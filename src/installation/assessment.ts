import { administrationAlerts } from '../app/administration-alerts.ts';
import { administrationProfiles } from '../app/administration-profiles.ts';
import { type AssessmentService, createAssessmentService } from '../app/assess.ts';
import type { SelectionKey, SelectionPolicy } from '../core/decision/selection-policy.ts';
import type { DeclaredUse } from '../core/medical/registry-view.ts';
import type { ReferenceData } from '../core/reference/reference-data.ts';
import type { PriceBandLookup } from '../core/rules/price-bands.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import type { ScreeningContext } from '../driven/lists/screening-context.ts';
import { type LoadedProfile, loadProfiles } from '../driven/profiles/load-profiles.ts';
import { environmentReference } from '../driven/reference/environment-reference.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { AlertRepository } from '../driven/store/alert-repository.ts';
import type { DeclarationStore } from '../driven/store/declaration-store.ts';
import { environmentDir, type InstallationConfig } from './config.ts';
import { logDecisions } from './ledger-recording.ts';
import { openRiskSources, type RiskSources } from './risk-sources.ts';
import {
  assessmentDeps,
  defaultSelectionPolicy,
  seedProfiles,
  selectionKey,
  storeProfiles,
} from './runtime.ts';

/** The assessment pipeline an installation runs (`openInstallation(config, { assessment })`). */
export interface AssessmentOptions {
  /** Directory of the risk profile files (YAML/JSON). */
  profilesDir: string;
  /**
   * What the profile files are, when declarations are stored:
   * - `'stored'`: the starting profiles of every administration that has none stored yet; each
   *   administration's stored profiles are read again before each of its batches (`greenlane serve`);
   * - `{ administration }`: that administration's profiles in force, stored now (`greenlane assess --db`).
   */
  profiles?: 'stored' | { administration: string };
  /** Who stores the profiles (recorded with each change). */
  actor?: string;
  /** Store declarations, decisions and rejects (default true); false assesses only. */
  store?: boolean;
  /** Score with this model file for every administration, instead of the registry's active models. */
  modelFile?: string;
  /** Unit-price bands for the valuation profiles, or a file from `greenlane bands build`. */
  priceBands?: PriceBandLookup;
  priceBandsFile?: string;
  /**
   * Reuse an administration's profiles, alerts and risk-source state for this long before reading
   * them again (default 0: before every batch). The cluster's workers use a second: a change takes
   * effect within a second, and a run of a few messages does not pay six reads for it.
   */
  contextRefreshMs?: number;
}

/** The assessment pipeline of an open installation. */
export interface Assessment {
  assess: AssessmentService['assess'];
  /** The profile files as read at the start. */
  profiles: readonly LoadedProfile[];
  risk: RiskSources;
  policy: SelectionPolicy;
  selectionKey: SelectionKey;
  /** Administrations that were given the profile files at this start (`profiles: 'stored'`). */
  seeded: string[];
  /** One line per source for the startup log: screening lists and where from, models per administration. */
  describe: string[];
  /** The reference data profiles are compiled and linted against (the profile routes lint and backtest drafts). */
  reference: ReferenceData;
  /** Unit-price bands, when loaded: a backtest applies them as the pipeline does. */
  priceBands?: PriceBandLookup;
}

/** What is read before anything is opened, so a broken profile file fails the start cleanly. */
export interface PreparedAssessment {
  options: AssessmentOptions;
  profiles: LoadedProfile[];
}

export function prepareAssessment(options: AssessmentOptions): PreparedAssessment {
  return { options, profiles: loadProfiles(options.profilesDir) };
}

/** The installation's parts the pipeline is built on. */
export interface AssessmentParts {
  config: InstallationConfig;
  conn: StoreConnection;
  store: DeclarationStore;
  log?: TransparencyLog;
  screening?: { context: ScreeningContext; seconds: number };
  /** Shares an administration's medical lot usage with opted-in partners once recorded (issue 13). */
  lotUsage?: (administration: string, uses: readonly DeclaredUse[]) => Promise<unknown>;
}

/**
 * Stores the profiles, opens the risk sources and creates the assessment service (profiles and
 * partners' accepted alerts read per administration before each batch). The service's
 * `afterSave` hooks record screened parties (delta screening) and append each stored decision to
 * the log.
 */
export async function openAssessment(
  prepared: PreparedAssessment,
  parts: AssessmentParts,
): Promise<Assessment> {
  const { options, profiles } = prepared;
  const stored = options.store !== false;
  const actor = options.actor ?? 'cli';
  const store = stored ? parts.store : undefined;
  let seeded: string[] = [];
  if (store && options.profiles === 'stored') {
    const admins = (await parts.conn.db.selectFrom('administrations').select('id').execute()).map(
      (a) => a.id,
    );
    seeded = await seedProfiles(store, admins, actor, profiles);
  } else if (store && typeof options.profiles === 'object') {
    const { administration } = options.profiles;
    await store.ensureAdministration(administration, administration);
    await storeProfiles(store, administration, actor, profiles);
  }
  const policy = defaultSelectionPolicy(parts.config.env);
  const key = selectionKey(parts.config.env);
  const risk = await openRiskSources({
    conn: parts.conn,
    ...(parts.screening ? { screening: parts.screening.context } : {}),
    recordParties: stored,
    ...(options.modelFile ? { modelFile: options.modelFile } : {}),
    policy,
    selectionKey: key,
    permitChecks: {
      reference: referenceData(parts.config.dataDirectory),
      environment: environmentReference(environmentDir(parts.config.env)),
    },
    products: {
      reference: referenceData(parts.config.dataDirectory),
      record: stored,
      ...(parts.lotUsage ? { onRecorded: parts.lotUsage } : {}),
    },
  });
  const deps = assessmentDeps({
    dataDir: parts.config.dataDirectory,
    profilesDir: options.profilesDir,
    loadedProfiles: profiles,
    policy,
    selectionKey: key,
    sources: risk.sources,
    ...(store ? { store } : {}),
    ...(options.priceBands ? { priceBands: options.priceBands } : {}),
    ...(options.priceBandsFile ? { priceBandsFile: options.priceBandsFile } : {}),
  });
  const { assess } = createAssessmentService({
    ...deps,
    ...(options.contextRefreshMs ? { contextRefreshMs: options.contextRefreshMs } : {}),
    // Each administration's stored profiles, read before each of its batches.
    ...(store && options.profiles === 'stored'
      ? {
          profilesFor: administrationProfiles(
            store,
            deps.reference,
            profiles.map((l) => l.profile),
          ),
        }
      : {}),
    // Partners' accepted alerts of each administration, read again before each of its batches.
    alertsFor: administrationAlerts(new AlertRepository(parts.conn.db), deps.reference),
    afterSave: [risk.afterSave, ...(store && parts.log ? [logDecisions(parts.log)] : [])],
  });
  const screening = parts.screening;
  const describe = [
    ...(screening
      ? [
          `screening: ${screening.context.index.versions.join(', ')} (${screening.context.origin}, ${screening.seconds.toFixed(1)} s)`,
        ]
      : []),
    ...risk.describe,
  ];
  return {
    assess,
    profiles,
    risk,
    policy,
    selectionKey: key,
    seeded,
    describe,
    reference: deps.reference,
    ...(deps.priceBands ? { priceBands: deps.priceBands } : {}),
  };
}

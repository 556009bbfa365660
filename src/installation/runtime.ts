import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssessmentDeps, SignalSource } from '../app/assess.ts';
import {
  type SelectionKey,
  type SelectionPolicy,
  SelectionPolicySchema,
} from '../core/decision/selection-policy.ts';
import { compileProfiles } from '../core/rules/evaluate.ts';
import { type PriceBandLookup, PriceBandTable } from '../core/rules/price-bands.ts';
import type { RiskProfile } from '../core/rules/risk-profile.ts';
import { type LoadedProfile, loadProfiles } from '../driven/profiles/load-profiles.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { openSelectionKeys } from '../driven/selection/selection-keys.ts';
import type { DeclarationStore } from '../driven/store/declaration-store.ts';
import { dataDir, PACKAGE_ROOT, stateDir } from './config.ts';

/** The starter risk profiles shipped with Greenlane. */
export const DEFAULT_PROFILES_DIR = resolve(PACKAGE_ROOT, 'profiles');

/**
 * Default selectivity: a combined score of 30 means a documentary check, 60 a physical inspection
 * (a single high-weight profile can reach red on its own through its minimum channel); 2% of
 * declarations are drawn at random for yellow and 1% for red, the order of magnitude the WCO Risk
 * Management Compendium suggests for compliance measurement. The draws come from the secret
 * selection key (`selectionKey`), not from anything configurable here.
 */
export function defaultSelectionPolicy(env: NodeJS.ProcessEnv = process.env): SelectionPolicy {
  return SelectionPolicySchema.parse({
    thresholds: { yellow: 30, red: 60 },
    randomRates: {
      yellow: Number(env.GREENLANE_RANDOM_YELLOW ?? 0.02),
      red: Number(env.GREENLANE_RANDOM_RED ?? 0.01),
    },
  });
}

/**
 * The installation's current selection key: `stateDir()/selection/keys.json`, created (0600) at
 * first start. Rotate it with `greenlane selection rotate-key`.
 */
export function selectionKey(env: NodeJS.ProcessEnv = process.env): SelectionKey {
  return openSelectionKeys(stateDir(env)).current;
}

export interface RuntimeOptions {
  profilesDir?: string;
  /** Profiles already read from `profilesDir` (e.g. for `storeProfiles`), so they are read once. */
  loadedProfiles?: readonly LoadedProfile[];
  dataDir?: string;
  policy?: SelectionPolicy;
  /** Default: the installation's current key ({@link selectionKey}). */
  selectionKey?: SelectionKey;
  store?: DeclarationStore;
  sources?: SignalSource[];
  /** Unit-price bands for the valuation profiles; or a file written by `greenlane bands build`. */
  priceBands?: PriceBandLookup;
  priceBandsFile?: string;
}

/** Reads a price band table written by `greenlane bands build`. */
export function loadPriceBands(file: string): PriceBandTable {
  return PriceBandTable.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
}

/** Loads reference data and profiles and compiles them: everything the assessment pipeline needs. */
export function assessmentDeps(options: RuntimeOptions = {}): AssessmentDeps {
  const reference = referenceData(options.dataDir ?? dataDir());
  const loaded = options.loadedProfiles ?? loadProfiles(options.profilesDir ?? DEFAULT_PROFILES_DIR);
  const profiles: RiskProfile[] = loaded.map((l) => l.profile);
  const bandsFile = options.priceBandsFile ?? process.env.GREENLANE_PRICE_BANDS;
  const priceBands = options.priceBands ?? (bandsFile ? loadPriceBands(bandsFile) : undefined);
  return {
    reference,
    profiles: compileProfiles(profiles, reference),
    ...(priceBands ? { priceBands } : {}),
    policy: options.policy ?? defaultSelectionPolicy(),
    selectionKey: options.selectionKey ?? selectionKey(),
    ...(options.store ? { store: options.store } : {}),
    ...(options.sources ? { sources: options.sources } : {}),
  };
}

/**
 * Records profiles as an administration's profiles in force (risk profiles are versioned data "in
 * files and in the store"): unchanged content is a no-op, changed content a new stored version,
 * with who loaded it. Other administrations' profiles are untouched.
 */
export async function storeProfiles(
  store: DeclarationStore,
  admin: string,
  actor: string,
  loaded: readonly LoadedProfile[],
) {
  return store.saveProfiles(
    admin,
    loaded.map((l) => ({
      id: l.profile.id,
      version: l.profile.version,
      content: l.profile,
      enabled: l.profile.enabled,
    })),
    actor,
  );
}

/**
 * Gives the profile files to every administration that has no stored profiles yet (`serve` at
 * start). An administration's stored profiles are its own from then on: they change only through
 * `greenlane profiles load --administration`, so a restart never undoes one administration's
 * change nor imposes it on another. Returns the administrations seeded.
 */
export async function seedProfiles(
  store: DeclarationStore,
  admins: readonly string[],
  actor: string,
  loaded: readonly LoadedProfile[],
): Promise<string[]> {
  const seeded: string[] = [];
  for (const admin of admins) {
    if ((await store.profileVersions(admin)).length > 0) continue;
    await storeProfiles(store, admin, actor, loaded);
    seeded.push(admin);
  }
  return seeded;
}

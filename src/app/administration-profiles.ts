import type { ReferenceData } from '../core/reference/reference-data.ts';
import { type CompiledProfiles, compileProfiles } from '../core/rules/evaluate.ts';
import { type RiskProfile, RiskProfileSchema } from '../core/rules/risk-profile.ts';
import type { ProfileVersionStore } from './ports/profile-versions.ts';

/**
 * Risk profiles per administration for the assessment pipeline (`AssessmentDeps.profilesFor`):
 * each batch applies the profile versions its administration has stored, read again before the
 * batch (one query; recompiled only when they changed), so a profile change takes effect for that
 * administration's next declaration without a restart and never for another's. An administration
 * with no stored profiles gets `defaults` (the profile files the installation was started with).
 *
 * @example
 * createAssessmentService({ ...deps, profilesFor: administrationProfiles(store, reference, files) });
 */
export function administrationProfiles(
  store: ProfileVersionStore,
  reference: ReferenceData,
  defaults: readonly RiskProfile[],
): (administration: string) => Promise<CompiledProfiles> {
  const fallback = compileProfiles(defaults, reference);
  const compiled = new Map<string, { signature: string; profiles: CompiledProfiles }>();
  return async (administration) => {
    const stored = await store.profileVersions(administration);
    if (stored.length === 0) return fallback;
    const signature = stored.map((p) => `${p.id}\u0000${p.version}\u0000${p.contentHash}`).join('\u0001');
    const cached = compiled.get(administration);
    if (cached?.signature === signature) return cached.profiles;
    // Stored content is the validated profile; parsing again restores its defaults and types.
    const profiles = compileProfiles(
      stored.map((p) => RiskProfileSchema.parse(p.content)),
      reference,
    );
    compiled.set(administration, { signature, profiles });
    return profiles;
  };
}

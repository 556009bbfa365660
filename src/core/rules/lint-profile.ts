import { jsonPointer } from '../declaration/validation.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import type { Criterion, ProfileIssue, RiskProfile } from './risk-profile.ts';

/**
 * Checks a valid profile against the reference data: codes the schema accepts but that cannot
 * match anything (a misspelt concern, a country or UN/LOCODE that does not exist, an HS prefix
 * under which no HS 2022 subheading lies). Such a profile never fires and nobody notices, so the
 * analyst hears about it when the profile is checked, not months later.
 */
export function lintProfile(profile: RiskProfile, reference: ReferenceData): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const concerns = new Map<string, Set<string>>();
  for (const flags of reference.regulatory.values()) {
    for (const f of flags) {
      const subs = concerns.get(f.concern) ?? new Set<string>();
      subs.add(f.subconcern);
      concerns.set(f.concern, subs);
    }
  }
  const hsCodes = [...reference.hs['2022'].subheadings.keys()];
  const add = (path: Array<string | number>, message: string) =>
    issues.push({ path: jsonPointer(path), message });
  const countries = (path: Array<string | number>, codes: readonly string[]) => {
    codes.forEach((c, i) => {
      if (!reference.countries.has(c)) add([...path, i], `"${c}" is not an ISO 3166-1 country code`);
    });
  };

  const walk = (c: Criterion, path: Array<string | number>): void => {
    if ('all' in c) {
      for (const [i, child] of c.all.entries()) walk(child, [...path, 'all', i]);
    } else if ('any' in c) {
      for (const [i, child] of c.any.entries()) walk(child, [...path, 'any', i]);
    } else if ('not' in c) walk(c.not, [...path, 'not']);
    else if ('hsPrefix' in c) {
      c.hsPrefix.forEach((prefix, i) => {
        const short = prefix.slice(0, 6);
        if (!hsCodes.some((code) => code.startsWith(short))) {
          add([...path, 'hsPrefix', i], `no HS 2022 subheading starts with "${short}"`);
        }
      });
    } else if ('originCountry' in c) countries([...path, 'originCountry'], c.originCountry);
    else if ('dispatchCountry' in c) countries([...path, 'dispatchCountry'], c.dispatchCountry);
    else if ('destinationCountry' in c) countries([...path, 'destinationCountry'], c.destinationCountry);
    else if ('party' in c && c.party.country) countries([...path, 'party', 'country'], c.party.country);
    else if ('routeIncludes' in c) {
      c.routeIncludes.forEach((code, i) => {
        const known = code.length === 2 ? reference.countries.has(code) : reference.locodes.has(code);
        if (!known) add([...path, 'routeIncludes', i], `"${code}" is not a known country or UN/LOCODE`);
      });
    } else if ('regulatoryConcern' in c) {
      const { concern, subconcern } = c.regulatoryConcern;
      concern.forEach((name, i) => {
        if (!concerns.has(name)) {
          add(
            [...path, 'regulatoryConcern', 'concern', i],
            `unknown concern "${name}"; the reference flags have ${[...concerns.keys()].sort().join(', ')}`,
          );
        }
      });
      subconcern?.forEach((name, i) => {
        if (!concern.some((k) => concerns.get(k)?.has(name))) {
          add(
            [...path, 'regulatoryConcern', 'subconcern', i],
            `no listed concern has the subconcern "${name}"`,
          );
        }
      });
    }
  };
  walk(profile.criteria, ['criteria']);
  return issues;
}

import type { Channel, RiskSignal } from '../decision/signal.ts';
import type { Declaration, GoodsItem, PartyRole } from '../declaration/declaration.ts';
import { instantMs } from '../declaration/validation.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import {
  type CompiledCriterion,
  compileCriterion,
  type EvaluationScope,
  type Facts,
  validUntilMs,
} from './compile-criteria.ts';
import type { PriceBandLookup } from './price-bands.ts';
import type { RiskProfile } from './risk-profile.ts';
import { RulesError } from './rules-error.ts';

/** What profile evaluation needs besides the declaration. */
export interface ProfileContext {
  reference: ReferenceData;
  /** Unit-price bands for `unitPriceBelowBand`; without them that leaf never fires. */
  priceBands?: PriceBandLookup;
  /** Roles whose party has never been seen before (the pipeline looks them up in the store). */
  firstTimeTraders?: ReadonlySet<PartyRole>;
}

/** A profile that fired on a declaration. */
export interface ProfileHit {
  profileId: string;
  profileVersion: number;
  title: string;
  /** The profile's reason followed by the concrete facts, as the officer reads it. */
  message: string;
  /** The facts alone: declaration facts first, then `item N: ...` per fired item. */
  facts: string[];
  /** Sequence numbers of the goods items that satisfied the criteria; empty for a declaration-level profile. */
  items: number[];
  weight: number;
  minChannel?: Channel;
  instructions: string;
  tags?: string[];
}

interface CompiledProfile {
  profile: RiskProfile;
  criterion: CompiledCriterion;
  from: number;
  until: number;
}

/** Profiles compiled against one reference data set; build once, evaluate many declarations. */
export interface CompiledProfiles {
  readonly reference: ReferenceData;
  /** Per profile id, its versions, newest first. */
  readonly byId: ReadonlyArray<readonly CompiledProfile[]>;
}

/** At most this many fired items are spelled out in a hit message; the hit still lists them all. */
const MAX_EXPLAINED_ITEMS = 3;

/**
 * Compiles profiles (criteria to closures, lists to Sets, regulatory concerns to HS code Sets).
 * Several versions of one profile may be given (e.g. v2 valid from the day v1 ends): at each
 * lodgement time the newest enabled, valid version applies.
 */
export function compileProfiles(
  profiles: readonly RiskProfile[],
  reference: ReferenceData,
): CompiledProfiles {
  const groups = new Map<string, CompiledProfile[]>();
  for (const profile of profiles) {
    const group = groups.get(profile.id) ?? [];
    if (group.some((p) => p.profile.version === profile.version)) {
      throw new RulesError(
        'DUPLICATE_PROFILE_VERSION',
        `profile ${profile.id} version ${profile.version} is given twice`,
      );
    }
    group.push({
      profile,
      criterion: compileCriterion(profile.criteria, reference),
      from: profile.validFrom === undefined ? Number.NEGATIVE_INFINITY : instantMs(profile.validFrom),
      until: profile.validUntil === undefined ? Number.POSITIVE_INFINITY : validUntilMs(profile.validUntil),
    });
    groups.set(profile.id, group);
  }
  const byId = [...groups.values()].map((g) => g.sort((a, b) => b.profile.version - a.profile.version));
  return { reference, byId };
}

const compiledCache = new WeakMap<readonly RiskProfile[], WeakMap<ReferenceData, CompiledProfiles>>();

function compiledFor(profiles: readonly RiskProfile[], reference: ReferenceData): CompiledProfiles {
  let perReference = compiledCache.get(profiles);
  if (!perReference) {
    perReference = new WeakMap();
    compiledCache.set(profiles, perReference);
  }
  let compiled = perReference.get(reference);
  if (!compiled) {
    compiled = compileProfiles(profiles, reference);
    perReference.set(reference, compiled);
  }
  return compiled;
}

function explainHit(
  p: CompiledProfile,
  scope: EvaluationScope,
  items: readonly (GoodsItem | undefined)[],
): string[] {
  const declarationFacts = new Set<string>();
  const itemFacts: string[] = [];
  for (const item of items.slice(0, MAX_EXPLAINED_ITEMS)) {
    const out: Facts = { declaration: [], item: [] };
    p.criterion.explain(scope, item, out);
    for (const f of out.declaration) declarationFacts.add(f);
    if (item && out.item.length > 0) itemFacts.push(`item ${item.sequence}: ${out.item.join(', ')}`);
  }
  if (items.length > MAX_EXPLAINED_ITEMS)
    itemFacts.push(`and ${items.length - MAX_EXPLAINED_ITEMS} more items`);
  return [...declarationFacts, ...itemFacts];
}

function hitOf(
  p: CompiledProfile,
  scope: EvaluationScope,
  fired: readonly (GoodsItem | undefined)[],
): ProfileHit {
  const { profile } = p;
  const facts = explainHit(p, scope, fired);
  const hit: ProfileHit = {
    profileId: profile.id,
    profileVersion: profile.version,
    title: profile.title,
    message: `${profile.reason.replace(/[.\s]+$/, '')}: ${facts.join('; ')}.`,
    facts,
    items: fired.flatMap((item) => (item ? [item.sequence] : [])),
    weight: profile.weight,
    instructions: profile.instructions,
  };
  if (profile.minChannel !== undefined) hit.minChannel = profile.minChannel;
  if (profile.tags !== undefined) hit.tags = profile.tags;
  return hit;
}

/** The newest enabled version valid at an instant, if any. */
function inForce(versions: readonly CompiledProfile[], at: number): CompiledProfile | undefined {
  return versions.find((v) => v.profile.enabled && v.from <= at && at <= v.until);
}

/**
 * Profile id -> version in force at a lodgement time (enabled and valid), whether or not it fires:
 * what a decision should record so that it can be reproduced with exactly these versions.
 */
export function profileVersionsInForce(compiled: CompiledProfiles, lodgedAt: string): Record<string, number> {
  const at = instantMs(lodgedAt);
  const out: Record<string, number> = {};
  for (const versions of compiled.byId) {
    const p = inForce(versions, at);
    if (p) out[p.profile.id] = p.profile.version;
  }
  return out;
}

/**
 * Evaluates risk profiles on one (validated) declaration. Validity dates are compared with the
 * lodgement time, so re-assessing an old declaration applies the profiles of its day.
 *
 * Pass the same `profiles` array (or a `compileProfiles` result) on every call: compilation is
 * cached per array and reference data set, so a freshly built array per call would recompile.
 *
 * @example
 * const hits = evaluateProfiles(declaration, profiles, { reference, priceBands });
 * const decision = decideChannel({ declarationId: declaration.id, version: 1 }, profileSignals(hits), policy);
 */
export function evaluateProfiles(
  declaration: Declaration,
  profiles: readonly RiskProfile[] | CompiledProfiles,
  ctx: ProfileContext,
): ProfileHit[] {
  const compiled = 'byId' in profiles ? profiles : compiledFor(profiles, ctx.reference);
  if (compiled.reference !== ctx.reference) {
    throw new RulesError('REFERENCE_MISMATCH', 'profiles were compiled against another reference data set');
  }
  const scope: EvaluationScope = {
    declaration,
    lodgedAt: instantMs(declaration.lodgedAt),
    priceBands: ctx.priceBands,
    firstTimeTraders: ctx.firstTimeTraders,
  };
  const hits: ProfileHit[] = [];
  for (const versions of compiled.byId) {
    const p = inForce(versions, scope.lodgedAt);
    if (!p) continue;
    if (!p.criterion.perItem) {
      if (p.criterion.test(scope, undefined)) hits.push(hitOf(p, scope, [undefined]));
      continue;
    }
    const fired = declaration.items.filter((item) => p.criterion.test(scope, item));
    if (fired.length > 0) hits.push(hitOf(p, scope, fired));
  }
  return hits;
}

/** Turns profile hits into the shared signal vocabulary for `decideChannel`. */
export function profileSignals(hits: readonly ProfileHit[]): RiskSignal[] {
  return hits.map((hit) => {
    const signal: RiskSignal = {
      source: 'profile',
      code: hit.profileId,
      message: hit.message,
      score: hit.weight,
      instructions: hit.instructions,
      evidence: { profileVersion: hit.profileVersion, title: hit.title, facts: hit.facts },
    };
    if (hit.minChannel !== undefined) signal.minChannel = hit.minChannel;
    if (hit.items.length > 0) signal.items = hit.items;
    return signal;
  });
}

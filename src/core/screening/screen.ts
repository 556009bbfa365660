import {
  candidateNames,
  ENTITY_TYPE_CODES,
  kindOf,
  type ScreeningIndex,
  tokenRarity,
} from './candidate-index.ts';
import type { EntityType, ListSource, NameQuality } from './entity.ts';
import { countryEvidence, dobEvidence, type Evidence, imoEvidence, parseQueryDate } from './evidence.ts';
import { compareNames, type NameComparison } from './name-compare.ts';
import { type NameForm, normaliseName, TOKEN_NAME } from './normalise.ts';

/** A party to screen, as the CLI (`id,name,type,country,dob,imo`), the API and declarations give it. */
export interface ScreeningQuery {
  id?: string;
  name: string;
  type: QueryType;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  dob?: string;
  /** IMO ship identification number, 7 digits. */
  imo?: string;
}

export const QUERY_TYPES = ['person', 'organization', 'vessel', 'any'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export type ScreeningDecision = 'match' | 'review';

/** One listed entity found for a query, with the reasons for its score. */
export interface ScreeningHit {
  /** The list of the entry that matched best. */
  list: ListSource;
  /** That entry's id on its list. */
  entityId: string;
  /**
   * Every loaded list's id of the same party (`["un:IQi.001", "uk:IRQ0001"]`), as the lists' own
   * cross references link them: one hit per party, whichever of its entries matched best.
   */
  ids: string[];
  /** The entity's primary name. */
  name: string;
  /** The listed name that matched best. */
  matchedName: string;
  score: number;
  decision: ScreeningDecision;
  reasons: string[];
  /** List version the entity came from. */
  version: string;
  /** Name score before evidence, and the evidence applied (for stored hits and signals). */
  nameScore: number;
  evidence: Evidence[];
}

export interface ScreeningThresholds {
  /** At or above: a match (the declaration goes red). */
  match: number;
  /** At or above: an officer reviews it (yellow). */
  review: number;
}

/**
 * Thresholds chosen on the evaluation sets (`npm run eval:screening`, docs/QUALITY.md): `review`
 * keeps the perturbed UN queries' recall above 0.98 while synthetic non-listed persons alert
 * under 2 per 1,000; `match` maximises F1 on the labelled name pairs.
 */
export const DEFAULT_THRESHOLDS: ScreeningThresholds = { match: 0.88, review: 0.86 };

export interface ScreenOptions {
  thresholds?: ScreeningThresholds;
  /** Names scored per query at most (the candidate index picks them). */
  candidates?: number;
  /** Hits returned at most. */
  limit?: number;
  /**
   * Token rarity to weigh name parts with; by default the index's own. Delta screening scores
   * against a small index of changed entities but must weigh tokens as the full lists do.
   */
  rarity?: (token: string) => number;
}

/** Largest total raise evidence other than an IMO number can give: same full date of birth and country. */
const MAX_EVIDENCE_GAIN = 0.11;

const rarities = new WeakMap<ScreeningIndex, (token: string) => number>();
function rarityOf(index: ScreeningIndex): (token: string) => number {
  let r = rarities.get(index);
  if (!r) {
    r = tokenRarity(index);
    rarities.set(index, r);
  }
  return r;
}

/** Which listed entity types a query type may match. */
const TYPE_MASK: Record<QueryType, number> = {
  person: mask(['person']),
  organization: mask(['organization', 'aircraft']),
  vessel: mask(['vessel']),
  any: mask(['person', 'organization', 'vessel', 'aircraft']),
};

function mask(types: EntityType[]): number {
  return types.reduce((m, t) => m | (1 << ENTITY_TYPE_CODES.indexOf(t)), 0);
}

/** The party types a query of unknown type may be, each with the listed types it may match. */
const UNKNOWN_TYPE_READINGS: Array<{ kind: 'person' | 'organization' | 'vessel'; typeMask: number }> = [
  { kind: 'person', typeMask: TYPE_MASK.person },
  { kind: 'organization', typeMask: TYPE_MASK.organization },
  { kind: 'vessel', typeMask: TYPE_MASK.vessel },
];

/**
 * The normalised forms a query name is screened as, each against the listed types it may match.
 * A typed query has one. A query of unknown type is read as each party type in turn, because
 * normalisation depends on it (a person's title is dropped, an organisation's legal form is
 * recognised, a ship's "MV" is dropped) and a listed name is only found through the reading its
 * own type gives; readings with the same tokens are screened once. Read as a person's name, a
 * legal form is a name part like any other, so "Adam SARL" is not the person "Adam".
 */
function queryForms(
  name: string,
  type: QueryType,
  index: ScreeningIndex,
): Array<{ form: NameForm; typeMask: number }> {
  if (type !== 'any') {
    const form = normaliseName(name, index.tables, kindOf(type === 'organization' ? 'organization' : type));
    return form.tokens.length > 0 ? [{ form, typeMask: TYPE_MASK[type] }] : [];
  }
  const readings: Array<{ form: NameForm; typeMask: number }> = [];
  for (const { kind, typeMask } of UNKNOWN_TYPE_READINGS) {
    const form = normaliseName(name, index.tables, kind);
    if (form.tokens.length === 0) continue;
    const same = readings.find((r) => sameTokens(r.form, form));
    if (same) same.typeMask |= typeMask;
    else readings.push({ form, typeMask });
  }
  return readings;
}

function sameTokens(a: NameForm, b: NameForm): boolean {
  return (
    a.tokens.length === b.tokens.length &&
    a.tokens.every((t, i) => t === b.tokens[i] && a.roles[i] === b.roles[i]) &&
    a.organization === b.organization
  );
}

/**
 * Weak aliases are too vague to identify anyone alone (the lists say so; OFAC does not expect them
 * screened): they can raise a review, rarely a match, and one word alone not even a review.
 */
const QUALITY_FACTOR: Record<NameQuality, number> = { primary: 1, strong: 1, weak: 0.9 };
const QUALITY_LABEL: Record<NameQuality, string> = {
  primary: 'primary name',
  strong: 'strong alias',
  weak: 'weak alias',
};

/** True when a name has a single name word besides legal forms and particles. */
function oneWord(form: NameForm): boolean {
  let words = 0;
  for (let i = 0; i < form.roles.length; i++) if (form.roles[i] === TOKEN_NAME && ++words > 1) return false;
  return true;
}

/** Listed words of this many letters or fewer (acronyms, short names) have many neighbours a letter away. */
const SHORT_LISTED_WORD = 4;

/**
 * A query of one word of unknown type ("Damla": most often a person's given name, given alone) that
 * matches a listed name of one short word ("DAMA") only inexactly: a listed word of four letters or
 * fewer has many neighbours a letter away, and with no party type to agree nothing else speaks for
 * the match. It is held below review as a weak alias
 * of one word is; evidence (date of birth, country) may still lift it. Exact, and typed, queries
 * are unchanged: a ship or company named as such may be mistyped.
 */
function shortWordNear(query: NameForm, listed: NameForm, cmp: NameComparison): boolean {
  if (query.tokens.length !== 1 || query.roles[0] !== TOKEN_NAME || !oneWord(listed)) return false;
  if (cmp.pairs.length !== 1) return false;
  const p = cmp.pairs[0]!;
  return p.kind !== 'exact' && p.candidate.length <= SHORT_LISTED_WORD;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Explains a name comparison in one sentence: which token matched which, and how. */
export function explainName(
  query: string,
  matched: string,
  quality: NameQuality,
  cmp: NameComparison,
): string {
  const pairs = cmp.pairs
    .map((p) => (p.kind === 'exact' ? p.query : `${p.query}~${p.candidate} ${p.kind} ${p.similarity}`))
    .join(', ');
  const extra = [
    cmp.unmatchedQuery.length ? `unmatched in query: ${cmp.unmatchedQuery.join(' ')}` : '',
    cmp.unmatchedCandidate.length ? `unmatched in listed name: ${cmp.unmatchedCandidate.join(' ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return `name "${query}" ~ ${QUALITY_LABEL[quality]} "${matched}": ${round(cmp.score)} [${pairs}]${extra ? `; ${extra}` : ''}`;
}

/**
 * Screens one party against the index: candidate names from the inverted index, token-based name
 * comparison, then evidence from date of birth, country and IMO number. Returns hits at or above
 * the review threshold, best first.
 *
 * @example
 * screenParty({ name: 'Mohamed Ali', type: 'person', dob: '1965' }, index)
 */
export function screenParty(
  query: ScreeningQuery,
  index: ScreeningIndex,
  options: ScreenOptions = {},
): ScreeningHit[] {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const best = new Map<number, { nameId: number; score: number; cmp?: NameComparison }>();
  if (query.name.trim()) {
    const rarity = options.rarity ?? rarityOf(index);
    for (const { form, typeMask } of queryForms(query.name, query.type, index)) {
      for (const n of candidateNames(index, form, typeMask, options.candidates ?? 25)) {
        const name = index.names[n]!;
        const cmp = compareNames(form, name.form, rarity);
        // A weak alias alone stays below the match threshold, and a weak alias of one word ("Musa",
        // "Chairman", "SAI") below review: evidence (date of birth, country) may lift it.
        const score =
          name.quality === 'weak' || (query.type === 'any' && shortWordNear(form, name.form, cmp))
            ? Math.min(
                cmp.score * QUALITY_FACTOR[name.quality],
                (oneWord(name.form) ? thresholds.review : thresholds.match) - 0.001,
              )
            : cmp.score * QUALITY_FACTOR[name.quality];
        const e = index.nameEntity[n]!;
        const prev = best.get(e);
        if (!prev || score > prev.score) best.set(e, { nameId: n, score, cmp });
      }
    }
  }
  const imo = query.imo?.replace(/\D/g, '');
  if (imo) {
    for (const e of index.imo.get(imo) ?? []) {
      if (!best.has(e)) best.set(e, { nameId: -1, score: 0 });
    }
  }
  const dob = parseQueryDate(query.dob);
  const hits: Array<ScreeningHit & { party: number }> = [];
  for (const [e, found] of best) {
    // Evidence can add at most MAX_EVIDENCE_GAIN (IMO proof aside): skip entities it cannot lift.
    if (!imo && found.score + MAX_EVIDENCE_GAIN < thresholds.review) continue;
    const entity = index.entities[e]!;
    const evidence = [
      dobEvidence(dob, entity),
      countryEvidence(query.country, entity),
      imoEvidence(imo, entity),
    ].filter((x): x is Evidence => x !== undefined);
    const imoProof = evidence.some((x) => x.feature === 'imo' && x.adjustment === 1);
    const adjusted = imoProof ? 1 : found.score + evidence.reduce((s, x) => s + x.adjustment, 0);
    const score = round(Math.max(0, Math.min(1, adjusted)));
    if (score < thresholds.review) continue;
    const name = found.nameId >= 0 ? index.names[found.nameId]! : undefined;
    const primary = entity.names.find((x) => x.quality === 'primary') ?? entity.names[0];
    const reasons: string[] = [];
    if (name && found.cmp) reasons.push(explainName(query.name, name.value, name.quality, found.cmp));
    for (const x of evidence)
      reasons.push(
        `${x.reason} (${x.adjustment === 1 ? 'proof' : x.adjustment >= 0 ? `+${x.adjustment}` : x.adjustment})`,
      );
    reasons.push(`listed on ${index.entityVersion[e]}`);
    hits.push({
      party: index.entityParty[e]!,
      list: entity.list,
      entityId: entity.entityId,
      ids: index.entityIds[e]!,
      name: primary?.value ?? '',
      matchedName: name?.value ?? primary?.value ?? '',
      score,
      decision: score >= thresholds.match ? 'match' : 'review',
      reasons,
      version: index.entityVersion[e]!,
      nameScore: round(found.score),
      evidence,
    });
  }
  hits.sort(
    (a, b) => b.score - a.score || a.list.localeCompare(b.list) || a.entityId.localeCompare(b.entityId),
  );
  // One hit per party: its best-scoring entry speaks for it.
  const parties = new Set<number>();
  const out: ScreeningHit[] = [];
  for (const { party, ...hit } of hits) {
    if (parties.has(party)) continue;
    parties.add(party);
    out.push(hit);
    if (options.limit && out.length === options.limit) break;
  }
  return out;
}

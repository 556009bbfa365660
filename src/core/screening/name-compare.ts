import { doubleMetaphone } from 'double-metaphone';
import { type NameForm, skeletonOf, TOKEN_LEGAL_FORM, TOKEN_NAME, TOKEN_PARTICLE } from './normalise.ts';
import { editSimilarity, jaroWinkler } from './similarity.ts';

/**
 * Token-based fuzzy comparison of two names, robust to token order, joined or split tokens
 * ("Abdul Rahman" / "Abdulrahman"), initials ("J. Smith"), typos, spelling variants across
 * transliterations (phonetic keys, and consonant skeletons for abjad scripts) and extra or missing
 * name parts. The result says which token matched which and how, so every hit explains itself.
 */

/** How two tokens were found to correspond. */
export type TokenMatchKind = 'exact' | 'fuzzy' | 'phonetic' | 'skeleton' | 'initial' | 'joined';

export interface TokenPair {
  query: string;
  candidate: string;
  similarity: number;
  kind: TokenMatchKind;
}

export interface NameComparison {
  /** 0..1: 1 is the same name. */
  score: number;
  pairs: TokenPair[];
  unmatchedQuery: string[];
  unmatchedCandidate: string[];
}

/**
 * How much the share of each side's name covered by the other counts. The query side counts
 * more: a listed name with an extra middle name still identifies the person queried.
 */
const QUERY_EXPONENT = 0.6;
const CANDIDATE_EXPONENT = 0.4;
/** Below this a token pair is not a correspondence at all. */
const MIN_TOKEN_SIMILARITY = 0.72;
const INITIAL_SIMILARITY = 0.85;

interface Side {
  tokens: string[];
  roles: Uint8Array;
  phonetic: string[];
  skeleton: string[];
  joined: boolean[];
}

function weightOf(token: string, role: number): number {
  if (role === TOKEN_PARTICLE) return 1;
  if (role === TOKEN_LEGAL_FORM) return 1.5;
  if (token.length === 1) return 2;
  return Math.min(token.length, 8) + 2;
}

/** Similarity of two tokens in [0, 1], and how it was established. */
export function tokenSimilarity(
  a: string,
  b: string,
  roleA: number,
  roleB: number,
  phonA: string,
  phonB: string,
  skelA: string,
  skelB: string,
  abjad: boolean,
): [number, TokenMatchKind] {
  if (a === b) return [1, 'exact'];
  if ((roleA === TOKEN_LEGAL_FORM) !== (roleB === TOKEN_LEGAL_FORM) || roleA === TOKEN_LEGAL_FORM)
    return [0, 'fuzzy'];
  if (a.length === 1 || b.length === 1) {
    const initial = roleA === TOKEN_NAME && roleB === TOKEN_NAME && a.charCodeAt(0) === b.charCodeAt(0);
    return [initial && a.length !== b.length ? INITIAL_SIMILARITY : 0, 'initial'];
  }
  // Numbers distinguish sister ships and numbered companies: no fuzziness on them.
  if (/\d/.test(a) || /\d/.test(b)) return [0, 'fuzzy'];
  const lev = editSimilarity(a, b);
  let s = (jaroWinkler(a, b) + lev) / 2;
  let kind: TokenMatchKind = 'fuzzy';
  if (phonA && phonA === phonB && lev >= 0.5 && s < 0.88) {
    s = 0.88;
    kind = 'phonetic';
  }
  if (abjad && skelA.length >= 2) {
    const sk =
      skelA === skelB ? 0.92 : ((jaroWinkler(skelA, skelB) + editSimilarity(skelA, skelB)) / 2) * 0.9;
    if (sk > s) {
      s = sk;
      kind = 'skeleton';
    }
  }
  const floor = Math.min(a.length, b.length) <= 3 ? 0.85 : MIN_TOKEN_SIMILARITY;
  return s >= floor ? [s, kind] : [0, kind];
}

function sideOf(form: NameForm): Side {
  return {
    tokens: form.tokens,
    roles: form.roles,
    phonetic: form.phonetic,
    skeleton: form.skeleton,
    joined: form.tokens.map(() => false),
  };
}

/**
 * Merges adjacent tokens of `a` (optionally across a particle: "abd al rahman") when the
 * concatenation is a token of `b` that `a` does not otherwise contain.
 */
function joinTokens(a: Side, b: Side): Side {
  if (a.tokens.length < 2) return a;
  for (let j = 0; j < b.tokens.length; j++) {
    const target = b.tokens[j]!;
    if (target.length < 5 || a.tokens.includes(target)) continue;
    for (let i = 0; i + 1 < a.tokens.length; i++) {
      for (const span of [2, 3]) {
        if (i + span > a.tokens.length) continue;
        if (span === 3 && a.roles[i + 1] !== TOKEN_PARTICLE) continue;
        const joined = a.tokens.slice(i, i + span).join('');
        if (joined[0] !== target[0] || Math.abs(joined.length - target.length) > 2) continue;
        if (joined !== target && editSimilarity(joined, target) < 0.8) continue;
        const tokens = [...a.tokens.slice(0, i), joined, ...a.tokens.slice(i + span)];
        const roles = Uint8Array.from([...a.roles.slice(0, i), TOKEN_NAME, ...a.roles.slice(i + span)]);
        const phon = doubleMetaphone(joined)[0];
        return joinTokens(
          {
            tokens,
            roles,
            phonetic: [...a.phonetic.slice(0, i), phon, ...a.phonetic.slice(i + span)],
            skeleton: [...a.skeleton.slice(0, i), skeletonOf(joined), ...a.skeleton.slice(i + span)],
            joined: [...a.joined.slice(0, i), true, ...a.joined.slice(i + span)],
          },
          b,
        );
      }
    }
  }
  return a;
}

/** Compares a query name with a candidate (listed) name. */
export function compareNames(queryForm: NameForm, candidateForm: NameForm): NameComparison {
  const abjad = queryForm.abjad || candidateForm.abjad;
  let q = sideOf(queryForm);
  let c = sideOf(candidateForm);
  q = joinTokens(q, c);
  c = joinTokens(c, q);
  const nq = q.tokens.length;
  const nc = c.tokens.length;
  if (nq === 0 || nc === 0)
    return { score: 0, pairs: [], unmatchedQuery: q.tokens, unmatchedCandidate: c.tokens };

  const candidates: Array<{ i: number; j: number; s: number; kind: TokenMatchKind }> = [];
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nc; j++) {
      const [s, kind] = tokenSimilarity(
        q.tokens[i]!,
        c.tokens[j]!,
        q.roles[i]!,
        c.roles[j]!,
        q.phonetic[i]!,
        c.phonetic[j]!,
        q.skeleton[i]!,
        c.skeleton[j]!,
        abjad,
      );
      // Prefer aligning tokens at the same position when similarities tie (given name to given name).
      if (s > 0) candidates.push({ i, j, s: s - Math.abs(i - j) * 1e-6, kind });
    }
  }
  candidates.sort((x, y) => y.s - x.s);
  const usedQ = new Uint8Array(nq);
  const usedC = new Uint8Array(nc);
  const pairs: TokenPair[] = [];
  let matchedQ = 0;
  let matchedC = 0;
  for (const { i, j, s, kind } of candidates) {
    if (usedQ[i] || usedC[j]) continue;
    usedQ[i] = 1;
    usedC[j] = 1;
    const sim = Math.min(1, s);
    matchedQ += sim * weightOf(q.tokens[i]!, q.roles[i]!);
    matchedC += sim * weightOf(c.tokens[j]!, c.roles[j]!);
    pairs.push({
      query: q.tokens[i]!,
      candidate: c.tokens[j]!,
      similarity: Math.round(sim * 1000) / 1000,
      kind: q.joined[i] || c.joined[j] ? 'joined' : kind,
    });
  }
  // A legal form only counts when both names state one: "Gazprom" is "Gazprom PJSC".
  const legalQ = q.roles.includes(TOKEN_LEGAL_FORM);
  const legalC = c.roles.includes(TOKEN_LEGAL_FORM);
  const countLegal = legalQ && legalC;
  let totalQ = 0;
  let totalC = 0;
  const unmatchedQuery: string[] = [];
  const unmatchedCandidate: string[] = [];
  for (let i = 0; i < nq; i++) {
    if (q.roles[i] === TOKEN_LEGAL_FORM && !countLegal) continue;
    totalQ += weightOf(q.tokens[i]!, q.roles[i]!);
    if (!usedQ[i]) unmatchedQuery.push(q.tokens[i]!);
  }
  for (let j = 0; j < nc; j++) {
    if (c.roles[j] === TOKEN_LEGAL_FORM && !countLegal) continue;
    totalC += weightOf(c.tokens[j]!, c.roles[j]!);
    if (!usedC[j]) unmatchedCandidate.push(c.tokens[j]!);
  }
  if (totalQ === 0 || totalC === 0) return { score: 0, pairs, unmatchedQuery, unmatchedCandidate };
  const score = (matchedQ / totalQ) ** QUERY_EXPONENT * (matchedC / totalC) ** CANDIDATE_EXPONENT;
  return { score, pairs, unmatchedQuery, unmatchedCandidate };
}

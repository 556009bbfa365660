import { TOKEN_LEGAL_FORM, TOKEN_NAME } from './normalise.ts';
import { editSimilarity, jaroWinkler } from './similarity.ts';

/**
 * Similarity of two name parts (tokens) for the name comparison of name-compare.ts: Jaro-Winkler
 * and edit similarity, phonetic keys, consonant skeletons of abjad transliterations and the vowels
 * an abjad writes, initials. The hot loop of screening: no allocation per call.
 */

/** How two tokens were found to correspond. */
export type TokenMatchKind = 'exact' | 'fuzzy' | 'phonetic' | 'skeleton' | 'initial' | 'joined';

/** Below this a token pair is not a correspondence at all. */
const MIN_TOKEN_SIMILARITY = 0.72;
const INITIAL_SIMILARITY = 0.85;

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
  script: ScriptHint,
  phonetics = true,
  initials = true,
  abjadSide: 0 | 1 | 2 = 0,
): [number, TokenMatchKind] {
  const s = tokenScore(
    a,
    b,
    roleA,
    roleB,
    phonA,
    phonB,
    skelA,
    skelB,
    script,
    phonetics,
    initials,
    abjadSide,
  );
  return [s, scoreKind];
}

/**
 * How the last `tokenScore` established its similarity: set beside the returned number rather
 * than returned in a pair, so the hot loop of name comparison allocates nothing per token pair.
 */
export let scoreKind: TokenMatchKind = 'fuzzy';

/** `tokenSimilarity` without the pair: the similarity, with its kind in `scoreKind`. */
export function tokenScore(
  a: string,
  b: string,
  roleA: number,
  roleB: number,
  phonA: string,
  phonB: string,
  skelA: string,
  skelB: string,
  script: ScriptHint,
  phonetics: boolean,
  initials: boolean,
  abjadSide: 0 | 1 | 2,
): number {
  scoreKind = 'fuzzy';
  // A legal form corresponds only to a legal form: the listed alias "JSC" is not the name "JSC" of a
  // company whose own name was lost in transliteration ("나 주식회사").
  if ((roleA === TOKEN_LEGAL_FORM) !== (roleB === TOKEN_LEGAL_FORM)) return 0;
  if (a === b) {
    scoreKind = 'exact';
    return 1;
  }
  if (roleA === TOKEN_LEGAL_FORM) return 0;
  if (a.length === 1 || b.length === 1) {
    const initial =
      initials && roleA === TOKEN_NAME && roleB === TOKEN_NAME && a.charCodeAt(0) === b.charCodeAt(0);
    scoreKind = 'initial';
    return initial && a.length !== b.length ? INITIAL_SIMILARITY : 0;
  }
  // Numbers distinguish sister ships and numbered companies: no fuzziness on them.
  if (a.charCodeAt(0) <= 57 || b.charCodeAt(0) <= 57) return 0;
  // Short tokens and romanised syllables differ by one letter between different names ("Jong" /
  // "Yong", "Li" / "Le"): they need a closer likeness than long ones.
  const floor =
    script === SCRIPT_SYLLABIC || shortToken(a, b) ? SHORT_TOKEN_SIMILARITY : MIN_TOKEN_SIMILARITY;
  const soundAlike = !!phonA && phonA === phonB;
  // Unless a phonetic key or (for abjad script) a skeleton may raise it, the pair's score is the mean
  // of Jaro-Winkler and edit similarity: bound both by the lengths and the common prefix before
  // computing either (most pairs compared are of unrelated name parts, often of unlike lengths).
  if (!(phonetics && soundAlike) && script !== SCRIPT_ABJAD && similarityBound(a, b) < floor) return 0;
  const jw = jaroWinkler(a, b);
  // Edit similarity seldom exceeds Jaro-Winkler: below 0.6 the pair cannot reach the floor
  // unless a phonetic key or (for abjad script) a skeleton says otherwise, so skip the edit distance.
  if (jw < 0.6 && !soundAlike && script !== SCRIPT_ABJAD) return 0;
  const lev = editSimilarity(a, b);
  let s = (jw + lev) / 2;
  let kind: TokenMatchKind = 'fuzzy';
  // Names of four letters or fewer that sound alike but begin otherwise are most often different
  // names ("Egor" / "Igor", "Aron" / "Orion"): their phonetic key raises nothing.
  if (
    phonetics &&
    script !== SCRIPT_SYLLABIC &&
    phonA &&
    phonA === phonB &&
    lev >= 0.5 &&
    s < 0.88 &&
    (a.charCodeAt(0) === b.charCodeAt(0) || !shortToken(a, b)) &&
    (abjadSide === 0 || (abjadSide === 1 ? abjadVowelsFit(a, b) : abjadVowelsFit(b, a)))
  ) {
    s = 0.88;
    kind = 'phonetic';
  }
  if (
    phonetics &&
    script === SCRIPT_ABJAD &&
    roleA === TOKEN_NAME &&
    roleB === TOKEN_NAME &&
    skelA.length >= 1 &&
    (abjadSide === 0 || (abjadSide === 1 ? writtenVowelsAgree(a, b) : writtenVowelsAgree(b, a)))
  ) {
    const sk =
      skelA === skelB
        ? abjadSide === 0 || (abjadSide === 1 ? vowelsPlaced(a, b) : vowelsPlaced(b, a))
          ? 0.92
          : 0
        : skelA.length >= 3
          ? ((jaroWinkler(skelA, skelB) + editSimilarity(skelA, skelB)) / 2) * 0.9
          : 0;
    if (sk > s) {
      s = sk;
      kind = 'skeleton';
    }
  }
  scoreKind = kind;
  return s >= floor ? s : 0;
}

/**
 * Upper bound of (Jaro-Winkler + edit similarity) / 2 from the lengths and the common prefix alone:
 * at most min(la, lb) characters match with no transposition, and at least |la - lb| edits are
 * needed. Written as `jaroWinkler` computes, so a pair at the bound is never cut by rounding.
 */
function similarityBound(a: string, b: string): number {
  const la = Math.min(a.length, 64);
  const lb = Math.min(b.length, 64);
  const m = Math.min(la, lb);
  const jaro = (m / la + m / lb + (m - 0 / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  // editDistance reads at most 64 characters of each side, editSimilarity divides by the full length.
  const lev = 1 - Math.abs(la - lb) / Math.max(a.length, b.length);
  return (jaro + prefix * 0.1 * (1 - jaro) + lev) / 2 + 1e-9;
}

/**
 * An abjad writes a name's long vowels as letters (و w for u/o, ی y for i/e, ى a for a final a) and
 * leaves only its short vowels out: each of them must have a vowel of its kind, in the same order,
 * in a name written with vowels. A consonant skeleton alone reads "اعوان" (wn, Awan) as "An" or
 * "عمائم" (mim, Amaim) as "Ma", whose skeletons are one consonant; "علی" (ly) is still "Ali" and
 * "موسى" (mwsa) "Musa".
 */
function writtenVowelsAgree(abjad: string, latin: string): boolean {
  let at = 0;
  let last = '';
  for (const ch of abjad) {
    const kind = VOWEL_KIND[ch];
    if (kind === undefined) {
      last = '';
      continue;
    }
    // A doubled letter writes one vowel ("חיים", hyym: Chaim).
    if (kind === last) continue;
    last = kind;
    while (at < latin.length && !(LATIN_VOWEL_KINDS[latin[at]!] ?? '').includes(kind)) at++;
    if (at === latin.length) return false;
    at++;
  }
  return true;
}
/**
 * With the same consonants, each long vowel an abjad writes must stand between the same two
 * consonants in the name written with vowels, and a w written there must be written in the abjad
 * too: "بهيج" (bhyj, Bahij) is not "Bahaji" (its i after the j), nor "ادريس" (drys, Idris)
 * "Darwis"; "سعيد" (syd) is still "Said" and "يوسف" (ywsf) "Yousef".
 */
function abjadVowelsFit(abjad: string, latin: string): boolean {
  return writtenVowelsAgree(abjad, latin) && vowelsPlaced(abjad, latin);
}

function vowelsPlaced(abjad: string, latin: string): boolean {
  const ga = vowelGaps(abjad);
  const gl = vowelGaps(latin);
  if (ga.length !== gl.length) return true;
  for (let k = 0; k < ga.length; k++) {
    const inAbjad = ga[k]!;
    const inLatin = gl[k]!;
    for (const ch of inAbjad) {
      const kind = VOWEL_KIND[ch];
      if (kind === undefined) continue;
      let found = false;
      for (const l of inLatin) if ((LATIN_VOWEL_KINDS[l] ?? '').includes(kind)) found = true;
      if (!found) return false;
    }
    if (inLatin.includes('w') && !/[wvou]/.test(inAbjad)) return false;
  }
  return true;
}

/** The vowels (and w, y) before the first consonant and after each consonant of `skeletonOf`. */
function vowelGaps(token: string): string[] {
  const gaps = [''];
  let last = '';
  for (const ch of token) {
    if ('aeiouwy'.includes(ch)) gaps[gaps.length - 1] += ch;
    else if (ch !== last) {
      gaps.push('');
      last = ch;
    }
  }
  return gaps;
}

const VOWEL_KIND: Record<string, string> = { w: 'u', v: 'u', o: 'u', u: 'u', y: 'i', i: 'i', e: 'i', a: 'a' };
const LATIN_VOWEL_KINDS: Record<string, string> = {
  u: 'u',
  o: 'u',
  w: 'u',
  v: 'u',
  i: 'i',
  y: 'i',
  e: 'ia',
  a: 'a',
};

/** Which script hint applies to a comparison: one side written in an abjad, or in syllables. */
export type ScriptHint = 0 | 1 | 2;
export const SCRIPT_LATIN: ScriptHint = 0;
export const SCRIPT_ABJAD: ScriptHint = 1;
export const SCRIPT_SYLLABIC: ScriptHint = 2;
const SHORT_TOKEN_SIMILARITY = 0.8;
const SHORT_TOKEN_LENGTH = 4;

/** Tokens of four letters or fewer differ by a letter between different names ("Jong" / "Yong"). */
export function shortToken(a: string, b: string): boolean {
  return Math.min(a.length, b.length) <= SHORT_TOKEN_LENGTH;
}

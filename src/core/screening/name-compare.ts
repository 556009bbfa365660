import { doubleMetaphone } from 'double-metaphone';
import { ORG_WORD_ABBREVIATIONS } from './name-tables.ts';
import { type NameForm, skeletonOf, TOKEN_LEGAL_FORM, TOKEN_NAME, TOKEN_PARTICLE } from './normalise.ts';
import { editSimilarity } from './similarity.ts';
import {
  SCRIPT_ABJAD,
  SCRIPT_LATIN,
  SCRIPT_SYLLABIC,
  scoreKind,
  shortToken,
  type TokenMatchKind,
  tokenScore,
} from './token-similarity.ts';

export {
  SCRIPT_ABJAD,
  SCRIPT_LATIN,
  SCRIPT_SYLLABIC,
  type ScriptHint,
  type TokenMatchKind,
  tokenSimilarity,
} from './token-similarity.ts';

/**
 * Token-based fuzzy comparison of two names, robust to token order, joined or split tokens
 * ("Abdul Rahman" / "Abdulrahman"), initials ("J. Smith"), typos, spelling variants across
 * transliterations (phonetic keys, and consonant skeletons for abjad scripts) and extra or missing
 * name parts. The result says which token matched which and how, so every hit explains itself.
 */

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
/**
 * The score is matched weight / (matched weight + penalties): a token matched with similarity s
 * loses (1 - s) of its weight; tokens left over on both sides (a different name part in the same
 * place) cost 1.5 times their weight; tokens only one side has (an omitted patronymic or middle
 * name) cost a tenth. Chosen on the labelled name pairs (docs/QUALITY.md).
 */
const FUZZY_PENALTY = 1;
const SUBSTITUTION_PENALTY = 1.5;
const OMISSION_PENALTY = 0.1;
const ABJAD_OMISSION_PENALTY = 0.5;
const ORG_OMISSION_PENALTY = 0.4;
/**
 * A name part less alike than this is two letters or more off in a short word ("Krasic" / "Karic",
 * "Sergeevna" / "Evgenevna"), where a typo changes one: more likely another name part than a
 * spelling of it, its dissimilarity costs FAR_PART_PENALTY times as much. A company's word cut
 * short ("Marit" for "Maritime") is an abbreviation, not another word: it costs as any other.
 */
const FAR_PART_SIMILARITY = 0.8;
const FAR_PART_PENALTY = 2;
/** A name part agreeing at least this closely vouches for the names' other agreeing parts. */
const CLOSE_PART_SIMILARITY = 0.92;
/**
 * Edit similarity under which two name parts that sound alike are spelled far apart (more than two
 * letters in seven differ).
 */
const SOUND_ALIKE_SPELLING = 0.7;
/**
 * A lone closely agreeing part makes omission cheap only when at least this rare (candidate-index.ts
 * `tokenRarity`: 1 for a token of three listed names or fewer, 0.35 for the commonest).
 */
const RARE_CLOSE_PART = 0.9;
/** "Salman bin Muhammad" is the son of "Muhammad bin Salman": same tokens, another person. */
const NASAB_REVERSAL_FACTOR = 0.75;

/**
 * True when both names read "X bin Y" (Arabic nasab: X son of Y) and X and Y are swapped between
 * them: token order matters there, unlike elsewhere in a name.
 */
function nasabReversed(q: Side, c: Side): boolean {
  // No closure or tuple here: this runs on every comparison.
  const qa = q.tokens.indexOf('bin');
  if (qa <= 0 || qa + 1 >= q.tokens.length) return false;
  const ca = c.tokens.indexOf('bin');
  if (ca <= 0 || ca + 1 >= c.tokens.length) return false;
  const q0 = q.tokens[qa - 1]!;
  const q1 = q.tokens[qa + 1]!;
  return q0 !== q1 && q0 === c.tokens[ca + 1] && q1 === c.tokens[ca - 1];
}
/**
 * Korean and Chinese surnames as lists and passports romanise them (canonical spellings of
 * name-tables.ts, and Hangul as any-ascii writes it for names compared syllable by syllable).
 */
const EAST_ASIAN_SURNAMES = new Set(
  (
    'kim gim lee i ri yi park bag pak choi choe jong jeong chong jung cho jo kang gang han yoon yun ' +
    'jang chang oh o hwang an so ko go song paek baek hyon hyeon ju chu ryu yu mun moon son sin shin ' +
    'pang bang rim im lim kwon gwon nam ro no noh chon jon jeon cha yang wang zhang liu chen zhao huang ' +
    'zhou wu xu sun ma zhu hu guo he lin luo gao zheng liang xie tang feng deng cao peng zeng xiao tian ' +
    'dong pan yuan cai jiang du ye cheng wei su lu ding ren shen yao jin fu zhong tan'
  ).split(' '),
);

/**
 * True when two name parts or more differ only by the feminine ending "-a" of Slavic, Greek and
 * Baltic names, on the same side ("Aleksandra Popova" / "Aleksandr Popov", "Jana Novakova" / "Jan
 * Novakov"): a woman's given name and surname against a man's, another person of the family at
 * most. One such part alone is a spelling ("Dmitri" / "Dmitria" is a typo, not a woman).
 */
function otherGender(pairs: TokenPair[]): boolean {
  let longerQuery = 0;
  let longerCandidate = 0;
  for (const p of pairs) {
    if (p.query.length === p.candidate.length + 1 && p.query.endsWith('a') && p.query.startsWith(p.candidate))
      longerQuery++;
    else if (
      p.candidate.length === p.query.length + 1 &&
      p.candidate.endsWith('a') &&
      p.candidate.startsWith(p.query)
    )
      longerCandidate++;
  }
  return longerQuery >= 2 || longerCandidate >= 2;
}

/**
 * True when two names both written in an abjad have a part that differs only by a final ه, ة or ہ
 * (h), the feminine ending of Arabic, Persian and Urdu names: "حسنہ" (Husna) is not "حسن" (Hasan),
 * nor "کریمہ" (Karima) "کریم" (Karim). Written in the same script, a letter more is no spelling
 * variant, so one such part is enough (unlike "-a" in Latin letters).
 */
function abjadFeminine(pairs: TokenPair[]): boolean {
  return pairs.some(
    ({ query: a, candidate: b }) =>
      (a.length === b.length + 1 && a.endsWith('h') && a.startsWith(b)) ||
      (b.length === a.length + 1 && b.endsWith('h') && b.startsWith(a)),
  );
}

/** Position of the surname of a Korean or Chinese name of three syllables (first or last), or -1. */
function surnameAt(s: Side, other: number): number {
  if (s.tokens.length !== 3 || s.tokens.some((t, i) => t.length > 5 || s.roles[i] !== TOKEN_NAME)) return -1;
  for (const at of [0, 2]) if (at !== other && EAST_ASIAN_SURNAMES.has(s.tokens[at]!)) return at;
  return -1;
}

/**
 * True when two Korean or Chinese names share the surname but give the two syllables of the given
 * name in the opposite order ("Kim Jong Un" / "Kim Un Jong", or "Un Jong Kim"): another person.
 * Token order is ignored elsewhere (surname first or last), but not inside a given name.
 */
function givenNameSwapped(q: Side, c: Side, matchOf: Int16Array): boolean {
  for (const qs of [surnameAt(q, -1), surnameAt(q, 0)]) {
    if (qs < 0) continue;
    const cs = matchOf[qs]!;
    if (cs < 0 || surnameAt(c, cs === 0 ? 2 : 0) !== cs) continue;
    const qg = qs === 0 ? [1, 2] : [0, 1];
    const cg = cs === 0 ? [1, 2] : [0, 1];
    if (q.tokens[qg[0]!] === q.tokens[qg[1]!]) return false;
    return matchOf[qg[0]!] === cg[1] && matchOf[qg[1]!] === cg[0];
  }
  return false;
}

/**
 * A company named by one word and a legal form or generic company word ("Sören GmbH", "Pintér
 * Kft.", "Μακρή Όμιλος") whose word is a short listed one-word name with a letter or two changed,
 * joined or sounding alike ("SOREH", "POINTER LLC", "JAK-A", "MAKRO GRUPP") is most often another
 * name. Such a lone inexact match of a word of at most LONE_SHORT_LENGTH letters counts
 * LONE_SHORT_FACTOR of its score when the listed name lacks the query's legal form, and
 * LONE_SHORT_SAME_FORM_FACTOR when it states the same kind of legal form written otherwise (another
 * country's: "Kft." / "OOO"). Written alike ("MEAFON PAO" / "MEGAFON PAO", "Appel Inc." / "Apple
 * Inc."), or for a longer word, the match keeps its score.
 * Chosen on the tuning half of the generated sets (docs/QUALITY.md).
 */
const LONE_SHORT_LENGTH = 6;
const LONE_SHORT_FACTOR = 0.93;
const LONE_SHORT_SAME_FORM_FACTOR = 0.95;

function loneShortEdit(q: Side, c: Side, pairs: TokenPair[]): number {
  let names = 0;
  let legal = 0;
  for (let i = 0; i < q.roles.length; i++) {
    if (q.roles[i] === TOKEN_LEGAL_FORM || GENERIC_ORG_WORDS.has(q.tokens[i]!)) legal++;
    else if (q.roles[i] === TOKEN_NAME) names++;
  }
  if (names !== 1 || legal === 0) return 1;
  for (let j = 0; j < c.roles.length; j++)
    if (c.roles[j] === TOKEN_NAME && !GENERIC_ORG_WORDS.has(c.tokens[j]!) && --names < 0) return 1;
  let only: TokenPair | undefined;
  let sameForm = false;
  for (const p of pairs) {
    const i = q.tokens.indexOf(p.query);
    // The listed name writes the query's legal form or generic word as the query does ("Appel
    // Inc." / "Apple Inc.", "Ltd" / "Limited", "General Mortars Company" / "General Motors
    // Company"): likely the same company, mistyped.
    if (q.roles[i] === TOKEN_LEGAL_FORM) {
      if (writtenAlike(q, c, i, p)) return 1;
      // Written otherwise, the same kind of legal form is another country's ("Pintér Kft." / "OOO
      // POINTER").
      sameForm = true;
    } else if (GENERIC_ORG_WORDS.has(p.query)) {
      if (writtenAlike(q, c, i, p)) return 1;
    } else if (p.kind !== 'exact' && p.kind !== 'initial' && p.similarity < 1) {
      // The name word matched otherwise than exactly (a letter changed, joined, by sound).
      only = p;
    }
  }
  if (!only || Math.min(only.query.length, only.candidate.length) > LONE_SHORT_LENGTH) return 1;
  return sameForm ? LONE_SHORT_SAME_FORM_FACTOR : LONE_SHORT_FACTOR;
}

/** The query's token `i` of pair `p` is written as the listed token it matched, or abbreviates it. */
function writtenAlike(q: Side, c: Side, i: number, p: TokenPair): boolean {
  return sameWriting(q.written[i]!, c.written[c.tokens.indexOf(p.candidate)] ?? '');
}

/** Equal, or the shorter abbreviates the longer: same first letter, its letters in order ("ltd" / "limited"). */
function sameWriting(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0 || short[0] !== long[0]) return false;
  let at = 0;
  for (const ch of long) if (ch === short[at]) at++;
  return at >= short.length;
}

/**
 * Words many company names share ("Group", "Trading", "Enterprises"): agreeing on one is no
 * evidence that the names' own words agree, so a sound-alike beside it still stands alone
 * ("عاشور Group" / "Sohra Group", "Μακρή Όμιλος" / "MAKRO GRUPP").
 */
const GENERIC_ORG_WORDS = new Set([
  ...ORG_WORD_ABBREVIATIONS.map(([, word]) => word),
  'company',
  'enterprise',
  'corporation',
]);

interface Side {
  tokens: string[];
  written: string[];
  roles: Uint8Array;
  phonetic: string[];
  skeleton: string[];
  joined: boolean[];
  /** Token weights (`weights`), kept with the side: a listed name's side serves many comparisons. */
  weightRarity: ((token: string) => number) | undefined;
  weightsPlain: Float64Array | undefined;
  weightsLegal: Float64Array | undefined;
  /**
   * First letters (one bit each, `letterBit`) of the tokens a join may start with (all but the
   * last) and of the tokens a join may make (five letters or more): when the one side's first set
   * and the other's second share no bit, `joinTokens` has nothing to try. -1 until computed.
   */
  joinStarts: number;
  joinTargets: number;
}

function weightOf(token: string, role: number): number {
  if (role === TOKEN_PARTICLE) return 1;
  if (role === TOKEN_LEGAL_FORM) return 1.5;
  // A number is as identifying as a surname: "Snow Storm 1" is not "Snow Storm 2".
  if (token.charCodeAt(0) <= 57) return 8;
  if (token.length === 1) return 2;
  return Math.min(token.length, 8) + 2;
}

/**
 * The side of a comparison a name form gives, made once per form (and per writing): a listed name
 * is compared with thousands of queries, and its side carries its token weights once computed.
 * Forms are never changed once normalised, so the cached side stays true.
 */
const sides = new WeakMap<NameForm, Side>();
const writtenSides = new WeakMap<NameForm, Side>();

function sideOf(form: NameForm, asWritten = false): Side {
  const cache = asWritten ? writtenSides : sides;
  let side = cache.get(form);
  if (side === undefined) {
    side = newSide(
      asWritten ? form.written : form.tokens,
      form.written,
      form.roles,
      form.phonetic,
      form.skeleton,
      form.tokens.map(() => false),
    );
    cache.set(form, side);
  }
  return side;
}

function newSide(
  tokens: string[],
  written: string[],
  roles: Uint8Array,
  phonetic: string[],
  skeleton: string[],
  joined: boolean[],
): Side {
  return {
    tokens,
    written,
    roles,
    phonetic,
    skeleton,
    joined,
    weightRarity: undefined,
    weightsPlain: undefined,
    weightsLegal: undefined,
    joinStarts: -1,
    joinTargets: -1,
  };
}

/**
 * Merges adjacent tokens of `a` (optionally across a particle: "abd al rahman") when the
 * concatenation is a token of `b` that `a` does not otherwise contain.
 */
function joinTokens(a: Side, b: Side, abjad: boolean, syllabic: boolean): Side {
  if (a.tokens.length < 2) return a;
  // Written with vowels, a join starts with a token of `a` that begins a target of `b`.
  if (!abjad && (joinStarts(a) & joinTargets(b)) === 0) return a;
  for (let j = 0; j < b.tokens.length; j++) {
    // Joined as written: a legal form glued to the name ("SiemensAG") is joined by its letters.
    const target = b.written[j]!;
    if (target.length < 5) continue;
    // Cheap test before building any joined string: some token of `a` must start the target.
    if (!abjad && !startsTarget(a.written, target)) continue;
    if (a.written.includes(target) || a.tokens.includes(b.tokens[j]!)) continue;
    for (let i = 0; i + 1 < a.tokens.length; i++) {
      for (let span = 2; span <= 3; span++) {
        if (i + span > a.tokens.length) continue;
        if (span === 3 && a.roles[i + 1] !== TOKEN_PARTICLE) continue;
        // Written with vowels, the joined string must begin as the target and be about as long:
        // tested on the parts before any string is built.
        if (!abjad && !joinMayMatch(a.written, i, span, target)) continue;
        const joined = a.written.slice(i, i + span).join('');
        // Abjad transliterations lack vowels: join on the consonant skeleton ("bd llh" = "abdullah").
        const sameSkeleton = abjad && skeletonOf(joined) === skeletonOf(target);
        if (!sameSkeleton) {
          if (joined[0] !== target[0] || Math.abs(joined.length - target.length) > 2) continue;
          // Romanised syllables join only into the very word ("cheon a" is not "cheong"), and so
          // does a name with the article of the next name part ("Hasan al-Rida": "hasanal" is not
          // "Hasanah").
          const exactOnly = syllabic || a.roles[i + span - 1] === TOKEN_PARTICLE;
          if (joined !== target && (exactOnly || editSimilarity(joined, target) < 0.8)) continue;
        }
        const tokens = [...a.tokens.slice(0, i), joined, ...a.tokens.slice(i + span)];
        const roles = Uint8Array.from([...a.roles.slice(0, i), TOKEN_NAME, ...a.roles.slice(i + span)]);
        const phon = doubleMetaphone(joined)[0];
        return joinTokens(
          newSide(
            tokens,
            [...a.written.slice(0, i), joined, ...a.written.slice(i + span)],
            roles,
            [...a.phonetic.slice(0, i), phon, ...a.phonetic.slice(i + span)],
            [...a.skeleton.slice(0, i), skeletonOf(joined), ...a.skeleton.slice(i + span)],
            [...a.joined.slice(0, i), true, ...a.joined.slice(i + span)],
          ),
          b,
          abjad,
          syllabic,
        );
      }
    }
  }
  return a;
}

/**
 * Scratch arrays of the token pairs of one comparison (query token, listed token, similarity, rank,
 * kind, and their order by rank). A comparison uses them only until its pairs are chosen, before any
 * nested comparison starts.
 */
let pairI = new Int32Array(64);
let pairJ = new Int32Array(64);
let pairS = new Float64Array(64);
let pairRank = new Float64Array(64);
let pairOrder = new Int32Array(64);
const pairKind: TokenMatchKind[] = [];

function growPairScratch(size: number): void {
  const n = Math.max(size, pairI.length * 2);
  pairI = new Int32Array(n);
  pairJ = new Int32Array(n);
  pairS = new Float64Array(n);
  pairRank = new Float64Array(n);
  pairOrder = new Int32Array(n);
}

/**
 * False when `tokens[i .. i + span)` joined cannot pass the letters test of `joinTokens`: another
 * first letter, or a length more than two letters off the target's.
 */
function joinMayMatch(tokens: string[], i: number, span: number, target: string): boolean {
  const first = tokens[i]!;
  if (first.length > 0 && first.charCodeAt(0) !== target.charCodeAt(0)) return false;
  let length = 0;
  for (let k = i; k < i + span; k++) length += tokens[k]!.length;
  return Math.abs(length - target.length) <= 2;
}

function letterBit(token: string): number {
  return 1 << (token.charCodeAt(0) % 31);
}

function joinStarts(side: Side): number {
  if (side.joinStarts < 0) {
    let bits = 0;
    for (let i = 0; i + 1 < side.written.length; i++) bits |= letterBit(side.written[i]!);
    side.joinStarts = bits;
  }
  return side.joinStarts;
}

function joinTargets(side: Side): number {
  if (side.joinTargets < 0) {
    let bits = 0;
    for (const t of side.written) if (t.length >= 5) bits |= letterBit(t);
    side.joinTargets = bits;
  }
  return side.joinTargets;
}

/** True when some token (not the last) of `tokens` is a proper prefix of `target`. */
function startsTarget(tokens: string[], target: string): boolean {
  const first = target.charCodeAt(0);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.charCodeAt(0) === first && t.length < target.length && target.startsWith(t)) return true;
  }
  return false;
}

/**
 * Token weights of one side: length and role, times rarity; legal forms 0 unless both sides have
 * one. Kept on the side (both variants), so a listed name's weights are computed once.
 */
function weights(
  side: Side,
  countLegal: boolean,
  rarity: ((token: string) => number) | undefined,
): Float64Array {
  if (side.weightRarity !== rarity || side.weightsPlain === undefined) {
    const n = side.tokens.length;
    const plain = new Float64Array(n);
    const legal = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const role = side.roles[i]!;
      const w = weightOf(side.tokens[i]!, role) * (rarity ? rarity(side.tokens[i]!) : 1);
      legal[i] = w;
      if (role !== TOKEN_LEGAL_FORM) plain[i] = w;
    }
    side.weightRarity = rarity;
    side.weightsPlain = plain;
    side.weightsLegal = legal;
  }
  return countLegal ? side.weightsLegal! : side.weightsPlain!;
}

/**
 * Compares a query name with a candidate (listed) name. A name written in Han characters is also
 * compared through its Sino-Korean and Japanese readings, and scores as its best reading; when
 * both names are written in Han, the characters themselves are compared (same characters, same
 * name in every reading), so readings are not used and cannot make two different names collide.
 */
export function compareNames(
  queryForm: NameForm,
  candidateForm: NameForm,
  rarity?: (token: string) => number,
): NameComparison {
  if (!queryForm.readings === !candidateForm.readings) return compareForms(queryForm, candidateForm, rarity);
  let best = compareForms(queryForm, candidateForm, rarity);
  for (const reading of queryForm.readings ?? candidateForm.readings ?? []) {
    const cmp = queryForm.readings
      ? compareForms(reading, candidateForm, rarity)
      : compareForms(queryForm, reading, rarity);
    cmp.score *= READING_FACTOR;
    if (cmp.score > best.score) best = cmp;
  }
  return best;
}

/**
 * A Korean or Japanese reading guesses the language a Han name is in, and three readings give a
 * name three chances to collide with an unrelated one: a reading's score counts a little less
 * than the Mandarin (any-ascii) reading's. An exact match through a reading stays a match (0.95).
 */
const READING_FACTOR = 0.95;

function compareForms(
  queryForm: NameForm,
  candidateForm: NameForm,
  rarity?: (token: string) => number,
  phonetics = true,
): NameComparison {
  const abjad = queryForm.abjad || candidateForm.abjad;
  // Two names both written in an abjad transliterate letter for letter the same way: their letters
  // are compared as written, with no consonant skeleton or phonetic key, which would read "علی" (ly)
  // as "ولی" (wly) or "حسنہ" as "حسن". The skeleton is for a name written with its vowels.
  const sameAbjad = queryForm.abjad && candidateForm.abjad;
  const script =
    abjad && !sameAbjad
      ? SCRIPT_ABJAD
      : queryForm.syllabic || candidateForm.syllabic
        ? SCRIPT_SYLLABIC
        : SCRIPT_LATIN;
  // Two names in the same syllabic script compare syllable for syllable as written: the Latin
  // spelling equivalents (정 Jeong = Jong) are for matching against romanised names only.
  const sameScript = queryForm.syllabic && candidateForm.syllabic;
  let q = sideOf(queryForm, sameScript);
  let c = sideOf(candidateForm, sameScript);
  q = joinTokens(q, c, abjad, script === SCRIPT_SYLLABIC);
  c = joinTokens(c, q, abjad, script === SCRIPT_SYLLABIC);
  const nq = q.tokens.length;
  const nc = c.tokens.length;
  // A single letter in a ship's or company's name is a letter, not a given name's initial: the ship
  // "SOFIA K" is not "Sofia Krug".
  // Nor is a romanised syllable ("i" of 이, "o" of 오) an initial: 웅정이 (ung jong i) is not "Jong Sung Il".
  const initials = !queryForm.organization && !candidateForm.organization && script !== SCRIPT_SYLLABIC;
  if (nq === 0 || nc === 0)
    return { score: 0, pairs: [], unmatchedQuery: q.tokens, unmatchedCandidate: c.tokens };

  // Corresponding token pairs, in scratch arrays reused across comparisons (no object per pair).
  if (pairI.length < nq * nc) growPairScratch(nq * nc);
  let found = 0;
  const abjadSide = script === SCRIPT_ABJAD ? (queryForm.abjad ? 1 : 2) : 0;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nc; j++) {
      let s = tokenScore(
        q.tokens[i]!,
        c.tokens[j]!,
        q.roles[i]!,
        c.roles[j]!,
        q.phonetic[i]!,
        c.phonetic[j]!,
        q.skeleton[i]!,
        c.skeleton[j]!,
        script,
        phonetics && !sameAbjad,
        initials,
        abjadSide,
      );
      let kind = scoreKind;
      // A typo in a variant spelling ("Adbul") is closer to the spelling as written than to its canonical form.
      if (s < 1 && (q.written[i] !== q.tokens[i] || c.written[j] !== c.tokens[j])) {
        const w = tokenScore(
          q.written[i]!,
          c.written[j]!,
          q.roles[i]!,
          c.roles[j]!,
          '',
          '',
          '',
          '',
          script,
          true,
          true,
          0,
        );
        if (w > s) {
          s = w;
          kind = 'fuzzy';
        }
      }
      // Two names in the same syllabic script agree syllable for syllable or not at all: 적 (jeog) and
      // 정 (jeong) are different syllables however alike their romanisations.
      if (sameScript && s < 1) s = 0;
      // Two names both in an abjad write a short word's long vowels and consonants alike: a letter more
      // is another name ("ولید" wlyd, Walid, is not "ولی" wly, Wali; "ملوک" mlwk is not "مالك" mlk),
      // where a letter changed may be a typo. And a syllable romanised from Han or Hangul agrees with a
      // Latin one only as the very syllable: "kong" (孔) is not "Kang", nor "huang" (黄) "Hang".
      if (
        s < 1 &&
        shortToken(q.tokens[i]!, c.tokens[j]!) &&
        (script === SCRIPT_SYLLABIC || (sameAbjad && q.tokens[i]!.length !== c.tokens[j]!.length))
      )
        s = 0;
      // Prefer aligning tokens at the same position when similarities tie (given name to given name).
      if (s > 0) {
        pairI[found] = i;
        pairJ[found] = j;
        pairS[found] = s;
        pairRank[found] = s - Math.abs(i - j) * 1e-6;
        pairKind[found] = kind;
        // Insertion by rank, best first; equal ranks keep the order found (as a stable sort would).
        let at = found++;
        const rank = pairRank[at]!;
        while (at > 0 && pairRank[pairOrder[at - 1]!]! < rank) {
          pairOrder[at] = pairOrder[at - 1]!;
          at--;
        }
        pairOrder[at] = found - 1;
      }
    }
  }
  // A legal form only counts when both names state one: "Gazprom" is "Gazprom PJSC".
  const countLegal = q.roles.includes(TOKEN_LEGAL_FORM) && c.roles.includes(TOKEN_LEGAL_FORM);
  const weightsQ = weights(q, countLegal, rarity);
  const weightsC = weights(c, countLegal, rarity);
  const usedQ = new Uint8Array(nq);
  const usedC = new Uint8Array(nc);
  const pairs: TokenPair[] = [];
  let matched = 0;
  let fuzzyLoss = 0;
  // Name parts (not particles, legal forms or initials) that agree, and how many of them only by sound.
  let nameParts = 0;
  let byPhonetics = 0;
  // Sound-alike parts spelled far apart (half their letters or so: "Lucienne" / "Luciano").
  let farSoundAlikes = 0;
  // A consonant skeleton shared by an abjad transliteration and a company's or ship's name written with its
  // vowels is a sound-alike too ("עמית" myt = "MIT", "אמיר" myr = "MERI"), unless two written words joined
  // into it ("عبد الله" bd llh = "Abdullah").
  // Between persons' names a lone given name written in Hebrew or Arabic ("משה" = Moshe) is still
  // read by its skeleton.
  const crossScript =
    queryForm.abjad !== candidateForm.abjad && (queryForm.organization || candidateForm.organization);
  const matchOf = new Int16Array(nq).fill(-1);
  const organizations = queryForm.organization || candidateForm.organization;
  for (let k = 0; k < found; k++) {
    const p = pairOrder[k]!;
    const i = pairI[p]!;
    const j = pairJ[p]!;
    const s = pairS[p]!;
    const kind = pairKind[p]!;
    if (usedQ[i] || usedC[j]) continue;
    usedQ[i] = 1;
    usedC[j] = 1;
    matchOf[i] = j;
    if (
      q.roles[i] === TOKEN_NAME &&
      c.roles[j] === TOKEN_NAME &&
      kind !== 'initial' &&
      !GENERIC_ORG_WORDS.has(q.tokens[i]!)
    ) {
      nameParts++;
      if (kind === 'phonetic' || (kind === 'skeleton' && crossScript && !q.joined[i] && !c.joined[j]))
        byPhonetics++;
      if (kind === 'phonetic' && editSimilarity(q.tokens[i]!, c.tokens[j]!) < SOUND_ALIKE_SPELLING)
        farSoundAlikes++;
    }
    const sim = Math.min(1, s);
    const w = (weightsQ[i]! + weightsC[j]!) / 2;
    matched += sim * w;
    // A company's word cut short ("Marit" for "Maritime") is an abbreviation.
    const far = sim < FAR_PART_SIMILARITY && !(organizations && sameWriting(q.written[i]!, c.written[j]!));
    fuzzyLoss += (1 - sim) * w * (far ? FAR_PART_PENALTY : 1);
    pairs.push({
      query: q.tokens[i]!,
      candidate: c.tokens[j]!,
      similarity: Math.round(sim * 1000) / 1000,
      kind: q.joined[i] || c.joined[j] ? 'joined' : kind,
    });
  }
  // A sound-alike is evidence beside other agreeing name parts, never alone: one surname and a legal
  // form ("Koch Inc") would otherwise sound like any short listed name or acronym ("KEC"). Such a
  // name is compared again by its letters only (no phonetic key, no consonant skeleton), unless the
  // query was written in a script whose vowels our transliteration guessed ("สมชาย" smchay = Somchai).
  // Nor do sound-alikes alone make a name when one of them is spelled far from the other: "Lucienne
  // Brunet" / "Luciano BRUNETTI", "Frida Bajare" / "Farhad BUJAR" are other names that sound alike,
  // where the spellings of one name across transliterations stay closer ("Moamar Gadafi" / "Muammar
  // Qaddafi": two letters in seven).
  if (
    phonetics &&
    !queryForm.vowelsGuessed &&
    ((nameParts === 1 && byPhonetics === 1) ||
      (nameParts >= 2 && byPhonetics === nameParts && farSoundAlikes > 0))
  )
    return compareForms(queryForm, candidateForm, rarity, false);
  let leftQ = 0;
  let leftC = 0;
  // A number only one side has ("Management Company 23") names a different entity, never an omission.
  let leftNumbers = 0;
  const unmatchedQuery: string[] = [];
  const unmatchedCandidate: string[] = [];
  for (let i = 0; i < nq; i++) {
    if (usedQ[i] || weightsQ[i] === 0) continue;
    leftQ += weightsQ[i]!;
    if (q.tokens[i]!.charCodeAt(0) <= 57) leftNumbers += weightsQ[i]!;
    unmatchedQuery.push(q.tokens[i]!);
  }
  for (let j = 0; j < nc; j++) {
    if (usedC[j] || weightsC[j] === 0) continue;
    leftC += weightsC[j]!;
    if (c.tokens[j]!.charCodeAt(0) <= 57) leftNumbers += weightsC[j]!;
    unmatchedCandidate.push(c.tokens[j]!);
  }
  if (matched === 0) return { score: 0, pairs, unmatchedQuery, unmatchedCandidate };
  // Tokens left over on both sides are most likely different name parts (a substitution); tokens
  // left over on one side only are name parts one side omits (a patronymic, a middle name).
  const substituted = Math.min(leftQ, leftC);
  const omitted = Math.max(leftQ, leftC) - substituted;
  // Omission is only cheap when at least two name parts agree, in an alphabetic script: one shared
  // token ("John", "Leblanc") or a few shared syllables of a Chinese or Korean name prove little.
  // A short sound-alike is not such a part ("Liz Costa" omits nothing of "Luis Fernando da
  // Costa"); a longer one is ("Serej Lavrov" / "Sergey Viktorovich Lavrov").
  // And at least one of them must agree closely (the same word, a letter off in a long word, the same
  // consonants in an abjad): two sound-alikes alone ("Carmine Murray" / "Maria del Carmen Suaza
  // Barco", "Eduarda Barros" / "Gustavo Eduardo Porras") are another person's name parts.
  // And a lone close part must be a rare one: a common given name or surname agreeing ("Raul Barros" /
  // "Raul HERNANDEZ BARRON", "Philippe Perez" / "Felipe MORENO PEREZ") beside a part only like the
  // other's is two parts of another person's name, where a rare one ("Serej Lavrov" / "Sergey
  // Viktorovich Lavrov") still names the listed person.
  let namePairs = 0;
  let closePairs = 0;
  let rareClosePairs = 0;
  for (const p of pairs) {
    if (p.kind !== 'initial' && !(p.kind === 'phonetic' && shortToken(p.query, p.candidate))) namePairs++;
    if (p.kind !== 'initial' && p.similarity >= CLOSE_PART_SIMILARITY) {
      closePairs++;
      if (!rarity || rarity(p.candidate) >= RARE_CLOSE_PART) rareClosePairs++;
    }
  }
  // Vowel-less abjad transliterations match by skeleton, which is looser: omission costs more there.
  // An organisation's extra word usually names a different subsidiary ("Banco Santander Mexico").
  const omissionPenalty =
    namePairs < 2 || (closePairs < 2 && rareClosePairs === 0) || script === SCRIPT_SYLLABIC
      ? SUBSTITUTION_PENALTY
      : abjad
        ? ABJAD_OMISSION_PENALTY
        : queryForm.organization || candidateForm.organization
          ? ORG_OMISSION_PENALTY
          : OMISSION_PENALTY;
  const numbersOmitted = Math.min(leftNumbers, omitted);
  const score =
    loneShortEdit(q, c, pairs) *
    (matched /
      (matched +
        FUZZY_PENALTY * fuzzyLoss +
        SUBSTITUTION_PENALTY * (substituted + numbersOmitted) +
        omissionPenalty * (omitted - numbersOmitted))) *
    (nasabReversed(q, c) ? NASAB_REVERSAL_FACTOR : 1) *
    (givenNameSwapped(q, c, matchOf) ? NASAB_REVERSAL_FACTOR : 1) *
    (otherGender(pairs) || (sameAbjad && abjadFeminine(pairs)) ? NASAB_REVERSAL_FACTOR : 1);
  return { score, pairs, unmatchedQuery, unmatchedCandidate };
}

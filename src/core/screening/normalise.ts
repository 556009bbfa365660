import anyAscii from 'any-ascii';
import { doubleMetaphone } from 'double-metaphone';
import { HAN, kanaToRomaji, sinoKorean } from './han-readings.ts';
import { deletions, type NameTables } from './name-tables.ts';
import { editDistance } from './similarity.ts';

/**
 * Name normalisation: Unicode NFKC, transliteration of every script to Latin (any-ascii), case and
 * diacritics folding, punctuation removal, honorifics, legal-form and symbol equivalences, and
 * name-part equivalents. Each token also gets its phonetic key (Double Metaphone) and its consonant
 * skeleton, used when one side was written in an abjad (Arabic, Hebrew), where short vowels are
 * not written at all.
 */

/** What kind of name is normalised: decides whether titles or legal forms are recognised. */
export type NameKind = 'person' | 'organization' | 'vessel' | 'any';

/** Role of a token in a name; particles and legal forms weigh little in a comparison. */
export const TOKEN_NAME = 0;
export const TOKEN_PARTICLE = 1;
export const TOKEN_LEGAL_FORM = 2;

/** A name ready to compare: tokens with their keys, computed once. */
export interface NameForm {
  tokens: string[];
  roles: Uint8Array;
  /** Double Metaphone primary code per token ('' for tokens under 3 letters). */
  phonetic: string[];
  /** Consonant skeleton per token (vowels, w, y and doubled letters removed). */
  skeleton: string[];
  /** Token as written (folded) before name-part equivalents, for typos in variant spellings. */
  written: string[];
  /** The name was written in an abjad script, so its transliteration lacks vowels. */
  abjad: boolean;
  /** The name was written in Han, Hangul or Kana: tokens are romanised syllables. */
  syllabic: boolean;
  /** Organisation (or vessel) name: an extra token there names a different subsidiary or ship. */
  organization: boolean;
  /**
   * Written in a Brahmic or Southeast Asian script (Devanagari, Bengali, Tamil, Thai, Lao, Khmer,
   * Myanmar, Sinhala, Thaana...), whose inherent and marked vowels transliteration renders only
   * approximately ("สมชาย" smchay = Somchai). Cyrillic, Greek, Armenian or Georgian transliterate
   * letter for letter; abjads have their own skeleton comparison.
   */
  vowelsGuessed: boolean;
  /**
   * Other readings of a name written in Han characters: Sino-Korean (金正恩 -> 김정은 -> kim jong un)
   * and Japanese (山田太郎 -> yamada taro), beside the Mandarin of `tokens`. Absent for other names.
   */
  readings?: NameForm[];
}

const VOWELS_GUESSED =
  /[\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\p{Script=Thaana}]/u;
const ABJAD = /[\u0590-\u05FF\u0600-\u06FF\u0700-\u074F\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
/** Scripts any-ascii romanises syllable by syllable in CamelCase (Han, Hangul, Kana). */
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
const SYLLABIC = /[\u1100-\u11FF\u3040-\u30FF\u3130-\u318F\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF]/;

/**
 * Folds a string to lowercase ASCII tokens: NFKC, transliteration, apostrophes dropped (so
 * "O'Brien" and "`Abd" stay one token), every other non-alphanumeric character a separator.
 */
export function foldTokens(raw: string): string[] {
  const nfkc = raw.normalize('NFKC');
  // Dotted initialisms are one token: "A.B.C." = "ABC", "L.X.C Aviation" = "LXC Aviation".
  let ascii = anyAscii(nfkc).replace(/\b([A-Za-z])\.(?=[A-Za-z]\b)/g, '$1');
  if (SYLLABIC.test(nfkc)) ascii = ascii.replace(/([A-Za-z])(?=[A-Z])/g, '$1 ');
  return ascii
    .toLowerCase()
    .replace(/['`\u2018\u2019\u02bb\u02bc]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Consonant skeleton: "mahmoud" -> "mhmd", "hassan" -> "hsn". */
export function skeletonOf(token: string): string {
  let out = '';
  let last = '';
  for (const ch of token) {
    if ('aeiouwy'.includes(ch)) continue;
    if (ch === last) continue;
    out += ch;
    last = ch;
  }
  return out;
}

/** Normalises a name into a comparable form. */
export function normaliseName(raw: string, tables: NameTables, kind: NameKind = 'any'): NameForm {
  const syllabic = SYLLABIC.test(raw);
  const hangul = HANGUL.test(raw);
  let tokens = numbersAsDigits(foldTokens(raw));
  if (kind === 'person' || kind === 'any') tokens = dropHonorifics(tokens, tables);
  if (kind === 'vessel') tokens = dropVesselPrefix(tokens);
  // Persons and ships have no legal form: "Daniele S.r.l." is a company, not the ship "Daniel".
  const legalForms = kind === 'organization' || kind === 'any';
  if (legalForms) tokens = repairLegalForms(tokens, tables);
  const out: string[] = [];
  const written: string[] = [];
  const roles: number[] = [];
  for (let i = 0; i < tokens.length; ) {
    if (legalForms) {
      const legal = legalFormAt(tokens, i, tables);
      // A name made only of a legal form ("JSC", "LTD.", a listed alias) stays a legal form: it
      // says what a company is, not which one, so it matches only a name that is that legal form.
      if (legal) {
        out.push(legal.canonical);
        written.push(tokens.slice(i, i + legal.length).join(''));
        roles.push(TOKEN_LEGAL_FORM);
        i += legal.length;
        continue;
      }
    }
    const token = tokens[i]!;
    // Hangul romanised by any-ascii follows Revised Romanization; sanctions lists write Korean
    // names in McCune-Reischauer without diacritics (Kim Jong Un, Ri Song Jin): eo = o, eu = u.
    const korean = hangul
      ? mccuneReischauer(token)
      : kind === 'person'
        ? token
        : (tables.orgAbbreviations.get(token) ?? token);
    // A name in Hangul begins with the surname: only its first syllable takes a surname's spelling
    // (이 I -> Lee); later, 이 is a given-name syllable ("熊静怡", 웅정이 ung jong i, is no Lee).
    const surname = hangul && !roles.includes(TOKEN_NAME);
    const canonical =
      (surname ? HANGUL_SURNAMES.get(korean) : undefined) ?? tables.equivalents.get(korean) ?? korean;
    out.push(canonical);
    written.push(token);
    roles.push(tables.particles.has(token) ? TOKEN_PARTICLE : TOKEN_NAME);
    i++;
  }
  const form: NameForm = {
    tokens: out,
    roles: Uint8Array.from(roles),
    phonetic: out.map((t) => (t.length >= 3 && !/\d/.test(t) ? doubleMetaphone(t)[0] : '')),
    skeleton: out.map(skeletonOf),
    written,
    abjad: ABJAD.test(raw),
    syllabic,
    organization: kind === 'organization' || kind === 'vessel',
    vowelsGuessed: VOWELS_GUESSED.test(raw),
  };
  if (HAN.test(raw)) {
    const readings = hanReadings(raw, tables, kind);
    if (readings.length > 0) form.readings = readings;
  }
  return form;
}

/**
 * Sino-Korean and Japanese readings of a name containing Han characters, each normalised like any
 * name (the Korean one through the Hangul path, so McCune-Reischauer and surname spellings apply).
 * The Japanese reading needs the dictionary the adapter passes in `tables.readJapanese`.
 */
function hanReadings(raw: string, tables: NameTables, kind: NameKind): NameForm[] {
  const readings: NameForm[] = [];
  // A character without a reading leaves Han in the text: no reading then (and no recursion).
  const hangul = sinoKorean(raw);
  if (!HAN.test(hangul)) {
    const korean = normaliseName(hangul, tables, kind);
    if (korean.tokens.length > 0) readings.push(korean);
  }
  const kana = tables.readJapanese?.(raw);
  if (kana !== undefined && !HAN.test(kana)) {
    const japanese = normaliseName(kanaToRomaji(kana), tables, kind);
    if (japanese.tokens.length > 0) readings.push(japanese);
  }
  return readings;
}

/**
 * Korean surnames as any-ascii romanises them (Revised Romanization, syllable by syllable) against
 * the spellings lists and passports use: 이 I -> Lee, 김 Gim -> Kim, 박 Bag -> Park. Applied only
 * to the first syllable of a name written in Hangul, where a lone "i" is a surname, not an initial.
 */
function mccuneReischauer(syllable: string): string {
  return syllable.replaceAll('eo', 'o').replaceAll('eu', 'u');
}

const HANGUL_SURNAMES = new Map([
  ['i', 'lee'],
  ['gim', 'kim'],
  ['bag', 'park'],
  ['choe', 'choi'],
  ['gang', 'kang'],
  ['jo', 'cho'],
  ['yun', 'yoon'],
  ['im', 'lim'],
  ['o', 'oh'],
  ['sin', 'shin'],
]);

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const ORDINALS = [
  'zeroth',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const NUMBER_WORDS = new Map<string, number>([
  ...UNITS.map((w, i) => [w, i] as [string, number]),
  ...ORDINALS.map((w, i) => [w, i] as [string, number]),
  ...TENS.flatMap((w, i) => (w ? [[w, i * 10] as [string, number]] : [])),
  ['fourty', 40],
]);
/** Letters that stand for digits in obfuscated names ("Ig0r Sech1n"). */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g' };

/**
 * Numbers written as words or ordinals become digits ("Brigade Forty-Four" = "Brigade 44",
 * "1st" = "First" = "1"); digits inside a word are read as the letters they imitate.
 */
function numbersAsDigits(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let t = tokens[i]!;
    const ordinal = /^(\d+)(st|nd|rd|th)$/.exec(t);
    if (ordinal) t = ordinal[1]!;
    else if (/[a-z]/.test(t) && /\d/.test(t) && /^[a-z]/.test(t)) t = t.replace(/\d/g, (d) => LEET[d] ?? d);
    const n = NUMBER_WORDS.get(t);
    if (n !== undefined) {
      const next = tokens[i + 1];
      const unit =
        next === undefined
          ? undefined
          : (NUMBER_WORDS.get(next) ?? (/^\d$/.test(next) ? Number(next) : undefined));
      if (n >= 20 && n % 10 === 0 && unit !== undefined && unit < 10) {
        out.push(String(n + unit));
        i++;
        continue;
      }
      out.push(String(n));
      continue;
    }
    out.push(t);
  }
  return out;
}

/** Ship-name prefixes (motor vessel, motor tanker...) are not part of the name. */
const VESSEL_PREFIXES = new Set(['mv', 'mt', 'ms', 'sv', 'mts', 'the']);
function dropVesselPrefix(tokens: string[]): string[] {
  if (tokens.length > 1 && VESSEL_PREFIXES.has(tokens[0]!)) return tokens.slice(1);
  if (tokens.length > 2 && tokens[0] === 'm' && (tokens[1] === 'v' || tokens[1] === 't'))
    return tokens.slice(2);
  return tokens;
}

function dropHonorifics(tokens: string[], tables: NameTables): string[] {
  let start = 0;
  // Leading titles only, and never the whole name ("General" may be a company's name).
  outer: while (start < tokens.length - 1) {
    for (let n = Math.min(tables.honorificMaxTokens, tokens.length - start - 1); n >= 1; n--) {
      if (tables.honorifics.has(tokens.slice(start, start + n).join(' '))) {
        start += n;
        continue outer;
      }
    }
    break;
  }
  return start === 0 ? tokens : tokens.slice(start);
}

/**
 * Legal forms as they are often mistyped: a word with a typo ("LLMITED", "JONIT STOCK"), split
 * ("LIABI LITY") or fused to the next ("JOINTSTOCK", "COMPANYPRODUCTION"), or shortened ("LTD
 * LIABILITY PARTNERSHIP", "PUBLIC JOINT STOCK CO"). A token is repaired only when the repaired
 * words then form a legal form of the tables, so a name word is never turned into one by chance.
 */
function repairLegalForms(tokens: string[], tables: NameTables): string[] {
  let out = tokens;
  for (let i = 0; i < out.length; i++) {
    if (/\d/.test(out[i]!)) continue;
    let covered = -1;
    for (const proposal of legalFormProposals(out, i, tables)) {
      if (covered < 0) covered = legalFormSpan(out, i, tables);
      const next = [...out.slice(0, i), ...proposal.words, ...out.slice(i + proposal.replaces)];
      // Accepted when it makes a legal form, or a longer one ("ltd liability" -> "limited liability").
      if (legalFormSpan(next, i, tables) > covered) {
        out = next;
        break;
      }
    }
  }
  return out;
}

function isLegalWord(word: string, tables: NameTables): boolean {
  return tables.legalWords.get(word)?.includes(word) ?? false;
}

/** Ways token `i` may be a legal-form word mistyped, split, fused or shortened. */
function* legalFormProposals(
  tokens: string[],
  i: number,
  tables: NameTables,
): Generator<{ words: string[]; replaces: number }> {
  const token = tokens[i]!;
  const full = tables.legalAbbreviations.get(token);
  if (full) yield { words: [full], replaces: 1 };
  const next = tokens[i + 1];
  if (next !== undefined && isLegalWord(token + next, tables)) yield { words: [token + next], replaces: 2 };
  if (isLegalWord(token, tables)) return;
  if (token.length >= 4) {
    const seen = new Set<string>();
    for (const d of deletions(token)) {
      for (const word of tables.legalWords.get(d) ?? []) {
        if (seen.has(word)) continue;
        seen.add(word);
        if (editDistance(token, word) === 1) yield { words: [word], replaces: 1 };
      }
    }
  }
  for (let k = 2; k <= token.length - 2; k++) {
    const head = token.slice(0, k);
    const tail = token.slice(k);
    if (isLegalWord(head, tables) || isLegalWord(tail, tables)) yield { words: [head, tail], replaces: 1 };
  }
}

/** Tokens of the longest legal form that token `i` is part of (never the whole name), or 0. */
function legalFormSpan(tokens: string[], i: number, tables: NameTables): number {
  let longest = 0;
  for (let start = Math.max(0, i - tables.legalFormMaxTokens + 1); start <= i; start++) {
    const legal = legalFormAt(tokens, start, tables);
    if (legal && start + legal.length > i && legal.length < tokens.length)
      longest = Math.max(longest, legal.length);
  }
  return longest;
}

function legalFormAt(
  tokens: string[],
  i: number,
  tables: NameTables,
): { canonical: string; length: number } | undefined {
  for (let n = Math.min(tables.legalFormMaxTokens, tokens.length - i); n >= 1; n--) {
    const canonical = tables.legalForms.get(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' '));
    if (canonical) return { canonical, length: n };
  }
  return undefined;
}

/**
 * The word tables the normaliser uses. Built-in defaults cover the name-part variants that
 * transliteration produces most often on sanctions lists (Arabic names romanised under BGN/PCGN,
 * ALA-LC, French or common English practice; Russian under BGN/PCGN, ISO 9 or passport practice;
 * Korean under Revised Romanization or McCune-Reischauer). OpenSanctions' rigour tables
 * (`sanctions/reference/rigour/`: person prefixes, legal forms, org symbols, name parts) are merged
 * in by the list adapter, which reads the files; the core only receives plain objects.
 */
export interface NameTables {
  /** Honorifics and titles dropped at the start of a person's name ("mr", "dr", "general"). */
  honorifics: ReadonlySet<string>;
  /** Longest honorific in tokens. */
  honorificMaxTokens: number;
  /** Legal-form phrase (normalised tokens joined by a space) -> canonical form ("llc", "jsc"). */
  legalForms: ReadonlyMap<string, string>;
  legalFormMaxTokens: number;
  /**
   * Words of legal forms (5 letters or more), by every string one deletion away from them: finds
   * the legal-form word a typo stands for ("llmited", "jonit", "stck") in one lookup per deletion.
   */
  legalWords: ReadonlyMap<string, readonly string[]>;
  /** Short forms of legal-form words that the legal-form tables only know in full ("ltd liability"). */
  legalAbbreviations: ReadonlyMap<string, string>;
  /** Abbreviations of words of company names ("trdg" -> "trading"), read in organisation names only. */
  orgAbbreviations: ReadonlyMap<string, string>;
  /** Single token -> canonical token (org symbols and person name-part equivalents). */
  equivalents: ReadonlyMap<string, string>;
  /** Tokens that carry little identity (name particles, org stop words): low weight. */
  particles: ReadonlySet<string>;
  /**
   * Japanese reading in kana of a text containing kanji (morphemes separated by spaces), or
   * undefined when some kanji has no known reading. Reading kanji needs a morphological dictionary,
   * so the adapter loads one and passes this function in; without it names get no Japanese reading.
   */
  readJapanese?: (text: string) => string | undefined;
}

/** Groups of spellings of one name part; the first is the canonical form. */
export const NAME_PART_VARIANTS: readonly (readonly string[])[] = [
  [
    'muhammad',
    'mohammed',
    'mohammad',
    'mohamed',
    'mohamad',
    'muhammed',
    'muhamad',
    'mohd',
    'mehmet',
    'mehmed',
    'mukhammad',
    'mukhammed',
    'mahomed',
  ],
  ['ahmad', 'ahmed', 'ahmet', 'achmed', 'akhmed', 'akhmad'],
  ['abd', 'abdul', 'abdel', 'abdal', 'abdol', 'abdoul', 'abdu'],
  // "Abdulla" (Central Asian spelling) is Abdullah, a name of its own, not the prefix "Abdul".
  ['abdullah', 'abdallah', 'abdollah', 'abdoullah', 'abdellah', 'abdulla'],
  ['husayn', 'hussein', 'husain', 'hussain', 'hossein', 'husein', 'hosein', 'hossain', 'husseyn'],
  ['hasan', 'hassan', 'hasen', 'hassen'],
  ['yusuf', 'yousef', 'youssef', 'yousuf', 'yusef', 'yousif', 'yousof', 'youcef', 'yussuf'],
  ['ibrahim', 'ebrahim', 'ibragim', 'brahim', 'ibraheem'],
  ['umar', 'omar', 'omer', 'oumar'],
  ['uthman', 'othman', 'osman', 'usman', 'ousmane', 'othmane'],
  ['abu', 'abou', 'abo'],
  ['bin', 'ibn', 'ben', 'bn'],
  ['al', 'el', 'ul'],
  ['usama', 'osama', 'ousama', 'oussama', 'usamah'],
  ['khalid', 'khaled', 'khalied'],
  ['mahmud', 'mahmoud', 'mahmood', 'makhmud'],
  ['mustafa', 'mostafa', 'moustafa', 'mustapha', 'mostapha'],
  ['said', 'saeed', 'sayed', 'sayyid', 'seyed', 'seyyed', 'saiid', 'sayeed'],
  ['hamid', 'hameed', 'hamed'],
  ['rahman', 'rehman', 'rahmane'],
  ['rahim', 'raheem', 'rahime'],
  ['karim', 'kareem', 'karime'],
  ['sulayman', 'suleiman', 'sulaiman', 'soleiman', 'suleyman', 'sulejman', 'soliman', 'sleiman'],
  ['yahya', 'yahia', 'yehia', 'yahiya'],
  ['ismail', 'ismael', 'esmail', 'ismayil'],
  ['nasir', 'nasser', 'naser', 'nassir', 'nasr'],
  ['qasim', 'kasim', 'qassem', 'kassem', 'qasem', 'kasem', 'qassim'],
  ['jafar', 'jaafar', 'jafer', 'djafar'],
  ['abdulrahman', 'abdurrahman', 'abdelrahman', 'abdalrahman', 'abdirahman'],
  ['aleksandr', 'alexander', 'aleksander', 'alexandr', 'alexandre', 'alexandros', 'aleksandar'],
  ['dmitry', 'dmitriy', 'dmitri', 'dmitrii', 'dimitri', 'dmytro'],
  ['sergey', 'sergei', 'sergej', 'serhiy', 'serhii'],
  ['yuri', 'yury', 'yuriy', 'iurii', 'yurii', 'jurij'],
  ['andrey', 'andrei', 'andrej', 'andriy', 'andrii'],
  ['alexey', 'aleksey', 'alexei', 'aleksei', 'oleksiy', 'oleksii'],
  ['nikolay', 'nikolai', 'nicolai', 'mykola'],
  ['evgeny', 'yevgeny', 'evgeniy', 'yevgeniy', 'evgenii', 'yevhen', 'evgenij'],
  ['vyacheslav', 'viacheslav', 'vjaceslav'],
  ['kim', 'gim'],
  ['lee', 'yi', 'rhee', 'ri'],
  ['park', 'bak', 'pak'],
  ['jong', 'jeong', 'chong', 'jung'],
  ['choi', 'choe'],
];

/**
 * Short forms of legal-form words as registries, invoices and bills of lading write them, used to
 * read a legal form whose words are shortened ("LTD LIABILITY PARTNERSHIP", "PUBLIC JOINT STOCK
 * CO"). Only applied where the full words then form a legal form of the tables.
 */
export const LEGAL_WORD_ABBREVIATIONS: readonly (readonly [string, string])[] = [
  ['ltd', 'limited'],
  ['lim', 'limited'],
  ['co', 'company'],
  ['comp', 'company'],
  ['cie', 'compagnie'],
  ['corp', 'corporation'],
  ['inc', 'incorporated'],
  ['jt', 'joint'],
  ['jnt', 'joint'],
  ['stk', 'stock'],
  ['pub', 'public'],
  ['publ', 'public'],
  ['pvt', 'private'],
  ['priv', 'private'],
  ['ptnshp', 'partnership'],
  ['pship', 'partnership'],
  ['liab', 'liability'],
  ['resp', 'responsabilidad'],
];

/**
 * Abbreviations of common words of company names that the rigour symbol tables lack; in an
 * organisation's name each reads as the word it abbreviates (and so as that word's canonical
 * symbol). Abbreviations that are also given names or syllables ("Petr", "Marit", "Gen", "Eng")
 * are left out.
 */
export const ORG_WORD_ABBREVIATIONS: readonly (readonly [string, string])[] = [
  ['trdg', 'trading'],
  ['intl', 'international'],
  ['indl', 'industrial'],
  ['inds', 'industries'],
  ['shpg', 'shipping'],
  ['mfg', 'manufacturing'],
  ['mfrs', 'manufacturers'],
  ['engg', 'engineering'],
  ['devt', 'development'],
  ['mgmt', 'management'],
  ['mgt', 'management'],
  ['tech', 'technology'],
  ['techs', 'technologies'],
  ['bros', 'brothers'],
  ['assn', 'association'],
  ['assoc', 'association'],
  ['svcs', 'services'],
  ['svc', 'services'],
  ['invt', 'investment'],
  ['genl', 'general'],
  ['natl', 'national'],
  ['constr', 'construction'],
  ['navig', 'navigation'],
  ['distr', 'distribution'],
  ['grp', 'group'],
  ['hldgs', 'holdings'],
  ['hldg', 'holding'],
  ['entp', 'enterprises'],
  ['exp', 'export'],
  ['imp', 'import'],
];

/** Strings one deletion away from a word, and the word itself. */
export function deletions(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Name particles (Arabic nasab and article, European nobiliary particles) and org stop words. */
export const PARTICLES: readonly string[] = [
  'al',
  'el',
  'ul',
  'bin',
  'ibn',
  'ben',
  'bint',
  'binti',
  'ould',
  'de',
  'da',
  'di',
  'del',
  'della',
  'dos',
  'das',
  'du',
  'van',
  'von',
  'der',
  'den',
  'le',
  'la',
  'y',
  'the',
  'of',
  'and',
  'for',
  'und',
  'et',
];

/** Built-in honorifics, used when no rigour table is given. */
const HONORIFICS = [
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'prof',
  'sir',
  'general',
  'colonel',
  'major',
  'captain',
  'mullah',
  'maulavi',
  'maulvi',
  'haji',
  'hajji',
  'sheikh',
  'shaykh',
  // Written in their own scripts, as names in Urdu, Persian, Arabic and Hindi or Nepali are:
  // Janab, Mohtaram, Mohtarma (Urdu), Aqa-ye (Persian), al-Sayyid, al-Sayyida, al-Sheikh (Arabic),
  // Shri, Shrimati, Sushri (Devanagari).
  'جناب',
  'محترم',
  'محترمہ',
  'آقای',
  'السيد',
  'السيدة',
  'الشيخ',
  'श्री',
  'श्रीमती',
  'सुश्री',
];

/**
 * Legal forms the rigour tables lack, as companies write them in their own script: Persian
 * (sherkat-e ba mas'uliyat-e mahdud, sherkat-e sahami-ye khass / am) and Urdu (private limited).
 * The listed name that is only such a form ("شرکت بامسیولیت محدود") is then a legal form too.
 */
const ORG_TYPES: NonNullable<RawNameTables['orgTypes']> = [
  {
    generic: 'LLC',
    aliases: [
      'شرکت با مسئولیت محدود',
      'شرکت با مسیولیت محدود',
      'شرکت بامسئولیت محدود',
      'شرکت بامسیولیت محدود',
    ],
  },
  { generic: 'JSC', aliases: ['شرکت سهامی خاص', 'شرکت سهامی عام', 'سهامی خاص', 'سهامی عام'] },
  { generic: 'LLC', aliases: ['لمیٹڈ', 'پرائیویٹ لمیٹڈ'] },
];

/** Raw tables as the rigour YAML files hold them, already parsed (the adapter reads the files). */
export interface RawNameTables {
  /** `stopwords.yml` `PERSON_NAME_PREFIXES`. */
  personPrefixes?: string[];
  /** `org_types.yml` `types[]`: `{ display, compare, generic, aliases }`. */
  orgTypes?: Array<{ display?: string; compare?: string; generic?: string; aliases?: string[] }>;
  /** `symbols.yml` `org_symbols` and `person_name_parts`: canonical key -> variants. */
  symbols?: Record<string, string[]>;
}

/**
 * Builds the tables from raw word lists. `normalise` turns each phrase into tokens exactly as names
 * are tokenised, so the tables and the names always agree.
 */
export function buildNameTables(raw: RawNameTables, normalise: (s: string) => string[]): NameTables {
  const honorifics = new Set<string>();
  let honorificMaxTokens = 1;
  for (const p of [...HONORIFICS, ...(raw.personPrefixes ?? [])]) {
    const tokens = normalise(p);
    if (tokens.length === 0) continue;
    honorifics.add(tokens.join(' '));
    honorificMaxTokens = Math.max(honorificMaxTokens, tokens.length);
  }
  const legalForms = new Map<string, string>();
  let legalFormMaxTokens = 1;
  for (const t of [...(raw.orgTypes ?? []), ...ORG_TYPES]) {
    const canonical = normalise(t.generic ?? t.compare ?? t.display ?? '').join('');
    if (!canonical) continue;
    for (const alias of [...(t.aliases ?? []), t.display ?? '', t.compare ?? '']) {
      const tokens = normalise(alias);
      if (tokens.length === 0 || tokens.length > 6) continue;
      const key = tokens.join(' ');
      if (!legalForms.has(key)) legalForms.set(key, canonical);
      legalFormMaxTokens = Math.max(legalFormMaxTokens, tokens.length);
    }
  }
  const legalWords = new Map<string, string[]>();
  for (const phrase of legalForms.keys()) {
    for (const word of phrase.split(' ')) {
      if (word.length < 5 || /\d/.test(word)) continue;
      for (const d of deletions(word)) {
        const list = legalWords.get(d);
        if (!list) legalWords.set(d, [word]);
        else if (!list.includes(word)) list.push(word);
      }
    }
  }
  const legalAbbreviations = new Map(LEGAL_WORD_ABBREVIATIONS.map(([a, w]) => [a, w] as [string, string]));
  const equivalents = new Map<string, string>();
  for (const group of NAME_PART_VARIANTS) for (const v of group) equivalents.set(v, group[0]!);
  for (const variants of Object.values(raw.symbols ?? {})) {
    // The group's first spelling is its canonical form (the YAML keys are arbitrary labels).
    const canonical = normalise(String(variants?.[0] ?? '')).join('');
    if (!canonical) continue;
    for (const v of variants ?? []) {
      const tokens = normalise(String(v));
      if (tokens.length === 1 && !equivalents.has(tokens[0]!)) equivalents.set(tokens[0]!, canonical);
    }
  }
  return {
    honorifics,
    honorificMaxTokens,
    legalForms,
    legalFormMaxTokens,
    legalWords,
    legalAbbreviations,
    orgAbbreviations: new Map(ORG_WORD_ABBREVIATIONS.map(([a, w]) => [a, w] as [string, string])),
    equivalents,
    particles: new Set(PARTICLES),
  };
}

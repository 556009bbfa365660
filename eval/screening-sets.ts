/**
 * Evaluation sets of issue 10, generated at evaluation time (nothing is stored in the repository):
 *
 * - non-listed persons and companies in 34 faker locales and a dozen scripts, among them companies
 *   made of one surname and a legal form ("Rossi SpA", "(주)김") and Korean and Chinese names;
 * - listed Korean and Chinese persons with the two syllables of their given name swapped (another
 *   person: a negative);
 * - perturbed listed names of persons, organisations and vessels of all four lists, one query per
 *   applicable perturbation kind.
 *
 * Every query is queried with its party type and again with type unknown (`any`).
 *
 * Every item belongs to the tuning half or the held-out half, fixed by a salted hash of a stable
 * key: the folded name for negatives, the source entity's folded primary name for positives (so
 * the same party listed on several lists, and every perturbation of it, falls in one half).
 * Constants are chosen on the tuning half; the held-out half is what the targets are reported on.
 */
import { allFakers, type Faker } from '@faker-js/faker';
import type { ScreeningIndex } from '../src/core/screening/candidate-index.ts';
import type { EntityType, SanctionedEntity } from '../src/core/screening/entity.ts';
import { foldTokens } from '../src/core/screening/normalise.ts';

export type Split = 'tuning' | 'held-out';

/** Salt of the split hash: changing it would re-deal the halves, so it never changes. */
const SPLIT_SALT = 'greenlane-issue-10-split-v1';
/** Seed of the faker generators and of the perturbations. */
export const SEED = 20261203;

/** FNV-1a, 32 bits: a stable hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The half an item belongs to, from a stable key (never from its position in a set). */
export function splitOf(key: string): Split {
  return (fnv1a(`${SPLIT_SALT}|${foldTokens(key).join(' ')}`) & 1) === 0 ? 'tuning' : 'held-out';
}

/** Small seeded generator (mulberry32) for perturbations: one per item, keyed by the item. */
export function rng(key: string): () => number {
  let a = fnv1a(`${SEED}|${key}`);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NegativeQuery {
  name: string;
  type: 'person' | 'organization';
  /** faker locale, or `swap` for swapped syllables of a listed name. */
  locale: string;
  /** `surname-legal-form` for companies of one surname and a legal form; `faker` otherwise. */
  kind: 'faker' | 'surname-legal-form' | 'syllable-swap';
  split: Split;
  /** For syllable swaps: the listed entity the name came from, `list:entityId`. */
  source?: string;
}

/** Locales with their own name data (faker falls back to English for some others: left out). */
export const LOCALES = [
  'en_US',
  'en_GB',
  'en_IN',
  'en_NG',
  'de',
  'fr',
  'it',
  'es',
  'pt_BR',
  'nl',
  'pl',
  'cs_CZ',
  'hu',
  'lv',
  'sr_RS_latin',
  'tr',
  'az',
  'uz_UZ_latin',
  'id_ID',
  'vi',
  'ru',
  'uk',
  'el',
  'ka_GE',
  'hy',
  'ar',
  'fa',
  'ur',
  'he',
  'ne',
  'th',
  'ko',
  'ja',
  'zh_CN',
] as const;

/** Legal forms companies of one surname carry, per locale (as written there). */
const LEGAL_FORMS: Record<string, string[]> = {
  en_US: ['Inc.', 'LLC', 'Corp.', 'Co.'],
  en_GB: ['Ltd', 'Limited', 'PLC', 'LLP'],
  en_IN: ['Pvt. Ltd.', 'Private Limited', 'Ltd.'],
  en_NG: ['Ltd', 'Nigeria Limited', 'Enterprises'],
  de: ['GmbH', 'AG', 'KG', 'GmbH & Co. KG', 'e.K.'],
  fr: ['SARL', 'SAS', 'SA', 'SNC'],
  it: ['SpA', 'S.r.l.', 'S.p.A.', 'SNC'],
  es: ['S.L.', 'S.A.', 'S.L.U.'],
  pt_BR: ['Ltda.', 'S.A.', 'ME', 'EIRELI'],
  nl: ['B.V.', 'N.V.', 'VOF'],
  pl: ['Sp. z o.o.', 'S.A.', 'Sp. j.'],
  cs_CZ: ['s.r.o.', 'a.s.', 'v.o.s.'],
  hu: ['Kft.', 'Bt.', 'Zrt.', 'Nyrt.'],
  lv: ['SIA', 'AS'],
  sr_RS_latin: ['d.o.o.', 'a.d.'],
  tr: ['A.Ş.', 'Ltd. Şti.', 'Ticaret A.Ş.'],
  az: ['MMC', 'QSC', 'ASC'],
  uz_UZ_latin: ['MChJ', 'AJ', 'XK'],
  id_ID: ['PT', 'CV', 'Tbk'],
  vi: ['Công ty TNHH', 'Công ty Cổ phần'],
  ru: ['ООО', 'АО', 'ПАО', 'ИП'],
  uk: ['ТОВ', 'ПрАТ', 'ФОП'],
  el: ['Α.Ε.', 'Ε.Π.Ε.', 'Ο.Ε.'],
  ka_GE: ['შპს', 'სს'],
  hy: ['ՍՊԸ', 'ՓԲԸ'],
  ar: ['ش.م.م', 'ذ.م.م', 'للتجارة'],
  fa: ['سهامی خاص', 'با مسئولیت محدود'],
  ur: ['پرائیویٹ لمیٹڈ', 'لمیٹڈ'],
  he: ['בע"מ'],
  ne: ['प्रा. लि.', 'लिमिटेड'],
  th: ['จำกัด', 'บริษัท จำกัด'],
  ko: ['(주)', '주식회사', '(유)'],
  ja: ['株式会社', '有限会社', '合同会社'],
  zh_CN: ['有限公司', '股份有限公司'],
};
/** Where the legal form goes: before the surname in these locales. */
const LEGAL_FORM_FIRST = new Set(['ru', 'uk', 'ka_GE', 'az', 'vi', 'id_ID', 'lv']);

/**
 * Non-listed persons and companies: `perLocale` of each per locale from a fixed seed, plus as many
 * one-surname companies. Names equal (as normalised tokens) to a listed name are left out: they
 * are not "non-listed". Another `seed` gives a fresh sample of the same kinds (a diagnostic sample
 * of eval/screening-tune.ts `fresh`).
 */
export function negativeSets(
  perLocale: number,
  isListed: (name: string) => boolean,
  seed = SEED,
): NegativeQuery[] {
  const out: NegativeQuery[] = [];
  const seen = new Set<string>();
  const add = (q: Omit<NegativeQuery, 'split'>) => {
    const key = `${q.type}|${foldTokens(q.name).join(' ')}`;
    if (!q.name.trim() || seen.has(key) || isListed(q.name)) return;
    seen.add(key);
    out.push({ ...q, split: splitOf(q.name) });
  };
  LOCALES.forEach((locale, l) => {
    const faker = allFakers[locale] as Faker;
    faker.seed(seed + l);
    const forms = LEGAL_FORMS[locale] ?? [];
    for (let i = 0; i < perLocale; i++) {
      add({ name: faker.person.fullName(), type: 'person', locale, kind: 'faker' });
      add({ name: faker.company.name(), type: 'organization', locale, kind: 'faker' });
      const surname = faker.person.lastName();
      const form = forms[i % forms.length] ?? 'Ltd';
      const sep = /^(zh|ja)/.test(locale) ? '' : ' ';
      add({
        name:
          LEGAL_FORM_FIRST.has(locale) || form === '(주)'
            ? `${form}${sep}${surname}`
            : `${surname}${sep}${form}`,
        type: 'organization',
        locale,
        kind: 'surname-legal-form',
      });
    }
  });
  return out;
}

/** Korean and Chinese surnames as the lists romanise them (first token of a three-syllable name). */
const EAST_ASIAN_SURNAMES = new Set(
  'kim ri lee yi pak park choe choi jang chang jo cho han o oh kang ju chu yun yoon sin shin hwang ryu yu song paek hyon hyon ko chon jon chong jong an mun son kwon cha nam ro no wang zhang liu chen yang zhao huang zhou wu xu sun ma zhu hu guo he lin luo gao zheng liang xie tang feng deng cao peng zeng xiao tian dong pan yuan cai jiang du ye cheng wei su lu ding ren shen yao jin fu zhong tan'.split(
    ' ',
  ),
);

/** True for a listed name read as Korean or Chinese: surname first, then two one-syllable given-name parts. */
export function eastAsianName(name: string): string[] | undefined {
  const tokens = name.split(/[\s,]+/).filter(Boolean);
  if (tokens.length !== 3) return undefined;
  const folded = tokens.map((t) => foldTokens(t).join(''));
  if (!EAST_ASIAN_SURNAMES.has(folded[0]!)) return undefined;
  if (!folded.slice(1).every((t) => /^[a-z]{1,5}$/.test(t) && /[aeiou]/.test(t))) return undefined;
  if (folded[1] === folded[2]) return undefined;
  return tokens;
}

/**
 * Listed Korean and Chinese persons with their given-name syllables swapped: other people. A
 * swapped name that is listed itself (in that order) is left out.
 */
export function syllableSwaps(index: ScreeningIndex): NegativeQuery[] {
  const out: NegativeQuery[] = [];
  const listed = new Set<string>();
  for (const entity of index.entities)
    for (const n of entity.names) listed.add(foldTokens(n.value).join(' '));
  const seen = new Set<string>();
  for (const entity of index.entities) {
    if (entity.type !== 'person') continue;
    for (const n of entity.names) {
      if (n.quality === 'weak' || n.originalScript) continue;
      const t = eastAsianName(n.value);
      if (!t) continue;
      const name = `${t[0]} ${t[2]} ${t[1]}`;
      const key = foldTokens(name).join(' ');
      if (seen.has(key) || listed.has(key)) continue;
      seen.add(key);
      out.push({
        name,
        type: 'person',
        locale: 'swap',
        kind: 'syllable-swap',
        split: splitOf(n.value),
        source: `${entity.list}:${entity.entityId}`,
      });
    }
  }
  return out;
}

/** Perturbation kinds of positives (issue 10 and the classic ones). */
export const PERTURBATIONS = [
  'exact',
  'typo',
  'reorder',
  'drop-middle',
  'joined-tokens',
  'split-token',
  'al-fusion',
  'patronymic-fusion',
  'korean-given-join',
  'abbreviation',
  'legal-form-short',
  'legal-form-typo',
  'vessel-prefix',
] as const;
export type Perturbation = (typeof PERTURBATIONS)[number];

export interface PositiveQuery {
  name: string;
  type: 'person' | 'organization' | 'vessel';
  kind: Perturbation;
  /** `list:entityId` of the listed entity the query was made from. */
  source: string;
  /** The listed name perturbed. */
  from: string;
  split: Split;
}

/** Trade words and their abbreviations as registries and bills of lading write them. */
export const TRADE_ABBREVIATIONS: Record<string, string> = {
  trading: 'TRDG',
  international: 'INTL',
  industrial: 'INDL',
  industries: 'INDS',
  shipping: 'SHPG',
  manufacturing: 'MFG',
  engineering: 'ENGG',
  development: 'DEVT',
  management: 'MGMT',
  technology: 'TECH',
  technologies: 'TECHS',
  brothers: 'BROS',
  association: 'ASSN',
  services: 'SVCS',
  investment: 'INVT',
  general: 'GENL',
  national: 'NATL',
  import: 'IMP',
  export: 'EXP',
  construction: 'CONSTR',
  petroleum: 'PETR',
  navigation: 'NAVIG',
  maritime: 'MARIT',
};
/** Legal-form words and their short forms. */
export const LEGAL_ABBREVIATIONS: Record<string, string> = {
  limited: 'LTD',
  company: 'CO',
  corporation: 'CORP',
  incorporated: 'INC',
  partnership: 'PTNSHP',
  private: 'PVT',
  public: 'PUB',
  joint: 'JT',
};
const PATRONYMIC = /(ovich|evich|ovych|evych|ich|ovna|evna|ivna|ogly|oglu|kyzy|qizi)$/i;
const PARTICLE = /^(al|el|ul)$/i;

function words(name: string): string[] {
  return name.split(/\s+/).filter(Boolean);
}

/** One edit (substitution, deletion, duplication or swap of letters) inside a word of at least 5 letters. */
function typo(word: string, r: () => number): string {
  const at = 1 + Math.floor(r() * (word.length - 2));
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const upper = word === word.toUpperCase();
  const letter = letters[Math.floor(r() * 26)]!;
  const l = upper ? letter.toUpperCase() : letter;
  switch (Math.floor(r() * 4)) {
    case 0:
      return word.slice(0, at) + l + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word.slice(at + 1);
    case 2:
      return word.slice(0, at) + word[at] + word.slice(at);
    default:
      return word.slice(0, at - 1) + word[at] + word[at - 1] + word.slice(at + 1);
  }
}

const isLetters = (w: string) => /^[A-Za-z][A-Za-z'-]*[A-Za-z.,]?$/.test(w);

/** The perturbations that apply to a listed name, each as a query. */
export function perturb(
  name: string,
  type: 'person' | 'organization' | 'vessel',
  r: () => number,
): Array<{ kind: Perturbation; name: string }> {
  const out: Array<{ kind: Perturbation; name: string }> = [{ kind: 'exact', name }];
  const w = words(name);
  const lower = w.map((x) => x.toLowerCase().replace(/[.,]/g, ''));
  const long = w.map((x, i) => ({ x, i })).filter(({ x }) => isLetters(x) && x.length >= 5);
  if (long.length > 0) {
    const { x, i } = long[Math.floor(r() * long.length)]!;
    out.push({ kind: 'typo', name: [...w.slice(0, i), typo(x, r), ...w.slice(i + 1)].join(' ') });
  }
  if (type === 'person' && w.length >= 2)
    out.push({ kind: 'reorder', name: [w[w.length - 1]!, ...w.slice(0, -1)].join(' ') });
  if (type === 'person' && w.length >= 3) {
    const middle = w.slice(1, -1).findIndex((x) => !PARTICLE.test(x) && isLetters(x));
    if (middle >= 0) out.push({ kind: 'drop-middle', name: w.filter((_, i) => i !== middle + 1).join(' ') });
  }
  // Two adjacent name words written as one (not the particle "al": that is its own kind).
  const pairs: number[] = [];
  for (let i = 0; i + 1 < w.length; i++)
    if (isLetters(w[i]!) && isLetters(w[i + 1]!) && !PARTICLE.test(w[i]!) && w[i]!.length >= 2) pairs.push(i);
  if (pairs.length > 0 && !(type === 'person' && eastAsianName(name))) {
    const i = pairs[Math.floor(r() * pairs.length)]!;
    out.push({
      kind: 'joined-tokens',
      name: [...w.slice(0, i), w[i]! + w[i + 1]!, ...w.slice(i + 2)].join(' '),
    });
  }
  const splittable = w.map((x, i) => ({ x, i })).filter(({ x }) => /^[A-Za-z]{8,}$/.test(x));
  if (splittable.length > 0) {
    const { x, i } = splittable[Math.floor(r() * splittable.length)]!;
    const at = 3 + Math.floor(r() * (x.length - 5));
    out.push({
      kind: 'split-token',
      name: [...w.slice(0, i), x.slice(0, at), x.slice(at), ...w.slice(i + 1)].join(' '),
    });
  }
  // "Al Zawahiri" / "al-Zawahiri" -> "Alzawahiri".
  const al = w.findIndex((x, i) => PARTICLE.test(x) && i + 1 < w.length && isLetters(w[i + 1]!));
  const alHyphen = w.findIndex((x) => /^(al|el)-[A-Za-z]{3,}/i.test(x));
  if (al >= 0)
    out.push({
      kind: 'al-fusion',
      name: [...w.slice(0, al), w[al]! + w[al + 1]!.toLowerCase(), ...w.slice(al + 2)].join(' '),
    });
  else if (alHyphen >= 0)
    out.push({
      kind: 'al-fusion',
      name: w.map((x, i) => (i === alHyphen ? x.replace('-', '') : x)).join(' '),
    });
  if (type === 'person') {
    const p = w.findIndex((x) => PATRONYMIC.test(x) && x.length >= 7);
    if (p >= 0) {
      // Fused to the surname next to it: "Sergei ViktorovichIvanov" or "IVANOVSergei"-style.
      const other = p + 1 < w.length ? p + 1 : p - 1;
      if (other >= 0) {
        const [a, b] = other > p ? [p, other] : [other, p];
        out.push({
          kind: 'patronymic-fusion',
          name: [...w.slice(0, a), w[a]! + w[b]!, ...w.slice(b + 1)].join(' '),
        });
      }
    }
    const east = eastAsianName(name);
    if (east) out.push({ kind: 'korean-given-join', name: `${east[0]} ${east[1]}${east[2]!.toLowerCase()}` });
  }
  if (type !== 'person') {
    const trade = lower.map((x, i) => (TRADE_ABBREVIATIONS[x] ? i : -1)).filter((i) => i >= 0);
    if (trade.length > 0)
      out.push({
        kind: 'abbreviation',
        name: w.map((x, i) => (trade.includes(i) ? TRADE_ABBREVIATIONS[lower[i]!]! : x)).join(' '),
      });
    const legal = lower.map((x, i) => (LEGAL_ABBREVIATIONS[x] ? i : -1)).filter((i) => i >= 0);
    if (legal.length > 0) {
      // Shortened legal form: one of its words abbreviated ("LTD LIABILITY PARTNERSHIP").
      const i = legal[Math.floor(r() * legal.length)]!;
      out.push({
        kind: 'legal-form-short',
        name: w.map((x, k) => (k === i ? LEGAL_ABBREVIATIONS[lower[i]!]! : x)).join(' '),
      });
      const long = legal.filter((k) => lower[k]!.length >= 5);
      if (long.length > 0) {
        const k = long[Math.floor(r() * long.length)]!;
        out.push({ kind: 'legal-form-typo', name: w.map((x, m) => (m === k ? typo(x, r) : x)).join(' ') });
      }
    }
  }
  if (type === 'vessel' && !/^(mv|mt|m\/v)$/i.test(w[0] ?? ''))
    out.push({ kind: 'vessel-prefix', name: `MV ${name}` });
  return out.filter((q, i) => i === 0 || q.name !== name);
}

const typeOf = (t: EntityType): 'person' | 'organization' | 'vessel' =>
  t === 'person' ? 'person' : t === 'vessel' ? 'vessel' : 'organization';

/**
 * Perturbed listed names: for up to `perType` entities of each type (chosen by hash, not by list
 * order), every perturbation that applies to their primary name and, for one strong alias, to it.
 */
export function positiveSets(index: ScreeningIndex, perType: number): PositiveQuery[] {
  const byType = new Map<string, Array<{ entity: SanctionedEntity; h: number }>>();
  for (const entity of index.entities) {
    const t = typeOf(entity.type);
    const list = byType.get(t) ?? [];
    list.push({ entity, h: fnv1a(`${SEED}|${entity.list}:${entity.entityId}`) });
    byType.set(t, list);
  }
  const out: PositiveQuery[] = [];
  for (const [type, list] of byType) {
    list.sort((a, b) => a.h - b.h);
    for (const { entity } of list.slice(0, perType)) {
      const source = `${entity.list}:${entity.entityId}`;
      const primary = entity.names.find((n) => n.quality === 'primary') ?? entity.names[0];
      if (!primary || primary.originalScript) continue;
      const split = splitOf(primary.value);
      const alias = entity.names.find((n) => n.quality === 'strong' && !n.originalScript);
      for (const from of [primary.value, ...(alias ? [alias.value] : [])]) {
        const r = rng(`${source}|${from}`);
        for (const p of perturb(from, type as PositiveQuery['type'], r))
          out.push({ name: p.name, type: type as PositiveQuery['type'], kind: p.kind, source, from, split });
      }
    }
  }
  return out;
}

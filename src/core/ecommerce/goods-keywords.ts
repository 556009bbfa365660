import { escapeRegExp, TermMatcher } from './text-match.ts';

/**
 * Prohibited and restricted goods named in a goods description (H7 18 05 000), in the languages
 * parcels are described in most: English, German, French, Spanish, Italian, Russian and Chinese.
 * A description rarely carries an HS code, so words are often the only sign of what is inside.
 */
export const GOODS_CONCERNS = [
  'counterfeit-medicine',
  'medicine',
  'narcotic',
  'weapon',
  'explosive',
  'counterfeit',
  'ods-refrigerant',
  'cites-wildlife',
  'tobacco-nicotine',
] as const;
export type GoodsConcern = (typeof GOODS_CONCERNS)[number];

/** `inspect`: prohibited or to be seized if confirmed; `hold`: restricted, a licence, permit or prescription decides. */
export const CONCERN_LANE: Record<GoodsConcern, { lane: 'inspect' | 'hold'; label: string }> = {
  'counterfeit-medicine': {
    lane: 'inspect',
    label:
      'a medicine commonly falsified and sold without prescription (WHO: substandard and falsified medical products)',
  },
  medicine: { lane: 'hold', label: 'a medicine: import needs a prescription or marketing authorisation' },
  narcotic: { lane: 'inspect', label: 'a narcotic or psychotropic substance (1961/1971 UN Conventions)' },
  weapon: { lane: 'inspect', label: 'a weapon, its ammunition or a part of it' },
  explosive: { lane: 'inspect', label: 'an explosive or pyrotechnic' },
  counterfeit: {
    lane: 'inspect',
    label: 'goods described as copies of a brand (intellectual property infringement)',
  },
  'ods-refrigerant': {
    lane: 'hold',
    label:
      'an ozone-depleting or fluorinated refrigerant (Montreal Protocol, Kigali Amendment): licence needed',
  },
  'cites-wildlife': { lane: 'hold', label: 'a wildlife product of a CITES-listed species: permit needed' },
  'tobacco-nicotine': { lane: 'hold', label: 'tobacco or nicotine: excise goods, quantity limits' },
};

/** The keyword table: term -> concern, with the term's language (ISO 639-1) for the documentation and tests. */
export const GOODS_KEYWORDS: ReadonlyArray<{ term: string; lang: string; concern: GoodsConcern }> = [
  // Medicines most often falsified in small parcels: erectile dysfunction, weight loss, stimulants.
  ...['sildenafil', 'tadalafil', 'vardenafil', 'viagra', 'cialis', 'kamagra', 'levitra'].map((term) => ({
    term,
    lang: 'en',
    concern: 'counterfeit-medicine' as const,
  })),
  ...['semaglutide', 'ozempic', 'wegovy', 'tirzepatide', 'mounjaro', 'modafinil', 'sibutramine'].map(
    (term) => ({ term, lang: 'en', concern: 'counterfeit-medicine' as const }),
  ),
  { term: '西地那非', lang: 'zh', concern: 'counterfeit-medicine' },
  { term: '他达拉非', lang: 'zh', concern: 'counterfeit-medicine' },
  { term: '司美格鲁肽', lang: 'zh', concern: 'counterfeit-medicine' },
  { term: 'силденафил', lang: 'ru', concern: 'counterfeit-medicine' },
  // Medicines in general.
  ...[
    'prescription drug',
    'antibiotic',
    'amoxicillin',
    'ivermectin',
    'insulin',
    'isotretinoin',
    'tramadol',
  ].map((term) => ({ term, lang: 'en', concern: 'medicine' as const })),
  { term: 'medication', lang: 'en', concern: 'medicine' },
  { term: 'arzneimittel', lang: 'de', concern: 'medicine' },
  { term: 'medikament', lang: 'de', concern: 'medicine' },
  { term: 'antibiotikum', lang: 'de', concern: 'medicine' },
  { term: 'medicament', lang: 'fr', concern: 'medicine' },
  { term: 'antibiotique', lang: 'fr', concern: 'medicine' },
  { term: 'medicamento', lang: 'es', concern: 'medicine' },
  { term: 'antibiotico', lang: 'es', concern: 'medicine' },
  { term: 'farmaco', lang: 'it', concern: 'medicine' },
  { term: 'лекарство', lang: 'ru', concern: 'medicine' },
  { term: 'антибиотик', lang: 'ru', concern: 'medicine' },
  { term: '药品', lang: 'zh', concern: 'medicine' },
  { term: '抗生素', lang: 'zh', concern: 'medicine' },
  // Narcotics and new psychoactive substances.
  ...[
    'cocaine',
    'heroin',
    'fentanyl',
    'carfentanil',
    'nitazene',
    'methamphetamine',
    'mdma',
    'ecstasy pills',
  ].map((term) => ({ term, lang: 'en', concern: 'narcotic' as const })),
  ...['ketamine', 'cannabis', 'marijuana', 'thc vape', 'oxycodone', 'kratom'].map((term) => ({
    term,
    lang: 'en',
    concern: 'narcotic' as const,
  })),
  { term: 'kokain', lang: 'de', concern: 'narcotic' },
  { term: 'cocaina', lang: 'es', concern: 'narcotic' },
  { term: 'кокаин', lang: 'ru', concern: 'narcotic' },
  { term: 'фентанил', lang: 'ru', concern: 'narcotic' },
  { term: '芬太尼', lang: 'zh', concern: 'narcotic' },
  { term: '可卡因', lang: 'zh', concern: 'narcotic' },
  { term: '大麻', lang: 'zh', concern: 'narcotic' },
  // Weapons, parts and ammunition ("gun" alone would catch glue and massage guns).
  ...['pistol', 'handgun', 'revolver', 'firearm', 'rifle', 'shotgun', 'ammunition', 'cartridge 9mm'].map(
    (term) => ({ term, lang: 'en', concern: 'weapon' as const }),
  ),
  ...[
    'silencer',
    'suppressor',
    'gun barrel',
    'switchblade',
    'knuckle duster',
    'brass knuckles',
    'stun gun',
  ].map((term) => ({ term, lang: 'en', concern: 'weapon' as const })),
  { term: 'taser', lang: 'en', concern: 'weapon' },
  { term: 'pepper spray', lang: 'en', concern: 'weapon' },
  { term: 'auto sear', lang: 'en', concern: 'weapon' },
  { term: 'pistole', lang: 'de', concern: 'weapon' },
  { term: 'gewehr', lang: 'de', concern: 'weapon' },
  { term: 'munition', lang: 'de', concern: 'weapon' },
  { term: 'schalldampfer', lang: 'de', concern: 'weapon' },
  { term: 'arme a feu', lang: 'fr', concern: 'weapon' },
  { term: 'fusil', lang: 'fr', concern: 'weapon' },
  { term: 'silencieux', lang: 'fr', concern: 'weapon' },
  { term: 'arma de fuego', lang: 'es', concern: 'weapon' },
  { term: 'municion', lang: 'es', concern: 'weapon' },
  { term: 'silenciador', lang: 'es', concern: 'weapon' },
  { term: 'пистолет', lang: 'ru', concern: 'weapon' },
  { term: 'оружие', lang: 'ru', concern: 'weapon' },
  { term: 'патроны', lang: 'ru', concern: 'weapon' },
  { term: '手枪', lang: 'zh', concern: 'weapon' },
  { term: '枪支', lang: 'zh', concern: 'weapon' },
  { term: '弹药', lang: 'zh', concern: 'weapon' },
  { term: '消音器', lang: 'zh', concern: 'weapon' },
  // Explosives.
  ...['detonator', 'explosive', 'gunpowder', 'black powder', 'blasting cap'].map((term) => ({
    term,
    lang: 'en',
    concern: 'explosive' as const,
  })),
  { term: 'sprengstoff', lang: 'de', concern: 'explosive' },
  { term: 'explosif', lang: 'fr', concern: 'explosive' },
  { term: 'explosivo', lang: 'es', concern: 'explosive' },
  { term: '炸药', lang: 'zh', concern: 'explosive' },
  // Brand copies described as such.
  ...['replica', 'counterfeit', 'knockoff', 'aaa quality', 'mirror quality', 'first copy', '1:1 copy'].map(
    (term) => ({ term, lang: 'en', concern: 'counterfeit' as const }),
  ),
  { term: 'falschung', lang: 'de', concern: 'counterfeit' },
  { term: 'contrefacon', lang: 'fr', concern: 'counterfeit' },
  { term: 'falsificacion', lang: 'es', concern: 'counterfeit' },
  { term: 'contraffazione', lang: 'it', concern: 'counterfeit' },
  { term: 'подделка', lang: 'ru', concern: 'counterfeit' },
  { term: '高仿', lang: 'zh', concern: 'counterfeit' },
  { term: '复刻', lang: 'zh', concern: 'counterfeit' },
  // Ozone-depleting and fluorinated refrigerants (Montreal Protocol Annexes A, C, F).
  ...['r-22', 'r-12', 'r-502', 'hcfc', 'cfc', 'freon', 'halon', 'r-134a', 'r-404a', 'r-410a', 'r-32'].map(
    (term) => ({ term, lang: 'en', concern: 'ods-refrigerant' as const }),
  ),
  { term: 'refrigerant gas', lang: 'en', concern: 'ods-refrigerant' },
  { term: 'kaltemittel', lang: 'de', concern: 'ods-refrigerant' },
  { term: 'fluide frigorigene', lang: 'fr', concern: 'ods-refrigerant' },
  { term: 'gas refrigerante', lang: 'es', concern: 'ods-refrigerant' },
  { term: 'хладагент', lang: 'ru', concern: 'ods-refrigerant' },
  { term: '制冷剂', lang: 'zh', concern: 'ods-refrigerant' },
  { term: '冷媒', lang: 'zh', concern: 'ods-refrigerant' },
  // Wildlife products of CITES-listed taxa.
  ...[
    'ivory',
    'rhino horn',
    'pangolin',
    'tiger bone',
    'tortoiseshell',
    'shark fin',
    'red coral',
    'black coral',
  ].map((term) => ({ term, lang: 'en', concern: 'cites-wildlife' as const })),
  ...['python skin', 'crocodile leather', 'caviar', 'agarwood', 'seahorse', 'bear bile', 'rosewood'].map(
    (term) => ({ term, lang: 'en', concern: 'cites-wildlife' as const }),
  ),
  { term: 'elfenbein', lang: 'de', concern: 'cites-wildlife' },
  { term: 'ivoire', lang: 'fr', concern: 'cites-wildlife' },
  { term: 'marfil', lang: 'es', concern: 'cites-wildlife' },
  { term: 'avorio', lang: 'it', concern: 'cites-wildlife' },
  { term: 'слоновая кость', lang: 'ru', concern: 'cites-wildlife' },
  { term: '象牙', lang: 'zh', concern: 'cites-wildlife' },
  { term: '穿山甲', lang: 'zh', concern: 'cites-wildlife' },
  { term: '犀牛角', lang: 'zh', concern: 'cites-wildlife' },
  { term: '鱼翅', lang: 'zh', concern: 'cites-wildlife' },
  // Tobacco and nicotine.
  ...[
    'cigarette',
    'cigar',
    'e-cigarette',
    'vape',
    'e-liquid',
    'nicotine',
    'snus',
    'tobacco',
    'hookah tobacco',
  ].map((term) => ({ term, lang: 'en', concern: 'tobacco-nicotine' as const })),
  { term: 'zigarette', lang: 'de', concern: 'tobacco-nicotine' },
  { term: 'tabak', lang: 'de', concern: 'tobacco-nicotine' },
  { term: 'cigarrillo', lang: 'es', concern: 'tobacco-nicotine' },
  { term: 'сигареты', lang: 'ru', concern: 'tobacco-nicotine' },
  { term: '电子烟', lang: 'zh', concern: 'tobacco-nicotine' },
  { term: '香烟', lang: 'zh', concern: 'tobacco-nicotine' },
];

/**
 * Harmless phrases that contain a keyword ("water pistol", "ivory white"): removed from a
 * description before the keywords are looked for.
 */
export const HARMLESS_PHRASES: readonly string[] = [
  'water pistol',
  'water gun',
  'toy pistol',
  'nerf',
  'ivory white',
  'ivory color',
  'ivory colour',
  'ivory colored',
  'rifle scope cover',
  'cigar box guitar',
  'cfc free',
  'nicotine free',
  'faux leather',
  'pistolet a eau',
  'wasserpistole',
  'pistola de agua',
  '水枪',
];

const HARMLESS = new RegExp(HARMLESS_PHRASES.map(escapeRegExp).join('|'), 'g');

/** The keyword table compiled once (module scope: the lane's hot path reuses it). */
export const GOODS_KEYWORD_MATCHER = new TermMatcher(
  GOODS_KEYWORDS.map(({ term, concern }) => ({ term, value: concern })),
);

/** Prohibited and restricted goods named in a folded description, harmless phrases left out. */
export function goodsKeywords(folded: string): Array<{ term: string; concern: GoodsConcern }> {
  return GOODS_KEYWORD_MATCHER.find(folded.replace(HARMLESS, ' ')).map(({ term, value }) => ({
    term,
    concern: value,
  }));
}

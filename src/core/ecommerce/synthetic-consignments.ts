import { type Random, seededRandom } from '../model/random.ts';
import type { Consignment } from './consignment.ts';
import { GOODS_CATEGORIES } from './goods-categories.ts';

/**
 * Generated low-value consignments with injected risks, labelled: the training set of the lane's
 * model, the evaluation set (`npm run eval:ecommerce`) and the benchmark load. No real data set of
 * labelled parcels is public; everything here is made up from a seed, so the same seed gives the
 * same consignments byte for byte. It also makes the traps a real lane meets: honest repeat
 * buyers, harmless goods that share words with prohibited ones ("massage gun", "coral dress"),
 * prohibited goods in disguise ("v1agra"), and undervaluation that stays above the price floors.
 */
export const INJECTED_RISKS = ['sanctioned-seller', 'prohibited-goods', 'undervaluation', 'split'] as const;
export type InjectedRisk = (typeof INJECTED_RISKS)[number];

export interface LabelledConsignment {
  consignment: Consignment;
  /** Risks injected into it; empty for a clean consignment. */
  risks: InjectedRisk[];
}

export interface GenerateOptions {
  count: number;
  seed: number;
  /** Names of listed organisations to disguise as sellers (none: no sanctioned sellers). */
  sanctionedNames?: readonly string[];
  /** Share of consignments with each risk (split: share of orders split into 2 to 4 parcels). */
  rates?: Partial<Record<InjectedRisk, number>>;
  /** Distinct sellers (default 3,000): how often the screening cache is hit depends on it. */
  sellers?: number;
  /** First lodging instant, ms since the epoch (default 2026-11-02T00:00Z). */
  startMs?: number;
  /** Mean gap between consignments of the stream, ms (default 2,000). */
  gapMs?: number;
}

export const DEFAULT_RISK_RATES: Record<InjectedRisk, number> = {
  'sanctioned-seller': 0.01,
  'prohibited-goods': 0.02,
  undervaluation: 0.04,
  split: 0.02,
};

const PLATFORMS = ['ShopNova', 'MarketHub', 'DealBazaar', 'Parcelio', 'GlobalCart', 'Kaufstadt'];
const CITIES = ['Shenzhen', 'Guangzhou', 'Yiwu', 'Hangzhou', 'Ningbo', 'Dongguan', 'Xiamen', 'Suzhou'];
const SYLLABLES = [
  'xin',
  'da',
  'hua',
  'tai',
  'long',
  'feng',
  'mei',
  'jia',
  'sheng',
  'yuan',
  'kang',
  'rui',
  'bo',
  'ming',
];
const TRADES = ['Trading', 'Technology', 'E-commerce', 'Industrial', 'Import and Export', 'Electronics'];
const WESTERN = ['Oak', 'River', 'Bright', 'North', 'Blue', 'Summit', 'Maple', 'Silver', 'Harbor', 'Pine'];
const WESTERN_TRADES = ['Goods', 'Supply', 'Outlet', 'Direct', 'Home', 'Gear'];
const FIRST = [
  'Anna',
  'Jan',
  'Marie',
  'Luca',
  'Sofia',
  'Pierre',
  'Eva',
  'Piotr',
  'Lena',
  'Marco',
  'Ines',
  'Tom',
];
const LAST = [
  'Muller',
  'Dubois',
  'Rossi',
  'Garcia',
  'Nowak',
  'Jansen',
  'Peeters',
  'Svensson',
  'Novak',
  'Schmidt',
];
const STREETS = ['Hauptstrasse', 'Rue de la Paix', 'Via Roma', 'Calle Mayor', 'Kerkstraat', 'Ulica Polna'];
const SELLER_COUNTRIES: Array<[string, number]> = [
  ['CN', 0.62],
  ['HK', 0.08],
  ['US', 0.08],
  ['GB', 0.05],
  ['TR', 0.05],
  ['KR', 0.04],
  ['JP', 0.03],
  ['VN', 0.03],
  ['IN', 0.02],
];
const BUYER_COUNTRIES = ['DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'BE', 'SE', 'AT', 'CZ', 'PT', 'IE'];
const CURRENCY_OF: Record<string, string> = {
  CN: 'CNY',
  HK: 'HKD',
  US: 'USD',
  GB: 'GBP',
  JP: 'JPY',
  KR: 'KRW',
};
const ADJECTIVES = [
  'new',
  'wireless',
  'women',
  'men',
  'kids',
  'summer',
  'winter',
  'mini',
  'portable',
  'black',
  'cotton',
];

/** Described goods that look like prohibited ones to a careless matcher, and are not. */
const LOOKALIKES = [
  'massage gun',
  'glue gun',
  'coral dress',
  'python programming book',
  'water pistol toy',
  'ivory white shirt',
];

/** Prohibited or restricted goods as sellers describe them, in clear and in disguise. */
const PROHIBITED_CLEAR = [
  'sildenafil 100mg tablets',
  'generic viagra',
  'Ozempic pen',
  'tramadol 50mg',
  'pistol grip and barrel',
  'ammunition 9mm',
  'R-22 refrigerant gas 13.6kg',
  'freon R12 can',
  'carved ivory figurine',
  'shark fin dried',
  'replica watch AAA quality',
  'Schalldämpfer',
  'Elfenbein Schnitzerei',
  'arme à feu pièces',
  'munición 9mm',
  '西地那非片',
  '电子烟 烟油',
  'сигареты блок',
  'e-liquid nicotine 20mg',
];
const PROHIBITED_DISGUISED = [
  'v1agra pills',
  's1ldenafil',
  'health supplement blue pills',
  'gas cylinder',
  'art carving white',
];
/** Regulated HS codes declared with a bland description (the code is what tells). */
const PROHIBITED_HS: Array<[string, string]> = [
  ['930200', 'metal parts'],
  ['930690', 'metal parts'],
  ['290371', 'cooling liquid'],
  ['293941', 'chemical sample'],
  ['050710', 'decoration'],
];

function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function weighted(r: Random, xs: ReadonlyArray<[string, number]>): string {
  let u = r();
  for (const [x, w] of xs) {
    u -= w;
    if (u <= 0) return x;
  }
  return xs[xs.length - 1]![0];
}

function title(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface SellerProfile {
  name: string;
  country: string;
  id: string;
  platform: string | undefined;
  currency: string;
}

function makeSeller(r: Random, i: number): SellerProfile {
  const country = weighted(r, SELLER_COUNTRIES);
  const name =
    country === 'CN' || country === 'HK'
      ? `${pick(r, CITIES)} ${title(pick(r, SYLLABLES))}${pick(r, SYLLABLES)} ${pick(r, TRADES)} Co., Ltd`
      : `${pick(r, WESTERN)}${pick(r, WESTERN).toLowerCase()} ${pick(r, WESTERN_TRADES)} ${country === 'US' ? 'LLC' : 'Ltd'}`;
  return {
    name,
    country,
    id: `S${String(i).padStart(7, '0')}`,
    platform: r() < 0.85 ? pick(r, PLATFORMS) : undefined,
    currency: r() < 0.6 ? 'EUR' : (CURRENCY_OF[country] ?? 'USD'),
  };
}

/** A listed name, written the way a seller field might carry it. */
function disguise(r: Random, name: string): string {
  const u = r();
  if (u < 0.3) return name.toUpperCase();
  if (u < 0.55) return `${name} Co., Ltd`;
  if (u < 0.75) return name.replace(/[.,]/g, '');
  if (u < 0.9) {
    // One letter doubled or dropped: a typing slip.
    const at = 1 + Math.floor(r() * Math.max(1, name.length - 2));
    return r() < 0.5 ? name.slice(0, at) + name[at] + name.slice(at) : name.slice(0, at) + name.slice(at + 1);
  }
  return name;
}

const RATES: Record<string, number> = {
  EUR: 1,
  USD: 1.08,
  GBP: 0.85,
  CNY: 7.8,
  HKD: 8.4,
  JPY: 160,
  KRW: 1450,
};

type DraftLine = {
  description: string;
  hs6?: string;
  quantity: number;
  eur: number;
  unitMass: number;
};

interface Draft {
  at: number;
  seller: SellerProfile;
  buyer: { name: string; street: string; postcode: string; city: string; country: string };
  lines: DraftLine[];
  packingKg: number;
  risks: InjectedRisk[];
  sellerName?: string;
}

/** Highest honest value of a consignment: the H7 threshold, with a margin for exchange rates. */
const HONEST_CAP_EUR = 148;
/** Goods whose floor is under any part of a split order. */
const CHEAP = GOODS_CATEGORIES.filter((c) => c.minUnitValueEur <= 20);
const DEAR = GOODS_CATEGORIES.filter((c) => ['phone', 'laptop', 'tablet', 'camera'].includes(c.code));

function goodsLine(r: Random, category = pick(r, GOODS_CATEGORIES)): DraftLine {
  let quantity = r() < 0.75 ? 1 : 2 + Math.floor(r() * 3);
  if (category.minUnitValueEur * quantity * 1.05 >= HONEST_CAP_EUR) quantity = 1;
  if (r() < 0.02) {
    // Harmless goods whose words look like prohibited ones, at an ordinary price and weight.
    return { description: pick(r, LOOKALIKES), quantity: 1, eur: 12 + r() * 40, unitMass: 0.3 + r() * 0.5 };
  }
  const term = pick(r, category.terms);
  const description = r() < 0.6 ? `${pick(r, ADJECTIVES)} ${term}` : term;
  // Honest prices: from 1.05 times the floor up, most near the low end (log-uniform), under the threshold.
  const floor = category.minUnitValueEur * quantity;
  const eur = Math.min(
    floor * Math.exp(Math.log(1.05) + r() * Math.log(8 / 1.05)),
    floor * 1.05 + r() * (HONEST_CAP_EUR - floor * 1.05),
  );
  const [lo, hi] = category.unitMassKg;
  const unitMass = lo + r() * (hi - lo) * 0.8;
  const withHs = r() < 0.3 && category.hs[0]?.length === 6;
  return { description, quantity, eur, unitMass, ...(withHs ? { hs6: category.hs[0]! } : {}) };
}

function injectProhibited(r: Random, line: DraftLine): void {
  const v = r();
  delete line.hs6;
  if (v < 0.7) line.description = pick(r, PROHIBITED_CLEAR);
  else if (v < 0.85) line.description = pick(r, PROHIBITED_DISGUISED);
  else {
    const [hs6, description] = pick(r, PROHIBITED_HS);
    line.hs6 = hs6;
    line.description = description;
  }
}

function injectUndervaluation(r: Random, draft: Draft): void {
  if (r() < 0.5) {
    // Declared at 5% to 45% of what the goods cost.
    draft.lines[0]!.eur *= 0.05 + r() * 0.4;
    return;
  }
  // Dear goods worth 1.5 to 3 times their floor, several of them, declared just under the threshold.
  const line = goodsLine(r, pick(r, DEAR));
  line.quantity = 2 + Math.floor(r() * 3);
  line.eur = 110 + r() * 38;
  draft.lines = [line];
}

/**
 * Generates `count` consignments in lodging order, each with the risks injected into it.
 *
 * @example
 * const set = generateConsignments({ count: 10_000, seed: 7, sanctionedNames: ['ACME TRADING LLC'] });
 */
export function generateConsignments(options: GenerateOptions): LabelledConsignment[] {
  const r = seededRandom(options.seed);
  const rates = { ...DEFAULT_RISK_RATES, ...options.rates };
  const sanctioned = options.sanctionedNames ?? [];
  if (sanctioned.length === 0) rates['sanctioned-seller'] = 0;
  const sellers = Array.from({ length: options.sellers ?? 3000 }, (_, i) => makeSeller(r, i));
  const gap = options.gapMs ?? 2000;
  const drafts: Draft[] = [];
  let t = options.startMs ?? Date.UTC(2026, 10, 2);
  const buyer = () => ({
    name: `${pick(r, FIRST)} ${pick(r, LAST)}`,
    street: `${pick(r, STREETS)} ${1 + Math.floor(r() * 200)}`,
    postcode: String(10000 + Math.floor(r() * 89999)),
    city: `City${Math.floor(r() * 500)}`,
    country: pick(r, BUYER_COUNTRIES),
  });
  // Sellers ship in a Zipf-like way: a few ship most parcels.
  const sellerAt = () => sellers[Math.floor(sellers.length * r() ** 2.5)]!;
  while (drafts.length < options.count) {
    t += gap * -Math.log(1 - r());
    const lines = [goodsLine(r)];
    if (r() < 0.15) {
      const second = goodsLine(r);
      if (lines[0]!.eur + second.eur <= HONEST_CAP_EUR) lines.push(second);
    }
    const draft: Draft = {
      at: t,
      seller: sellerAt(),
      buyer: buyer(),
      lines,
      packingKg: 0.05 + r() * 0.25,
      risks: [],
    };
    const u = r();
    // Cumulative shares: one draw picks at most one injected risk.
    const edges = [
      rates['sanctioned-seller'],
      rates['sanctioned-seller'] + rates['prohibited-goods'],
      rates['sanctioned-seller'] + rates['prohibited-goods'] + rates.undervaluation,
      rates['sanctioned-seller'] + rates['prohibited-goods'] + rates.undervaluation + rates.split,
    ] as const;
    if (u < edges[0]) {
      draft.risks.push('sanctioned-seller');
      draft.sellerName = disguise(r, pick(r, sanctioned));
    } else if (u < edges[1]) {
      draft.risks.push('prohibited-goods');
      injectProhibited(r, lines[0]!);
    } else if (u < edges[2]) {
      draft.risks.push('undervaluation');
      injectUndervaluation(r, draft);
    } else if (u < edges[3]) {
      // One order of 200 to 450 EUR split into 2 to 4 parcels lodged within two days; the parcels
      // after the first are the risk (with those before them they pass the threshold).
      const parts = 2 + Math.floor(r() * 3);
      const each = Math.min(149, (200 + r() * 250) / parts);
      const part = (): DraftLine => {
        const line = goodsLine(r, pick(r, CHEAP));
        line.quantity = 1;
        line.eur = each;
        return line;
      };
      draft.lines = [part()];
      for (let p = 1; p < parts; p++) {
        const line = part();
        drafts.push({ ...draft, at: draft.at + r() * 48 * 3600_000, lines: [line], risks: ['split'] });
      }
    } else if (r() < 0.03) {
      // An honest customer ordering again from the same seller within three days.
      drafts.push({ ...draft, at: draft.at + r() * 72 * 3600_000, lines: [goodsLine(r)], risks: [] });
    }
    drafts.push(draft);
  }
  drafts.sort((a, b) => a.at - b.at);
  return drafts.slice(0, options.count).map((d, i) => toConsignment(d, i, options.seed));
}

function toConsignment(d: Draft, i: number, seed: number): LabelledConsignment {
  const currency = d.seller.currency;
  const rate = RATES[currency] ?? 1;
  const money = (eur: number) => Math.round(eur * rate * 100) / 100;
  const consignment: Consignment = {
    id: `LV${seed}-${String(i).padStart(8, '0')}`,
    regime: 'eu-h7',
    lodgedAt: new Date(Math.round(d.at)).toISOString(),
    seller: {
      name: d.sellerName ?? d.seller.name,
      country: d.seller.country,
      id: d.sellerName ? `X${i}` : d.seller.id,
    },
    buyer: d.buyer,
    ...(d.seller.platform ? { platform: { name: d.seller.platform } } : {}),
    ...(d.seller.platform ? { iossNumber: `IM${String(2760000000 + (i % 9999999)).padStart(10, '0')}` } : {}),
    currency,
    grossMassKg:
      Math.round((d.packingKg + d.lines.reduce((m, l) => m + l.unitMass * l.quantity, 0)) * 1000) / 1000,
    transport: { mode: 'post', trackingNumber: `TRK${seed}${i}` },
    items: d.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      value: money(l.eur),
      ...(l.hs6 ? { hs6: l.hs6 } : {}),
    })),
  };
  return { consignment, risks: d.risks };
}

import type { Declaration, GoodsItem, Party, PartyRole } from '../declaration/declaration.ts';
import { PARTY_ROLES } from '../declaration/declaration.ts';
import { instantMs } from '../declaration/validation.ts';
import type { ReferenceData, RegulatoryFlag } from '../reference/reference-data.ts';
import { regulatoryFlagsFor } from '../reference/reference-data.ts';
import { bandMedian, type PriceBand, type PriceBandLookup, robustZ } from './price-bands.ts';
import {
  type CONFIDENCES,
  type Criterion,
  isItemLeaf,
  type LeafKind,
  type LeafSpec,
  type MoneyRange,
  type QuantityRange,
} from './risk-profile.ts';

/**
 * Turns a criteria tree into closures once, so evaluating a declaration runs no JSON
 * interpretation: lists become Sets, regulatory concerns become a Set of HS codes, ranges become
 * comparisons. Each node can also explain itself: which facts made it true (or false).
 */

/** What a criterion sees: the declaration, its lodgement time and the pipeline's facts. */
export interface EvaluationScope {
  declaration: Declaration;
  /** Lodgement time, epoch ms. */
  lodgedAt: number;
  priceBands: PriceBandLookup | undefined;
  firstTimeTraders: ReadonlySet<PartyRole> | undefined;
}

/** Facts gathered while explaining a node: about the declaration, and about the current item. */
export interface Facts {
  declaration: string[];
  item: string[];
}

export interface CompiledCriterion {
  /** True when some leaf looks at goods items: the tree is then evaluated per item. */
  readonly perItem: boolean;
  test(scope: EvaluationScope, item: GoodsItem | undefined): boolean;
  /** Same result as `test`, recording the facts that justify it. */
  explain(scope: EvaluationScope, item: GoodsItem | undefined, out: Facts): boolean;
}

interface Leaf {
  test(scope: EvaluationScope, item: GoodsItem): boolean;
  describe(scope: EvaluationScope, item: GoodsItem, holds: boolean): string;
}

/** Three significant digits, no locale (messages must be identical on every server). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${pct < 1 ? Number(pct.toPrecision(2)) : Math.round(pct)}%`;
}

/** A list as an officer reads it: "CITES", "3002 or 3003", "KP, IR or SY", long lists cut short. */
function listText(values: Iterable<string>): string {
  const all = [...values];
  if (all.length > 8) return `${all.slice(0, 6).join(', ')} or one of ${all.length - 6} more`;
  if (all.length <= 1) return all[0] ?? '';
  return `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
}

function inRange(r: QuantityRange, x: number): boolean {
  return (
    (r.gt === undefined || x > r.gt) &&
    (r.gte === undefined || x >= r.gte) &&
    (r.lt === undefined || x < r.lt) &&
    (r.lte === undefined || x <= r.lte)
  );
}

function rangeText(r: QuantityRange): string {
  const parts: string[] = [];
  if (r.gt !== undefined) parts.push(`> ${formatNumber(r.gt)}`);
  if (r.gte !== undefined) parts.push(`>= ${formatNumber(r.gte)}`);
  if (r.lt !== undefined) parts.push(`< ${formatNumber(r.lt)}`);
  if (r.lte !== undefined) parts.push(`<= ${formatNumber(r.lte)}`);
  return parts.join(' and ');
}

/** Item value as WCO DM 4/9 invoice amount, else the customs value (4/16). */
export function itemValue(item: GoodsItem): number | undefined {
  return item.invoiceValue ?? item.customsValue;
}

/** Value per kg of net mass; undefined when either is missing or the mass is zero. */
export function unitPriceOf(item: GoodsItem): number | undefined {
  const value = itemValue(item);
  if (value === undefined || item.netMass === undefined || !(item.netMass > 0)) return undefined;
  return value / item.netMass;
}

/** A leaf comparing a money amount with a range, honouring the range's currency restriction. */
function moneyLeaf(
  what: string,
  per: string,
  r: MoneyRange,
  get: (scope: EvaluationScope, item: GoodsItem) => number | undefined,
): Leaf {
  return {
    test: (s, item) => {
      if (r.currency !== undefined && r.currency !== s.declaration.currency) return false;
      const x = get(s, item);
      return x !== undefined && inRange(r, x);
    },
    describe: (s, item, holds) => {
      if (r.currency !== undefined && r.currency !== s.declaration.currency) {
        return `${what} is in ${s.declaration.currency}, the criterion in ${r.currency}`;
      }
      const x = get(s, item);
      if (x === undefined) return `${what} not declared`;
      return `${what} ${formatNumber(x)} ${s.declaration.currency}${per} is${holds ? '' : ' not'} ${rangeText(r)}`;
    },
  };
}

function inListLeaf(
  what: string,
  codes: string[],
  get: (s: EvaluationScope, item: GoodsItem) => string | undefined,
): Leaf {
  const set = new Set(codes);
  return {
    test: (s, item) => {
      const c = get(s, item);
      return c !== undefined && set.has(c);
    },
    describe: (s, item, holds) => {
      const c = get(s, item);
      if (c === undefined) return `${what} not declared`;
      return `${what} ${c} is${holds ? '' : ' not'} in ${listText(set)}`;
    },
  };
}

function prefixSetTest(prefixes: string[]): (code: string) => boolean {
  const set = new Set(prefixes);
  const lengths = [...new Set(prefixes.map((p) => p.length))];
  return (code) => {
    for (const n of lengths) if (set.has(code.slice(0, n))) return true;
    return false;
  };
}

/** Last millisecond covered by a "valid until" instant: a date alone means the end of that day. */
export function validUntilMs(value: string): number {
  return instantMs(value) + (value.length === 10 ? 86_400_000 - 1 : 0);
}

/** Whether a supporting document is in force at an instant. */
function documentValidAt(doc: { validFrom?: string; validUntil?: string }, at: number): boolean {
  if (doc.validFrom !== undefined && instantMs(doc.validFrom) > at) return false;
  return doc.validUntil === undefined || validUntilMs(doc.validUntil) >= at;
}

function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toUpperCase();
}

function partyCountry(p: Party): string | undefined {
  return p.country ?? p.address?.country;
}

const CONFIDENCE_RANK: Record<(typeof CONFIDENCES)[number], number> = { high: 0, medium: 1, low: 2 };

type LeafFactory<K extends LeafKind> = (spec: LeafSpec[K], reference: ReferenceData) => Leaf;

const LEAVES: { [K in LeafKind]: LeafFactory<K> } = {
  hsPrefix: (prefixes) => {
    const matches = prefixSetTest(prefixes);
    return {
      test: (_s, item) => matches(item.hsCode),
      describe: (_s, item, holds) => `HS ${item.hsCode} is${holds ? '' : ' not'} under ${listText(prefixes)}`,
    };
  },
  originCountry: (codes) => inListLeaf('origin', codes, (_s, item) => item.originCountry),
  itemValue: (r) => moneyLeaf('item value', '', r, (_s, item) => itemValue(item)),
  netMass: (r) => ({
    test: (_s, item) => item.netMass !== undefined && inRange(r, item.netMass),
    describe: (_s, item, holds) =>
      item.netMass === undefined
        ? 'net mass not declared'
        : `net mass ${formatNumber(item.netMass)} kg is${holds ? '' : ' not'} ${rangeText(r)}`,
  }),
  unitPrice: (r) => moneyLeaf('unit price', '/kg', r, (_s, item) => unitPriceOf(item)),
  unitPriceBelowBand: ({ ratio, minSamples, fallbackToHs6 }) => {
    const bandFor = (s: EvaluationScope, item: GoodsItem): { band: PriceBand; scope: string } | undefined => {
      const bands = s.priceBands;
      if (!bands || bands.currency !== s.declaration.currency) return undefined;
      const hs6 = item.hsCode.slice(0, 6);
      const own = bands.byOrigin(hs6, item.originCountry);
      if (own && own.count >= minSamples)
        return { band: own, scope: `for HS ${hs6} from ${item.originCountry}` };
      if (!fallbackToHs6) return undefined;
      const all = bands.byHs6(hs6);
      if (all && all.count >= minSamples) return { band: all, scope: `for HS ${hs6}, all origins` };
      return undefined;
    };
    return {
      test: (s, item) => {
        const price = unitPriceOf(item);
        if (price === undefined) return false;
        const found = bandFor(s, item);
        return found !== undefined && price < ratio * bandMedian(found.band);
      },
      describe: (s, item, holds) => {
        const price = unitPriceOf(item);
        if (price === undefined) return 'unit price unknown (value or net mass missing)';
        const found = bandFor(s, item);
        const cur = s.declaration.currency;
        if (!found) {
          if (s.priceBands && s.priceBands.currency !== cur) {
            return `price bands are in ${s.priceBands.currency}, the declaration in ${cur}`;
          }
          return `no price band with at least ${minSamples} observations for HS ${item.hsCode.slice(0, 6)} from ${item.originCountry}`;
        }
        const median = bandMedian(found.band);
        const z = robustZ(found.band, price);
        return (
          `unit price ${formatNumber(price)} ${cur}/kg is ${formatPercent(price / median)} of the median ` +
          `${formatNumber(median)} ${found.scope} (n=${found.band.count}` +
          `${z === undefined ? '' : `, robust z ${formatNumber(z)}`})` +
          `${holds ? '' : `, not below ${formatPercent(ratio)}`}`
        );
      },
    };
  },
  regulatoryConcern: ({ concern, subconcern, minConfidence }, reference) => {
    const concerns = new Set(concern);
    const subconcerns = subconcern && new Set(subconcern);
    const maxRank = CONFIDENCE_RANK[minConfidence];
    const relevant = (f: RegulatoryFlag) =>
      concerns.has(f.concern) &&
      (subconcerns === undefined || subconcerns.has(f.subconcern)) &&
      (CONFIDENCE_RANK[f.confidence] ?? CONFIDENCE_RANK.low) <= maxRank;
    // Flags are keyed by 4- or 6-digit HS 2022 codes; an item matches on its heading or subheading.
    const codes = new Set<string>();
    for (const [code, flags] of reference.regulatory) if (flags.some(relevant)) codes.add(code);
    return {
      test: (_s, item) => codes.has(item.hsCode.slice(0, 6)) || codes.has(item.hsCode.slice(0, 4)),
      describe: (_s, item, holds) => {
        if (!holds) return `HS ${item.hsCode} has no ${listText(concerns)} flag`;
        const flags = regulatoryFlagsFor(reference, item.hsCode).filter(relevant);
        const named = flags.map((f) => `${f.concern}/${f.subconcern} (${f.confidence})`);
        return `HS ${item.hsCode} is flagged ${[...new Set(named)].join(', ')}`;
      },
    };
  },
  missingDocument: ({ types }) => {
    const wanted = new Set(types);
    return {
      test: (s, item) => !item.documents.some((d) => wanted.has(d.type) && documentValidAt(d, s.lodgedAt)),
      describe: (s, item, holds) => {
        const docs = item.documents.filter((d) => wanted.has(d.type));
        if (!holds) {
          const valid = docs.find((d) => documentValidAt(d, s.lodgedAt))!;
          return `item carries ${valid.type} ${valid.reference}, valid at lodgement`;
        }
        if (docs.length === 0) return `item carries no ${listText(wanted)} document`;
        return `item's ${docs.map((d) => `${d.type} ${d.reference}`).join(', ')} not valid at lodgement ${s.declaration.lodgedAt}`;
      },
    };
  },
  dispatchCountry: (codes) => inListLeaf('dispatch country', codes, (s) => s.declaration.dispatchCountry),
  destinationCountry: (codes) =>
    inListLeaf('destination country', codes, (s) => s.declaration.destinationCountry),
  routeIncludes: (codes) => {
    const set = new Set(codes);
    const hit = (route: readonly string[]) => route.find((c) => set.has(c) || set.has(c.slice(0, 2)));
    return {
      test: (s) => hit(s.declaration.route) !== undefined,
      describe: (s, _item, holds) => {
        const route = s.declaration.route;
        if (route.length === 0) return 'no route declared';
        return holds ? `route passes ${hit(route)}` : `route ${route.join(' > ')} avoids ${listText(set)}`;
      },
    };
  },
  customsOffice: (codes) => inListLeaf('customs office', codes, (s) => s.declaration.customsOffice),
  transportMode: (modes) => inListLeaf('transport mode', modes, (s) => s.declaration.transport?.mode),
  party: ({ role, id, name, country }) => {
    const roles: readonly PartyRole[] = role ?? PARTY_ROLES;
    const ids = id && new Set(id);
    const names = name && new Set(name.map(normaliseName));
    const countries = country && new Set(country);
    const matches = (p: Party) =>
      (ids === undefined || (p.id !== undefined && ids.has(p.id))) &&
      (names === undefined || (p.name !== undefined && names.has(normaliseName(p.name)))) &&
      (countries === undefined || countries.has(partyCountry(p) ?? ''));
    const matching = (d: Declaration) => roles.find((r) => d[r] !== undefined && matches(d[r]!));
    return {
      test: (s) => matching(s.declaration) !== undefined,
      describe: (s, _item, holds) => {
        const r = matching(s.declaration);
        if (!holds || r === undefined) return `no ${roles.join('/')} matches the party criterion`;
        const p = s.declaration[r]!;
        const shown = [p.name, p.id && `id ${p.id}`, partyCountry(p)].filter(Boolean).join(', ');
        return `${r} ${shown} matches`;
      },
    };
  },
  invoiceTotal: (r) => moneyLeaf('invoice total', '', r, (s) => s.declaration.invoiceTotal),
  firstTimeTrader: ({ role }) => ({
    test: (s) => s.firstTimeTraders?.has(role) === true,
    describe: (_s, _item, holds) => `${role} ${holds ? 'has never been seen before' : 'has declared before'}`,
  }),
  trustedTrader: ({ role, trusted }) => ({
    test: (s) => {
      const p = s.declaration[role];
      return p !== undefined && (p.trustedTrader === true) === trusted;
    },
    describe: (s, _item) => {
      const p = s.declaration[role];
      if (!p) return `no ${role} declared`;
      return `${role} is ${p.trustedTrader === true ? '' : 'not '}an authorised economic operator`;
    },
  }),
};

function compileLeaf(kind: LeafKind, spec: unknown, reference: ReferenceData): CompiledCriterion {
  const leaf = (LEAVES[kind] as LeafFactory<LeafKind>)(spec as LeafSpec[LeafKind], reference);
  const perItem = isItemLeaf(kind);
  // Declaration leaves never read the item; the cast keeps one Leaf signature for both kinds.
  const test = leaf.test as (s: EvaluationScope, item: GoodsItem | undefined) => boolean;
  const describe = leaf.describe as (
    s: EvaluationScope,
    item: GoodsItem | undefined,
    holds: boolean,
  ) => string;
  return {
    perItem,
    test,
    explain: (s, item, out) => {
      const holds = test(s, item);
      (perItem ? out.item : out.declaration).push(describe(s, item, holds));
      return holds;
    },
  };
}

/**
 * Compiles a criteria tree. In `all` and `any`, declaration-level children run first: they are
 * the same for every item, so a false one (for `all`) ends the item loop early.
 */
export function compileCriterion(criterion: Criterion, reference: ReferenceData): CompiledCriterion {
  if ('all' in criterion || 'any' in criterion) {
    const isAll = 'all' in criterion;
    const children = (isAll ? criterion.all : criterion.any)
      .map((c) => compileCriterion(c, reference))
      .sort((a, b) => Number(a.perItem) - Number(b.perItem));
    const n = children.length;
    return {
      perItem: children.some((c) => c.perItem),
      test: isAll
        ? (s, item) => {
            for (let i = 0; i < n; i++) if (!children[i]!.test(s, item)) return false;
            return true;
          }
        : (s, item) => {
            for (let i = 0; i < n; i++) if (children[i]!.test(s, item)) return true;
            return false;
          },
      // An `all` is explained by all its children when true and by its first false child when
      // false; an `any` by its first true child when true and by all its children when false.
      explain: (s, item, out) => {
        for (const child of children) {
          if (child.test(s, item) !== isAll) {
            child.explain(s, item, out);
            return !isAll;
          }
        }
        for (const child of children) child.explain(s, item, out);
        return isAll;
      },
    };
  }
  if ('not' in criterion) {
    const child = compileCriterion(criterion.not, reference);
    return {
      perItem: child.perItem,
      test: (s, item) => !child.test(s, item),
      explain: (s, item, out) => !child.explain(s, item, out),
    };
  }
  const [kind, spec] = Object.entries(criterion)[0] as [LeafKind, unknown];
  return compileLeaf(kind, spec, reference);
}

import { gs1CheckDigit } from '../src/core/declaration/gs1.ts';
import type { ProductInput } from '../src/core/medical/product.ts';

/**
 * The generated scenario of `npm run eval:medical` (docs/QUALITY.md, docs/MEDICAL.md): a registry
 * of products with lots and serials, legitimate declarations of them, and counterfeit patterns
 * injected into copies of legitimate declarations. Everything follows from the seed.
 */

/** mulberry32: a small seeded generator, so a seed fixes the whole scenario. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PATTERNS = [
  'unknown-lot',
  'over-quantity',
  'cloned-serial',
  'wrong-manufacturer',
  'unauthorised-route',
  'price-40-below',
  'expired',
] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface ScenarioSize {
  products: number;
  lotsPerProduct: number;
  serialsPerLot: number;
  legitimate: number;
  perPattern: number;
}

export const FULL: ScenarioSize = {
  products: 300,
  lotsPerProduct: 5,
  serialsPerLot: 200,
  legitimate: 5000,
  perPattern: 200,
};

export interface ScenarioDeclaration {
  value: Record<string, unknown>;
  /** `legitimate`, or the injected pattern. */
  kind: 'legitimate' | Pattern;
  /** A legitimate declaration that meets the fast lane's conditions (authorised medical goods, trusted importer, pre-arrival). */
  fastLaneEligible: boolean;
}

const MAKER_COUNTRIES = ['IN', 'BE', 'DE', 'US', 'CH', 'FR', 'IE', 'IT'];
/** Countries no registered product may be shipped from or through in the scenario. */
const OFF_ROUTE = ['AE', 'HK', 'TR', 'NG', 'PK'];
const PORTS: Record<string, string> = {
  IN: 'INNSA',
  BE: 'BEANR',
  DE: 'DEHAM',
  US: 'USNYC',
  CH: 'CHBSL',
  FR: 'FRLEH',
  IE: 'IEDUB',
  IT: 'ITGOA',
  AE: 'AEJEA',
  HK: 'HKHKG',
  TR: 'TRIST',
  NG: 'NGLOS',
  PK: 'PKKHI',
};
const HS = ['300241', '300490', '300215', '300420', '300212', '300610'];
/** 3006.10 (sterile suture materials) carries no `medical` flag in hs-regulatory: never fast lane. */
const NOT_FLAGGED_MEDICAL = new Set(['300610']);
const FORMS = ['suspension for injection', 'film-coated tablet', 'powder for solution', 'capsule'];

export interface Scenario {
  products: ProductInput[];
  declarations: ScenarioDeclaration[];
}

interface LotState {
  lot: string;
  expiry: string;
  released: number;
  declared: number;
  serials: string[];
  nextSerial: number;
  recalled: boolean;
  expired: boolean;
}

/**
 * Builds the scenario. Legitimate declarations use valid, unrecalled, unexpired lots within what
 * was released, fresh serials, authorised parties and routes, prices inside the range and
 * transport within the cold-chain budget; each injected case is a legitimate-looking declaration
 * with one pattern applied.
 */
export function buildScenario(seed: number, size: ScenarioSize = FULL): Scenario {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const products: ProductInput[] = [];
  const lots = new Map<string, LotState[]>();
  const prefix = 9500000 + int(0, 99999);
  for (let p = 0; p < size.products; p++) {
    const body = `0${prefix}${String(p).padStart(5, '0')}`;
    const gtin = `${body}${gs1CheckDigit(body)}`;
    const makerCountry = pick(MAKER_COUNTRIES);
    const exporterCountry = r() < 0.5 ? makerCountry : pick(MAKER_COUNTRIES);
    const min = Math.round((2 + r() * 80) * 100) / 100;
    const states: LotState[] = [];
    for (let l = 0; l < size.lotsPerProduct; l++) {
      const expired = l === 0; // the first lot of each product has expired (never legitimately declared)
      const year = expired ? 2025 : 2027 + (l % 3);
      states.push({
        lot: `L${p}-${l}${String.fromCharCode(65 + int(0, 25))}`,
        expiry: `${year}-${String(int(1, 12)).padStart(2, '0')}-28`,
        released: int(20_000, 60_000),
        declared: 0,
        serials: Array.from(
          { length: size.serialsPerLot },
          (_, s) => `${p.toString(36)}${l}${s.toString(36).padStart(3, '0')}${int(10, 99)}`,
        ),
        nextSerial: 0,
        recalled: l === 1 && p % 10 === 0,
        expired,
      });
    }
    lots.set(gtin, states);
    const vaccine = products.length % 3 === 0;
    products.push({
      gtin,
      name: `Product ${p}`,
      brand: `Brand${Math.floor(p / 6)}`,
      form: pick(FORMS),
      strength: `${int(1, 500)} mg`,
      hsCode: vaccine ? '300241' : pick(HS),
      manufacturers: [{ name: `Maker ${p} Pharma`, site: `Site ${p}`, country: makerCountry }],
      exporters: [{ id: `EXP-${p}`, name: `Exporter ${p} Ltd`, country: exporterCountry }],
      importers: [],
      routeCountries: [...new Set([makerCountry, exporterCountry])],
      unitPrice: { currency: 'EUR', min, max: Math.round(min * 1.6 * 100) / 100 },
      ...(vaccine ? { coldChain: { minCelsius: 2, maxCelsius: 8, maxUnrefrigeratedHours: 24 } } : {}),
      lots: states.map((s) => ({
        lot: s.lot,
        expiry: s.expiry,
        quantityReleased: s.released,
        recalled: s.recalled,
        serials: s.serials,
      })),
    });
  }

  const importers = Array.from({ length: 40 }, (_, i) => ({
    id: `NL-IMP-${i}`,
    name: `Importer ${i} BV`,
    country: 'NL',
    trusted: i < 28,
  }));
  let n = 0;
  const legitimate = (): {
    value: Record<string, unknown>;
    product: ProductInput;
    lot: LotState;
    eligible: boolean;
  } => {
    const product = pick(products);
    const states = lots.get(product.gtin)!;
    const usable = states.filter((s) => !s.recalled && !s.expired && s.nextSerial + 3 <= s.serials.length);
    const lot = pick(usable.length > 0 ? usable : states.slice(2));
    const units = int(50, 500);
    lot.declared += units;
    const serials = lot.serials.slice(lot.nextSerial, lot.nextSerial + 3);
    lot.nextSerial += 3;
    const price = product.unitPrice!;
    const unit = price.min + r() * (price.max - price.min);
    const exporter = product.exporters![0]!;
    const maker = product.manufacturers[0]!;
    const importer = pick(importers);
    const day = int(1, 27);
    const preArrival = r() < 0.85;
    const lodged = `2026-05-${String(day).padStart(2, '0')}T08:00:00Z`;
    const arrival = `2026-05-${String(day + (preArrival ? 1 : 0)).padStart(2, '0')}T${preArrival ? '08' : '06'}:00:00Z`;
    const value: Record<string, unknown> = {
      id: `MED-${seed}-${n++}`,
      type: 'import',
      customsOffice: 'NL000396',
      lodgedAt: lodged,
      arrivalAt: arrival,
      importer: { id: importer.id, name: importer.name, country: 'NL', trustedTrader: importer.trusted },
      exporter: { id: exporter.id, name: exporter.name, country: exporter.country },
      dispatchCountry: exporter.country,
      destinationCountry: 'NL',
      route: [PORTS[exporter.country!]!, 'NLRTM'],
      transport: { mode: 'air' },
      currency: 'EUR',
      items: [
        {
          sequence: 1,
          hsCode: product.hsCode,
          description: `${product.brand} ${product.name}`,
          originCountry: maker.country,
          manufacturer: maker.name,
          gtin: product.gtin,
          lot: lot.lot,
          expiry: lot.expiry,
          serials,
          supplementaryQuantity: units,
          supplementaryUnit: 'NAR',
          invoiceValue: Math.round(unit * units * 100) / 100,
          ...(product.coldChain ? { unrefrigeratedHours: int(0, 20) } : {}),
        },
      ],
    };
    return {
      value,
      product,
      lot,
      eligible: importer.trusted && preArrival && !NOT_FLAGGED_MEDICAL.has(product.hsCode),
    };
  };

  const declarations: ScenarioDeclaration[] = [];
  for (let i = 0; i < size.legitimate; i++) {
    const { value, eligible } = legitimate();
    declarations.push({ value, kind: 'legitimate', fastLaneEligible: eligible });
  }
  const declaredSerials = declarations.flatMap((d) => {
    const item = (d.value.items as Array<Record<string, unknown>>)[0]!;
    return (item.serials as string[]).map((s) => ({
      gtin: item.gtin as string,
      lot: item.lot as string,
      serial: s,
    }));
  });
  const injected: ScenarioDeclaration[] = [];
  for (const pattern of PATTERNS) {
    for (let i = 0; i < size.perPattern; i++) {
      const { value, product, lot } = legitimate();
      const item = (value.items as Array<Record<string, unknown>>)[0]!;
      value.id = `FAKE-${seed}-${pattern}-${i}`;
      switch (pattern) {
        case 'unknown-lot':
          item.lot = `X${int(1000, 99999)}`;
          break;
        case 'over-quantity':
          // One shipment claiming more packs than remain of what the lot ever released.
          item.supplementaryQuantity =
            lot.released - lot.declared + int(1, 5000) + (item.supplementaryQuantity as number);
          item.invoiceValue =
            Math.round(product.unitPrice!.min * 1.1 * (item.supplementaryQuantity as number) * 100) / 100;
          break;
        case 'cloned-serial': {
          const clone = pick(declaredSerials);
          item.gtin = clone.gtin;
          item.lot = clone.lot;
          const cloned = products.find((x) => x.gtin === clone.gtin)!;
          item.expiry = lots.get(clone.gtin)!.find((s) => s.lot === clone.lot)!.expiry;
          item.serials = [clone.serial];
          Object.assign(value, rebrand(value, item, cloned));
          break;
        }
        case 'wrong-manufacturer':
          if (r() < 0.5) item.manufacturer = `Maker ${int(0, size.products * 3)} Generics`;
          else
            item.originCountry = pick(
              MAKER_COUNTRIES.filter((c) => c !== product.manufacturers[0]!.country).concat(OFF_ROUTE),
            );
          break;
        case 'unauthorised-route': {
          const via = pick(OFF_ROUTE);
          value.dispatchCountry = via;
          value.route = [PORTS[via]!, 'NLRTM'];
          break;
        }
        case 'price-40-below':
          item.invoiceValue =
            Math.round(product.unitPrice!.min * 0.6 * (item.supplementaryQuantity as number) * 100) / 100;
          break;
        case 'expired': {
          const old = lots.get(product.gtin)!.find((s) => s.expired)!;
          item.lot = old.lot;
          item.expiry = old.expiry;
          item.serials = old.serials.slice(old.nextSerial, old.nextSerial + 3);
          old.nextSerial += 3;
          break;
        }
      }
      injected.push({ value, kind: pattern, fastLaneEligible: false });
    }
  }
  // Counterfeits arrive among the legitimate flow, not after it.
  const all = [...declarations, ...injected];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  // A clone must come after the declaration that carried the genuine serial.
  const firstUse = new Map<string, number>();
  all.forEach((d, i) => {
    if (d.kind !== 'legitimate') return;
    const item = (d.value.items as Array<Record<string, unknown>>)[0]!;
    for (const s of item.serials as string[]) firstUse.set(`${item.gtin}/${s}`, i);
  });
  const late = all.filter((d, i) => {
    if (d.kind !== 'cloned-serial') return false;
    const item = (d.value.items as Array<Record<string, unknown>>)[0]!;
    return (firstUse.get(`${item.gtin}/${(item.serials as string[])[0]}`) ?? -1) > i;
  });
  const ordered = [...all.filter((d) => !late.includes(d)), ...late];
  // An over-quantity case claims more than remains of the lot after the genuine declarations before it.
  const running = new Map<string, number>();
  for (const d of ordered) {
    const item = (d.value.items as Array<Record<string, unknown>>)[0]!;
    const lotKey = `${item.gtin}/${item.lot}`;
    if (d.kind === 'over-quantity') {
      const state = lots.get(item.gtin as string)!.find((l) => l.lot === item.lot)!;
      const units = state.released - (running.get(lotKey) ?? 0) + int(1, 5000);
      const product = products.find((x) => x.gtin === item.gtin)!;
      item.supplementaryQuantity = units;
      item.invoiceValue = Math.round(product.unitPrice!.min * 1.1 * units * 100) / 100;
    } else if (d.kind === 'legitimate' || d.kind === 'cloned-serial' || d.kind === 'wrong-manufacturer')
      running.set(lotKey, (running.get(lotKey) ?? 0) + (item.supplementaryQuantity as number));
  }
  return { products, declarations: ordered };
}

/** A cloned pack's declaration names the cloned product's brand, maker and exporter (a copy of a real code). */
function rebrand(value: Record<string, unknown>, item: Record<string, unknown>, product: ProductInput) {
  const maker = product.manufacturers[0]!;
  const exporter = product.exporters![0]!;
  item.hsCode = product.hsCode;
  item.description = `${product.brand} ${product.name}`;
  item.originCountry = maker.country;
  item.manufacturer = maker.name;
  const price = product.unitPrice!;
  item.invoiceValue = Math.round(price.min * 1.2 * (item.supplementaryQuantity as number) * 100) / 100;
  if (!product.coldChain) delete item.unrefrigeratedHours;
  return {
    exporter: { id: exporter.id, name: exporter.name, country: exporter.country },
    dispatchCountry: exporter.country,
    route: [PORTS[exporter.country!]!, 'NLRTM'],
  };
}

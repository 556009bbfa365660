import type { Product } from './product.ts';

/** A registered lot as the checks read it. */
export interface RegisteredLot {
  gtin: string;
  lot: string;
  /** `YYYY-MM-DD`. */
  expiry: string;
  quantityReleased: number;
  recalled: boolean;
}

/** One declaration's use of the registry: what it would record once stored. */
export interface DeclaredUse {
  declarationId: string;
  /** `[gtin, serial]` of every pack serial it declared. */
  serials: Array<[string, string]>;
  /** `[gtin, lot, units]` per lot it declared units of (summed over its items). */
  lots: Array<[string, string, number]>;
}

/**
 * What the checks of one batch need from the registry, read once before the batch is decided
 * (`SignalSource.prepareBatch`), so the checks themselves stay pure and synchronous. Keys are the
 * batch's own GTINs, lots and serials; anything not asked for reads as absent.
 */
export interface RegistryView {
  /** The registered product of a GTIN-14 (lots are in `lot`). */
  product(gtin: string): Product | undefined;
  lot(gtin: string, lot: string): RegisteredLot | undefined;
  /** True when serial numbers are registered for the product: a declared serial must be one of them. */
  isSerialised(gtin: string): boolean;
  isRegisteredSerial(gtin: string, serial: string): boolean;
  /** Other declarations that declared this serial before (stored, or earlier in the batch). */
  serialSeenIn(gtin: string, serial: string, declarationId: string): readonly string[];
  /** Units of this lot other declarations declared (stored, or earlier in the batch). */
  unitsDeclaredElsewhere(gtin: string, lot: string, declarationId: string): number;
  /** The registered brand named in a text (a goods description), if any. */
  brandIn(text: string): string | undefined;
}

/** The rows `prepareBatch` read for a batch (`driven/store/product-repository.ts` fills them). */
export interface RegistryRows {
  products: ReadonlyMap<string, Product>;
  lots: ReadonlyMap<string, RegisteredLot>;
  serialised: ReadonlySet<string>;
  /** `gtin \0 serial` of the batch's serials that are registered. */
  registeredSerials: ReadonlySet<string>;
  /** `gtin \0 serial` -> stored declarations that declared it. */
  declaredSerials: ReadonlyMap<string, readonly string[]>;
  /** `gtin \0 lot` -> units per stored declaration. */
  declaredLots: ReadonlyMap<string, ReadonlyArray<{ declarationId: string; quantity: number }>>;
  brands: readonly string[];
}

const k = (a: string, b: string) => `${a}\u0000${b}`;

/**
 * The registry as a batch's checks see it: the stored rows, plus what the batch's earlier
 * declarations declared (`uses`, by batch position), so two declarations of one batch that carry
 * the same serial, or together exceed a lot, are caught as if stored one after the other. A
 * declaration never counts against itself (an amendment replaces its earlier version).
 */
export function composeRegistryView(rows: RegistryRows, batch: ReadonlyArray<DeclaredUse>): RegistryView {
  const position = new Map<string, number>();
  batch.forEach((u, i) => {
    if (!position.has(u.declarationId)) position.set(u.declarationId, i);
  });
  const earlierSerials = new Map<string, Array<{ at: number; id: string }>>();
  const earlierLots = new Map<string, Array<{ at: number; id: string; units: number }>>();
  batch.forEach((u, at) => {
    for (const [gtin, serial] of u.serials) {
      const list = earlierSerials.get(k(gtin, serial)) ?? [];
      list.push({ at, id: u.declarationId });
      earlierSerials.set(k(gtin, serial), list);
    }
    for (const [gtin, lot, units] of u.lots) {
      const list = earlierLots.get(k(gtin, lot)) ?? [];
      list.push({ at, id: u.declarationId, units });
      earlierLots.set(k(gtin, lot), list);
    }
  });
  const brands = rows.brands
    .map((b) => ({
      brand: b,
      pattern: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(b)}($|[^\\p{L}\\p{N}])`, 'iu'),
    }))
    .filter((b) => b.brand.trim().length > 0);
  return {
    product: (gtin) => rows.products.get(gtin),
    lot: (gtin, lot) => rows.lots.get(k(gtin, lot)),
    isSerialised: (gtin) => rows.serialised.has(gtin),
    isRegisteredSerial: (gtin, serial) => rows.registeredSerials.has(k(gtin, serial)),
    serialSeenIn(gtin, serial, declarationId) {
      const me = position.get(declarationId) ?? Number.POSITIVE_INFINITY;
      const stored = (rows.declaredSerials.get(k(gtin, serial)) ?? []).filter((id) => id !== declarationId);
      const inBatch = (earlierSerials.get(k(gtin, serial)) ?? [])
        .filter((e) => e.at < me && e.id !== declarationId)
        .map((e) => e.id);
      return [...new Set([...stored, ...inBatch])];
    },
    unitsDeclaredElsewhere(gtin, lot, declarationId) {
      const me = position.get(declarationId) ?? Number.POSITIVE_INFINITY;
      const counted = new Map<string, number>();
      for (const r of rows.declaredLots.get(k(gtin, lot)) ?? [])
        if (r.declarationId !== declarationId) counted.set(r.declarationId, r.quantity);
      // A declaration earlier in the batch replaces its stored version's units.
      for (const e of earlierLots.get(k(gtin, lot)) ?? [])
        if (e.at < me && e.id !== declarationId) counted.set(e.id, e.units);
      let sum = 0;
      for (const n of counted.values()) sum += n;
      return sum;
    },
    brandIn: (text) => brands.find((b) => b.pattern.test(text))?.brand,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

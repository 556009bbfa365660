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
  /**
   * The latest cumulative units of this lot each partner administration that shares lot usage
   * reported (`lot-usage` envelopes), largest first; empty when none did.
   */
  unitsDeclaredByPartners(gtin: string, lot: string): readonly PartnerLotUnits[];
  /** The registered brand named in a text (a goods description), if any. */
  brandIn(text: string): string | undefined;
}

/** A partner administration's own cumulative units of a lot, as its latest `lot-usage` said. */
export interface PartnerLotUnits {
  partner: string;
  units: number;
  asOf: string;
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
  /** `gtin \0 lot` -> partners' latest reported units (absent: none reported). */
  partnerLots?: ReadonlyMap<string, readonly PartnerLotUnits[]>;
  brands: readonly string[];
}

const k = (a: string, b: string) => `${a}\u0000${b}`;

/** A registry view that also learns, declaration by declaration, what the batch itself declared. */
export interface BatchRegistryView extends RegistryView {
  /** What a declaration of the batch counts for once decided (replacing what it counted for before). */
  record(use: DeclaredUse): void;
}

/**
 * The registry as a batch's checks see it: the stored rows, plus what the batch's earlier
 * declarations (by position in `order`) recorded, so two declarations of one batch that carry the
 * same serial, or together exceed a lot, are caught as if stored one after the other. A
 * declaration never counts against itself (an amendment replaces its earlier version).
 */
export function composeRegistryView(rows: RegistryRows, order: readonly string[]): BatchRegistryView {
  const position = new Map<string, number>();
  order.forEach((id, i) => {
    if (!position.has(id)) position.set(id, i);
  });
  const recorded = new Map<string, DeclaredUse>();
  const earlier = (declarationId: string) => {
    const me = position.get(declarationId) ?? Number.POSITIVE_INFINITY;
    return [...recorded.values()].filter(
      (u) =>
        u.declarationId !== declarationId && (position.get(u.declarationId) ?? Number.POSITIVE_INFINITY) < me,
    );
  };
  const brands = rows.brands
    .filter((b) => b.trim().length > 0)
    .map((b) => ({
      brand: b,
      pattern: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(b)}($|[^\\p{L}\\p{N}])`, 'iu'),
    }));
  return {
    product: (gtin) => rows.products.get(gtin),
    lot: (gtin, lot) => rows.lots.get(k(gtin, lot)),
    isSerialised: (gtin) => rows.serialised.has(gtin),
    isRegisteredSerial: (gtin, serial) => rows.registeredSerials.has(k(gtin, serial)),
    serialSeenIn(gtin, serial, declarationId) {
      const stored = (rows.declaredSerials.get(k(gtin, serial)) ?? []).filter((id) => id !== declarationId);
      const inBatch = earlier(declarationId)
        .filter((u) => u.serials.some(([g, s]) => g === gtin && s === serial))
        .map((u) => u.declarationId);
      return [...new Set([...stored, ...inBatch])];
    },
    unitsDeclaredElsewhere(gtin, lot, declarationId) {
      const counted = new Map<string, number>();
      for (const r of rows.declaredLots.get(k(gtin, lot)) ?? [])
        if (r.declarationId !== declarationId) counted.set(r.declarationId, r.quantity);
      // A declaration earlier in the batch replaces its stored version's units.
      for (const u of earlier(declarationId)) {
        const units = u.lots.filter(([g, l]) => g === gtin && l === lot).reduce((sum, [, , n]) => sum + n, 0);
        if (units > 0 || counted.has(u.declarationId)) counted.set(u.declarationId, units);
      }
      let sum = 0;
      for (const n of counted.values()) sum += n;
      return sum;
    },
    unitsDeclaredByPartners: (gtin, lot) =>
      [...(rows.partnerLots?.get(k(gtin, lot)) ?? [])]
        .filter((p) => p.units > 0)
        .sort((a, b) => b.units - a.units || a.partner.localeCompare(b.partner)),
    brandIn: (text) => brands.find((b) => b.pattern.test(text))?.brand,
    record(use) {
      recorded.set(use.declarationId, use);
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

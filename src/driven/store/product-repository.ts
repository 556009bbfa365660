import type { Product } from '../../core/medical/product.ts';
import type { RegisteredLot, RegistryRows } from '../../core/medical/registry-view.ts';
import type { StoreConnection } from '../database/database.ts';
import { writeAudit } from './audit-log.ts';
import { BulkWriter } from './bulk-writer.ts';
import { pageSize } from './page.ts';
import { raiseRegistryVersion, serialIndexOf } from './serial-registry-index.ts';
import { boundedText, type Db, IN_LIST, requireAdministration } from './store-support.ts';

/** A registered product as listed: what it is, and how many lots and serials it has. */
export interface ProductSummary {
  gtin: string;
  brand: string;
  name: string;
  hsCode: string;
  lots: number;
  serials: number;
  updatedAt: string;
  updatedBy: string;
}

/** A registered lot as shown: its serials counted, and the units stored declarations declared of it. */
export type LotView = RegisteredLot & { serials: number; declaredUnits: number };

/** A registered product with its lots (serials are counted, not listed: there may be millions). */
export interface StoredProduct {
  product: Omit<Product, 'lots'> & { lots: LotView[] };
  serials: number;
  updatedAt: string;
  updatedBy: string;
}

/** What one load wrote. */
export interface LoadSummary {
  products: number;
  lots: number;
  serials: number;
}

/** The rows a batch reads, as the repository fills them. */
type MutableRows = {
  [K in keyof RegistryRows]-?: NonNullable<RegistryRows[K]> extends ReadonlyMap<infer A, infer B>
    ? Map<A, B extends ReadonlyArray<infer E> ? E[] : B>
    : RegistryRows[K] extends ReadonlySet<infer A>
      ? Set<A>
      : string[];
};

const key = (a: string, b: string): string => `${a}\u0000${b}`;

/**
 * The medical product registry of each administration (issue 13): products by GTIN-14, their lots
 * and serial numbers, and what stored declarations declared of them. Loads are all-or-nothing;
 * every read is scoped by administration.
 */
export class ProductRepository {
  private readonly db: Db;
  private readonly writer: BulkWriter;

  constructor(private readonly conn: StoreConnection) {
    this.db = conn.db;
    this.writer = new BulkWriter(conn.sqlite);
  }

  /**
   * Stores validated products (replacing a product of the same GTIN, adding or replacing its
   * lots, adding its serials) in one transaction with its audit entry: a failure writes nothing.
   * `progress` is called with the number of products written so far.
   */
  async load(
    administration: string,
    products: readonly Product[],
    actor: string,
    progress?: (done: number) => void,
  ): Promise<LoadSummary> {
    const by = boundedText(actor, 'actor', 200);
    const at = new Date().toISOString();
    const summary: LoadSummary = { products: 0, lots: 0, serials: 0 };
    await this.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, administration);
      for (const product of products) {
        const { lots, ...rest } = product;
        await this.writer.insert(
          trx,
          'medical_products',
          [
            {
              administration,
              gtin: product.gtin,
              brand: product.brand,
              name: product.name,
              hs_code: product.hsCode,
              content: JSON.stringify(rest),
              updated_at: at,
              updated_by: by,
            },
          ],
          {
            key: ['administration', 'gtin'],
            update: ['brand', 'name', 'hs_code', 'content', 'updated_at', 'updated_by'],
          },
        );
        await this.writer.insert(
          trx,
          'medical_lots',
          lots.map((l) => ({
            administration,
            gtin: product.gtin,
            lot: l.lot,
            expiry: l.expiry,
            quantity_released: l.quantityReleased,
            recalled: l.recalled ? 1 : 0,
          })),
          { key: ['administration', 'gtin', 'lot'], update: ['expiry', 'quantity_released', 'recalled'] },
        );
        for (const l of lots) {
          await this.writer.insert(
            trx,
            'medical_serials',
            l.serials.map((serial) => ({ administration, gtin: product.gtin, serial, lot: l.lot })),
            { key: ['administration', 'gtin', 'serial'], update: ['lot'] },
          );
          summary.serials += l.serials.length;
        }
        summary.products++;
        summary.lots += lots.length;
        progress?.(summary.products);
      }
      await raiseRegistryVersion(trx, administration);
      await writeAudit(trx, administration, by, 'products.load', `${summary.products} products`, {
        ...summary,
      });
    });
    return summary;
  }

  /**
   * Marks a registered lot recalled (the manufacturer's or regulator's recall), with its audit
   * entry, in one transaction; undefined when the administration has no such product or lot.
   * Recalling a recalled lot changes nothing but the audit log.
   */
  async recall(
    administration: string,
    gtin: string,
    lot: string,
    actor: string,
    reason?: string,
  ): Promise<RegisteredLot | undefined> {
    const by = boundedText(actor, 'actor', 200);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('medical_lots')
        .set({ recalled: 1 })
        .where('administration', '=', administration)
        .where('gtin', '=', gtin)
        .where('lot', '=', lot)
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      await writeAudit(trx, administration, by, 'products.recall', `${gtin} lot ${lot}`, {
        gtin,
        lot,
        ...(reason !== undefined ? { reason } : {}),
      });
      return toLot(row);
    });
  }

  /** Registered products in GTIN order, `limit` per page after the GTIN `after`. */
  async list(
    administration: string,
    options: { limit?: number; after?: string } = {},
  ): Promise<ProductSummary[]> {
    let query = this.db
      .selectFrom('medical_products as p')
      .select(['p.gtin', 'p.brand', 'p.name', 'p.hs_code', 'p.updated_at', 'p.updated_by'])
      .select((eb) => [
        eb
          .selectFrom('medical_lots as l')
          .select(eb.fn.countAll().as('n'))
          .whereRef('l.administration', '=', 'p.administration')
          .whereRef('l.gtin', '=', 'p.gtin')
          .as('lots'),
        eb
          .selectFrom('medical_serials as s')
          .select(eb.fn.countAll().as('n'))
          .whereRef('s.administration', '=', 'p.administration')
          .whereRef('s.gtin', '=', 'p.gtin')
          .as('serials'),
      ])
      .where('p.administration', '=', administration)
      .orderBy('p.gtin')
      .limit(pageSize(options.limit));
    if (options.after !== undefined) query = query.where('p.gtin', '>', options.after);
    const rows = await query.execute();
    return rows.map((r) => ({
      gtin: r.gtin,
      brand: r.brand,
      name: r.name,
      hsCode: r.hs_code,
      lots: Number(r.lots ?? 0),
      serials: Number(r.serials ?? 0),
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  /** One registered product with its lots, or undefined. */
  async get(administration: string, gtin: string): Promise<StoredProduct | undefined> {
    const row = await this.db
      .selectFrom('medical_products')
      .selectAll()
      .where('administration', '=', administration)
      .where('gtin', '=', gtin)
      .executeTakeFirst();
    if (!row) return undefined;
    const lots = await this.db
      .selectFrom('medical_lots')
      .selectAll()
      .where('administration', '=', administration)
      .where('gtin', '=', gtin)
      .orderBy('lot')
      .execute();
    const serialsPerLot = new Map<string, number>();
    for (const r of await this.db
      .selectFrom('medical_serials')
      .select(['lot', (eb) => eb.fn.countAll().as('n')])
      .where('administration', '=', administration)
      .where('gtin', '=', gtin)
      .groupBy('lot')
      .execute())
      serialsPerLot.set(r.lot, Number(r.n));
    const declaredPerLot = new Map<string, number>();
    for (const r of await this.db
      .selectFrom('medical_declared_lots')
      .select(['lot', (eb) => eb.fn.sum<number>('quantity').as('n')])
      .where('administration', '=', administration)
      .where('gtin', '=', gtin)
      .groupBy('lot')
      .execute())
      declaredPerLot.set(r.lot, Number(r.n));
    let serials = 0;
    for (const n of serialsPerLot.values()) serials += n;
    return {
      product: {
        ...(JSON.parse(row.content) as Omit<Product, 'lots'>),
        lots: lots.map((l) => ({
          ...toLot(l),
          serials: serialsPerLot.get(l.lot) ?? 0,
          declaredUnits: declaredPerLot.get(l.lot) ?? 0,
        })),
      },
      serials,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  /**
   * Everything the checks of a batch need, by its keys: products and lots, which products are
   * serialised, which asked serials are registered, which declarations declared them, and the
   * units declared of each lot. Registered serials are answered by the in-memory serial index
   * ({@link registeredOf}); the rest by primary key.
   */
  async readBatch(
    administration: string,
    keys: {
      gtins: readonly string[];
      lots: ReadonlyArray<[string, string]>;
      serials: ReadonlyArray<[string, string]>;
    },
  ): Promise<RegistryRows> {
    const rows: MutableRows = {
      products: new Map(),
      lots: new Map(),
      serialised: new Set(),
      registeredSerials: new Set(),
      declaredSerials: new Map(),
      declaredLots: new Map(),
      partnerLots: new Map(),
      brands: [],
    };
    const gtins = [...new Set(keys.gtins)];
    for (let i = 0; i < gtins.length; i += IN_LIST) {
      const chunk = gtins.slice(i, i + IN_LIST);
      for (const r of await this.db
        .selectFrom('medical_products')
        .select(['gtin', 'content'])
        .where('administration', '=', administration)
        .where('gtin', 'in', chunk)
        .execute())
        rows.products.set(r.gtin, { ...(JSON.parse(r.content) as Product), lots: [] });
    }
    for (const gtin of rows.products.keys()) {
      const any = await this.db
        .selectFrom('medical_serials')
        .select('serial')
        .where('administration', '=', administration)
        .where('gtin', '=', gtin)
        .limit(1)
        .executeTakeFirst();
      if (any) rows.serialised.add(gtin);
    }
    rows.brands = (
      await this.db
        .selectFrom('medical_products')
        .select('brand')
        .distinct()
        .where('administration', '=', administration)
        .execute()
    ).map((r) => r.brand);
    const lotKeys = uniquePairs(keys.lots);
    for (const r of await this.pairRows('medical_lots', 'lot', administration, lotKeys))
      rows.lots.set(key(r.gtin, r.lot as string), toLot(r as never));
    for (const r of await this.pairRows('medical_declared_lots', 'lot', administration, lotKeys)) {
      const k = key(r.gtin, r.lot as string);
      const list = rows.declaredLots.get(k) ?? [];
      list.push({ declarationId: r.declaration_id as string, quantity: Number(r.quantity) });
      rows.declaredLots.set(k, list);
    }
    for (const r of await this.pairRows('medical_partner_lots', 'lot', administration, lotKeys)) {
      const k = key(r.gtin, r.lot as string);
      const list = rows.partnerLots.get(k) ?? [];
      list.push({ partner: r.partner as string, units: Number(r.units), asOf: r.as_of as string });
      rows.partnerLots.set(k, list);
    }
    const serialKeys = uniquePairs(keys.serials).filter(
      ([gtin]) => rows.serialised.has(gtin) || rows.products.has(gtin),
    );
    for (const [gtin, serial] of await this.registeredOf(administration, serialKeys))
      rows.registeredSerials.add(key(gtin, serial));
    for (const r of await this.pairRows(
      'medical_declared_serials',
      'serial',
      administration,
      uniquePairs(keys.serials),
    )) {
      const k = key(r.gtin, r.serial as string);
      const list = rows.declaredSerials.get(k) ?? [];
      list.push(r.declaration_id as string);
      rows.declaredSerials.set(k, list);
    }
    return rows;
  }

  /**
   * Which of the `[gtin, serial]` keys are registered serials: answered by the administration's
   * in-memory serial index (`serial-registry-index.ts`), rebuilt from the store after a load.
   */
  async registeredOf(
    administration: string,
    keys: ReadonlyArray<[string, string]>,
  ): Promise<Array<[string, string]>> {
    if (keys.length === 0) return [];
    const index = await serialIndexOf(this.conn, administration);
    return keys.filter(([gtin, serial]) => index.has(gtin, serial));
  }

  /** Rows of a table keyed by administration, gtin and `column`, for the given pairs. */
  private async pairRows(
    table: 'medical_lots' | 'medical_declared_lots' | 'medical_declared_serials' | 'medical_partner_lots',
    column: 'lot' | 'serial',
    administration: string,
    pairs: ReadonlyArray<[string, string]>,
  ): Promise<Array<Record<string, unknown> & { gtin: string }>> {
    const out: Array<Record<string, unknown> & { gtin: string }> = [];
    const byGtin = new Map<string, string[]>();
    for (const [gtin, value] of pairs) byGtin.set(gtin, [...(byGtin.get(gtin) ?? []), value]);
    for (const [gtin, values] of byGtin) {
      for (let i = 0; i < values.length; i += IN_LIST) {
        const rows = await this.db
          .selectFrom(table)
          .selectAll()
          .where('administration', '=', administration)
          .where('gtin', '=', gtin)
          .where(column as never, 'in', values.slice(i, i + IN_LIST) as never)
          .execute();
        out.push(...(rows as Array<Record<string, unknown> & { gtin: string }>));
      }
    }
    return out;
  }

  /**
   * Records what stored declarations declared: their serials, and their units per lot (the
   * latest version's, replacing an earlier version's), so later declarations are checked against
   * them. Idempotent per declaration.
   */
  async recordDeclared(
    administration: string,
    uses: ReadonlyArray<{
      declarationId: string;
      serials: Array<[string, string]>;
      lots: Array<[string, string, number]>;
    }>,
  ): Promise<void> {
    if (uses.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const use of uses) {
        await trx
          .deleteFrom('medical_declared_lots')
          .where('administration', '=', administration)
          .where('declaration_id', '=', use.declarationId)
          .execute();
        await this.writer.insert(
          trx,
          'medical_declared_lots',
          use.lots.map(([gtin, lot, quantity]) => ({
            administration,
            gtin,
            lot,
            declaration_id: use.declarationId,
            quantity,
          })),
        );
        await this.writer.insert(
          trx,
          'medical_declared_serials',
          uniquePairs(use.serials).map(([gtin, serial]) => ({
            administration,
            gtin,
            serial,
            declaration_id: use.declarationId,
          })),
          { key: ['administration', 'gtin', 'serial', 'declaration_id'], update: ['declaration_id'] },
        );
      }
    });
  }
}

function toLot(r: {
  gtin: string;
  lot: string;
  expiry: string;
  quantity_released: number;
  recalled: number;
}): RegisteredLot {
  return {
    gtin: r.gtin,
    lot: r.lot,
    expiry: r.expiry,
    quantityReleased: Number(r.quantity_released),
    recalled: Number(r.recalled) === 1,
  };
}

function uniquePairs<T extends readonly [string, string, ...unknown[]]>(
  pairs: readonly T[],
): Array<[string, string]> {
  const seen = new Map<string, [string, string]>();
  for (const p of pairs) seen.set(key(p[0], p[1]), [p[0], p[1]]);
  return [...seen.values()];
}

import type { Insertable } from 'kysely';
import type { AssessedConsignment, ConsignmentStore } from '../../app/ports/consignment-store.ts';
import type { Consignment } from '../../core/ecommerce/consignment.ts';
import type { Lane, LaneReason } from '../../core/ecommerce/lane-config.ts';
import type { ConsignmentsTable } from '../database/consignment-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { BulkWriter } from './bulk-writer.ts';
import { type Db, notFound, requireAdministration, retryingConflicts } from './store-support.ts';

/** A stored consignment with its decision, as `GET /v1/consignments/{id}` shows it. */
export interface StoredConsignment {
  consignment: Consignment;
  lane: Lane;
  score: number;
  reasons: LaneReason[];
  valueEur: number | null;
  decidedAt: string;
  decidedBy: string;
}

const COLUMNS: ReadonlyArray<keyof ConsignmentsTable> = [
  'regime',
  'lodged_at',
  'seller_name',
  'seller_country',
  'buyer_country',
  'platform',
  'value',
  'currency',
  'value_eur',
  'gross_mass_kg',
  'lane',
  'score',
  'reasons',
  'content',
  'decided_at',
  'decided_by',
];

/**
 * The e-commerce lane's decisions per administration (table `consignments`, migration 0016). A
 * batch is written in one transaction through the {@link BulkWriter} (one prepared statement per
 * row on SQLite, multi-row statements on PostgreSQL); a consignment lodged again replaces its row.
 */
export class ConsignmentRepository implements ConsignmentStore {
  private readonly db: Db;
  private readonly bulk: BulkWriter;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
    this.bulk = new BulkWriter(conn.sqlite);
  }

  async saveConsignments(
    administration: string,
    actor: string,
    rows: readonly AssessedConsignment[],
  ): Promise<void> {
    if (rows.length === 0) return;
    // One row per id: a batch that repeats an id keeps its last (an upsert may not touch a row twice).
    const byId = new Map<string, Insertable<ConsignmentsTable>>();
    for (const { consignment: c, decision, valueEur, decidedAt } of rows) {
      let value = 0;
      for (const item of c.items) value += item.value;
      byId.set(c.id, {
        administration,
        id: c.id,
        regime: c.regime,
        lodged_at: c.lodgedAt,
        seller_name: c.seller.name,
        seller_country: c.seller.country,
        buyer_country: c.buyer.country,
        platform: c.platform?.name ?? null,
        value,
        currency: c.currency,
        value_eur: valueEur ?? null,
        gross_mass_kg: c.grossMassKg,
        lane: decision.lane,
        score: decision.score,
        reasons: JSON.stringify(decision.reasons),
        content: JSON.stringify(c),
        decided_at: decidedAt,
        decided_by: actor,
      });
    }
    await retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        await requireAdministration(trx, administration);
        await this.bulk.insert(trx, 'consignments', [...byId.values()], {
          key: ['administration', 'id'],
          update: COLUMNS,
        });
      }),
    );
  }

  async getConsignment(administration: string, id: string): Promise<StoredConsignment> {
    const row = await this.db
      .selectFrom('consignments')
      .selectAll()
      .where('administration', '=', administration)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`consignment ${id}`);
    return {
      consignment: JSON.parse(row.content) as Consignment,
      lane: row.lane as Lane,
      score: row.score,
      reasons: JSON.parse(row.reasons) as LaneReason[],
      valueEur: row.value_eur,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
    };
  }

  /** How many consignments an administration has in each lane (benchmarks and tests). */
  async countByLane(administration: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('consignments')
      .select(['lane', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('administration', '=', administration)
      .groupBy('lane')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.lane, Number(r.n)]));
  }
}

import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { BALANCE_EPSILON, itemQuantity } from '../../core/environment/permit.ts';
import { quotaQuantity } from '../../core/environment/substances.ts';
import { cachedStatement } from '../database/database.ts';
import { StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { type LedgerRecordInput, ledgerRecordRows, writeLedgerRecords } from './ledger-records.ts';
import { type Db, IN_LIST } from './store-support.ts';

/**
 * Consumption of permit balances and quotas at release (docs/ENVIRONMENT.md, "Consumption"). Runs
 * inside the transaction of the release, amendment or cancellation: each take is a conditional
 * UPDATE (`balance >= q`, `used + t <= limit`), so two releases racing for the last tonnes cannot
 * both succeed on SQLite (one writer) nor on PostgreSQL (the second UPDATE waits for the row lock
 * and re-checks its WHERE on the committed row). A take that does not fit refuses the release
 * with `CONFLICT` and nothing of it is written.
 */

/** A consumption or its return, as the transparency log records it. */
function consumptionRecord(
  admin: string,
  id: string,
  action: 'consume' | 'return',
  content: Record<string, unknown>,
): LedgerRecordInput {
  return {
    kind: 'permit-consumption',
    recordId: action === 'consume' ? `${admin}/${id}` : `${admin}/${id}/return`,
    administration: admin,
    content: { administration: admin, id, action, ...content },
  };
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/**
 * Takes the released version's declared quantities from the balances of the register documents
 * its goods items reference, and ODS licences' tonnes, ODP tonnes and CO2-eq tonnes from the
 * trader's annual quota. A version already consumed is not consumed twice; what an earlier version
 * of the declaration consumed is given back first (it was amended since).
 *
 * @throws StoreError `CONFLICT` when a balance or quota has no room left (the release is refused).
 */
export async function consumeOnRelease(
  trx: Db,
  admin: string,
  declarationId: string,
  version: number,
  actor: string,
  at: string,
  sqlite?: SQLite.Database,
): Promise<number> {
  // On SQLite the hot statements run prepared once on the raw handle (the same one connection, so
  // inside the caller's transaction and savepoint, as BulkWriter does); PostgreSQL stays on Kysely.
  const fast = sqlite ? statementsOf(sqlite) : undefined;
  // One round trip: the version's content, and whether this version or an earlier one holds quantities.
  const active = (other: boolean) =>
    trx
      .selectFrom('permit_consumptions as c')
      .select('c.id')
      .where('c.administration', '=', admin)
      .where('c.declaration_id', '=', declarationId)
      .where('c.returned_at', 'is', null)
      .where('c.version', other ? '<>' : '=', version);
  const stored = fast
    ? (fast.get(VERSION_SQL).get(admin, declarationId, version) as
        | { content: string; consumed: number; earlier: number }
        | undefined)
    : await trx
        .selectFrom('declaration_versions as v')
        .select((eb) => [
          'v.content',
          eb.exists(active(false)).as('consumed'),
          eb.exists(active(true)).as('earlier'),
        ])
        .where('v.administration', '=', admin)
        .where('v.declaration_id', '=', declarationId)
        .where('v.version', '=', version)
        .executeTakeFirst();
  if (!stored || Number(stored.consumed) === 1) return 0;
  if (Number(stored.earlier) === 1)
    await returnConsumptions(trx, admin, [declarationId], 'amendment', actor, at);
  const declaration = JSON.parse(stored.content) as Declaration;
  const references = [
    ...new Set(declaration.items.flatMap((item) => (item.documents ?? []).map((d) => d.reference.trim()))),
  ];
  if (references.length === 0) return 0;
  const permits = new Map<string, Awaited<ReturnType<typeof readPermits>>[number]>();
  for (let i = 0; i < references.length; i += IN_LIST)
    for (const p of await readPermits(trx, admin, references.slice(i, i + IN_LIST), fast))
      permits.set(p.number, p);

  const records: LedgerRecordInput[] = [];
  const year = Number(at.slice(0, 4));
  for (const item of declaration.items) {
    for (const doc of item.documents ?? []) {
      const permit = permits.get(doc.reference.trim());
      if (permit?.status !== 'valid') continue;
      const quantity = itemQuantity(item, permit.unit);
      if (quantity === undefined) continue;
      const taken = fast
        ? fast.get(TAKE_BALANCE_SQL).run(quantity, admin, permit.number, quantity - BALANCE_EPSILON).changes
        : (
            await trx
              .updateTable('permits')
              .set({ balance: sql`balance - ${quantity}` })
              .where('administration', '=', admin)
              .where('number', '=', permit.number)
              .where('status', '=', 'valid')
              .where('balance', '>=', quantity - BALANCE_EPSILON)
              .executeTakeFirst()
          ).numUpdatedRows;
      if (Number(taken) !== 1) {
        const now = await readPermits(trx, admin, [permit.number]);
        throw new StoreError(
          'CONFLICT',
          `permit ${permit.number} has ${round(now[0]?.balance ?? 0)} ${permit.unit} left: releasing ${declarationId} item ${item.sequence} needs ${quantity}`,
        );
      }
      // The arithmetic of the checks and of docs/ENVIRONMENT.md ("Quota arithmetic").
      const { tonnes, odpTonnes, co2eqTonnes } = quotaQuantity(
        { odp: permit.odp ?? 0, gwp: permit.gwp },
        permit.unit === 'kg' ? quantity : 0,
      );
      const quotaYear = permit.year ?? year;
      if (permit.control !== null)
        await takeQuota(trx, admin, permit, quotaYear, { tonnes, odpTonnes, co2eqTonnes }, fast);
      const id = timeOrderedId();
      const row = {
        administration: admin,
        id,
        permit_number: permit.number,
        declaration_id: declarationId,
        version,
        item_sequence: item.sequence,
        trader: permit.trader,
        subject: permit.subject,
        quantity,
        unit: permit.unit,
        tonnes,
        odp_tonnes: odpTonnes,
        co2eq_tonnes: co2eqTonnes,
        year: quotaYear,
        control: permit.control,
        direction: permit.direction,
        partner_country: permit.partner_country,
        consumed_at: at,
        consumed_by: actor,
        returned_at: null,
        returned_by: null,
        return_reason: null,
      };
      if (fast) fast.get(INSERT_CONSUMPTION_SQL).run(Object.values(row));
      else await trx.insertInto('permit_consumptions').values(row).execute();
      records.push(
        consumptionRecord(admin, id, 'consume', {
          permit: permit.number,
          declarationId,
          version,
          item: item.sequence,
          quantity,
          unit: permit.unit,
          tonnes: row.tonnes,
          odpTonnes,
          co2eqTonnes,
          at,
        }),
      );
    }
  }
  if (fast) for (const r of ledgerRecordRows(records)) fast.get(INSERT_RECORD_SQL).run(Object.values(r));
  else await writeLedgerRecords(trx, records);
  return records.length;
}

const PERMIT_COLUMNS =
  'number, status, unit, balance, trader, subject, year, odp, gwp, control, direction, partner_country';
const VERSION_SQL = `select v.content,
  exists (select c.id from permit_consumptions c where c.administration = v.administration
    and c.declaration_id = v.declaration_id and c.returned_at is null and c.version = v.version) as consumed,
  exists (select c.id from permit_consumptions c where c.administration = v.administration
    and c.declaration_id = v.declaration_id and c.returned_at is null and c.version <> v.version) as earlier
  from declaration_versions v where v.administration = ? and v.declaration_id = ? and v.version = ?`;
const TAKE_BALANCE_SQL = `update permits set balance = balance - ?
  where administration = ? and number = ? and status = 'valid' and balance >= ?`;
const TAKE_QUOTA_SQL = `update permit_quotas set used_tonnes = used_tonnes + @tonnes,
  used_odp_tonnes = used_odp_tonnes + @odp, used_co2eq_tonnes = used_co2eq_tonnes + @co2eq
  where administration = @admin and trader = @trader and year = @year and control = @control
  and (limit_tonnes is null or used_tonnes + @tonnes <= limit_tonnes + @epsilon)
  and (limit_odp_tonnes is null or used_odp_tonnes + @odp <= limit_odp_tonnes + @epsilon)
  and (limit_co2eq_tonnes is null or used_co2eq_tonnes + @co2eq <= limit_co2eq_tonnes + @epsilon)`;
const CONSUMPTION_COLUMNS = [
  'administration',
  'id',
  'permit_number',
  'declaration_id',
  'version',
  'item_sequence',
  'trader',
  'subject',
  'quantity',
  'unit',
  'tonnes',
  'odp_tonnes',
  'co2eq_tonnes',
  'year',
  'control',
  'direction',
  'partner_country',
  'consumed_at',
  'consumed_by',
  'returned_at',
  'returned_by',
  'return_reason',
];
const INSERT_CONSUMPTION_SQL = `insert into permit_consumptions (${CONSUMPTION_COLUMNS.join(', ')})
  values (${CONSUMPTION_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_RECORD_SQL = `insert into ledger_records (kind, record_id, administration, content, salt, log_index, created_at)
  values (?, ?, ?, ?, ?, ?, ?)`;

/** The release's statements, prepared once per SQLite handle (the store's one statement cache). */
export interface Statements {
  get(source: string): SQLite.Statement;
}
export function statementsOf(sqlite: SQLite.Database): Statements {
  return { get: (source) => cachedStatement(sqlite, source) };
}

async function readPermits(trx: Db, admin: string, numbers: readonly string[], fast?: Statements) {
  const rows = fast
    ? (fast
        .get(
          `select ${PERMIT_COLUMNS} from permits where administration = ? and number in (${numbers.map(() => '?').join(', ')})`,
        )
        .all(admin, ...numbers) as Awaited<ReturnType<typeof readPermitsKysely>>)
    : await readPermitsKysely(trx, admin, numbers);
  return rows.map((r) => ({
    ...r,
    balance: Number(r.balance),
    year: r.year === null ? null : Number(r.year),
    odp: r.odp === null ? null : Number(r.odp),
    gwp: r.gwp === null ? null : Number(r.gwp),
  }));
}

function readPermitsKysely(trx: Db, admin: string, numbers: readonly string[]) {
  return trx
    .selectFrom('permits')
    .select([
      'number',
      'status',
      'unit',
      'balance',
      'trader',
      'subject',
      'year',
      'odp',
      'gwp',
      'control',
      'direction',
      'partner_country',
    ])
    .where('administration', '=', admin)
    .where('number', 'in', numbers)
    .execute();
}

/** Adds a take to the trader's quota of the year, only while every limit that is set still holds. */
async function takeQuota(
  trx: Db,
  admin: string,
  permit: { trader: string; control: string | null; number: string },
  year: number,
  take: { tonnes: number; odpTonnes: number; co2eqTonnes: number },
  fast?: Statements,
): Promise<void> {
  const control = permit.control ?? 'ods';
  if (
    fast?.get(TAKE_QUOTA_SQL).run({
      tonnes: take.tonnes,
      odp: take.odpTonnes,
      co2eq: take.co2eqTonnes,
      admin,
      trader: permit.trader,
      year,
      control,
      epsilon: BALANCE_EPSILON,
    }).changes === 1
  )
    return;
  const result = fast
    ? { numUpdatedRows: 0 }
    : await trx
        .updateTable('permit_quotas')
        .set({
          used_tonnes: sql`used_tonnes + ${take.tonnes}`,
          used_odp_tonnes: sql`used_odp_tonnes + ${take.odpTonnes}`,
          used_co2eq_tonnes: sql`used_co2eq_tonnes + ${take.co2eqTonnes}`,
        })
        .where('administration', '=', admin)
        .where('trader', '=', permit.trader)
        .where('year', '=', year)
        .where('control', '=', control)
        .where(
          sql<boolean>`(limit_tonnes is null or used_tonnes + ${take.tonnes} <= limit_tonnes + ${BALANCE_EPSILON})`,
        )
        .where(
          sql<boolean>`(limit_odp_tonnes is null or used_odp_tonnes + ${take.odpTonnes} <= limit_odp_tonnes + ${BALANCE_EPSILON})`,
        )
        .where(
          sql<boolean>`(limit_co2eq_tonnes is null or used_co2eq_tonnes + ${take.co2eqTonnes} <= limit_co2eq_tonnes + ${BALANCE_EPSILON})`,
        )
        .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return;
  const quota = await trx
    .selectFrom('permit_quotas')
    .selectAll()
    .where('administration', '=', admin)
    .where('trader', '=', permit.trader)
    .where('year', '=', year)
    .where('control', '=', control)
    .executeTakeFirst();
  // No quota registered for the trader and year: the licence's balance alone limits the release.
  if (!quota) return;
  throw new StoreError(
    'CONFLICT',
    `the ${control} quota ${year} of ${permit.trader} has no room for ${take.tonnes} t (${take.odpTonnes} ODP t, ${take.co2eqTonnes} CO2-eq t) under licence ${permit.number}: used ${round(Number(quota.used_tonnes))} t / ${round(Number(quota.used_odp_tonnes))} ODP t / ${round(Number(quota.used_co2eq_tonnes))} CO2-eq t`,
  );
}

/**
 * Gives back what the declarations' active consumptions took (an amendment or a cancellation):
 * balances and quotas grow again, the consumptions are marked returned, each return is logged.
 */
export async function returnConsumptions(
  trx: Db,
  admin: string,
  declarationIds: readonly string[],
  reason: 'amendment' | 'cancellation',
  actor: string,
  at: string,
): Promise<number> {
  const records: LedgerRecordInput[] = [];
  for (let i = 0; i < declarationIds.length; i += IN_LIST) {
    const rows = await trx
      .selectFrom('permit_consumptions')
      .selectAll()
      .where('administration', '=', admin)
      .where('declaration_id', 'in', declarationIds.slice(i, i + IN_LIST))
      .where('returned_at', 'is', null)
      .execute();
    for (const r of rows) {
      const marked = await trx
        .updateTable('permit_consumptions')
        .set({ returned_at: at, returned_by: actor, return_reason: reason })
        .where('administration', '=', admin)
        .where('id', '=', r.id)
        .where('returned_at', 'is', null)
        .executeTakeFirst();
      // Another transaction returned it first: its give-back already happened.
      if (Number(marked.numUpdatedRows) !== 1) continue;
      await trx
        .updateTable('permits')
        .set({ balance: sql`balance + ${Number(r.quantity)}` })
        .where('administration', '=', admin)
        .where('number', '=', r.permit_number)
        .execute();
      if (r.control !== null)
        await trx
          .updateTable('permit_quotas')
          .set({
            used_tonnes: sql`used_tonnes - ${Number(r.tonnes)}`,
            used_odp_tonnes: sql`used_odp_tonnes - ${Number(r.odp_tonnes)}`,
            used_co2eq_tonnes: sql`used_co2eq_tonnes - ${Number(r.co2eq_tonnes)}`,
          })
          .where('administration', '=', admin)
          .where('trader', '=', r.trader)
          .where('year', '=', Number(r.year))
          .where('control', '=', r.control)
          .execute();
      records.push(
        consumptionRecord(admin, r.id, 'return', {
          permit: r.permit_number,
          declarationId: r.declaration_id,
          version: Number(r.version),
          quantity: Number(r.quantity),
          unit: r.unit,
          reason,
          at,
        }),
      );
    }
  }
  await writeLedgerRecords(trx, records);
  return records.length;
}

import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../database/schema.ts';

/** `insert ... on conflict (key) do update set column = excluded.column` (SQLite 3.24+, PostgreSQL 9.5+). */
export interface Upsert {
  key: readonly string[];
  update: readonly string[];
}

/** Rows for one table, written by {@link BulkWriter.insertAll} together with other tables' rows. */
export interface TableRows<T extends keyof Database & string = keyof Database & string> {
  table: T;
  rows: readonly Insertable<Database[T]>[];
  upsert?: Upsert;
}

const quote = (name: string): string => `"${name}"`;

/**
 * Writes many rows with as little per-row overhead as each database allows. Batch writes are the
 * store's hot path (thousands of declarations per second), and a query builder's per-value work
 * and SQLite's cost of preparing large multi-row statements dominate there, so:
 * - SQLite: one cached single-row prepared statement per table, run per row on the one
 *   connection, i.e. inside whatever transaction the caller holds open on it;
 * - PostgreSQL: one statement for all the rows of all the tables given together, each table's rows
 *   one JSON parameter that `json_populate_recordset` turns into rows of the table's own type.
 *   Thousands of bound parameters cost the client a value each to serialise and the server a
 *   node each to parse, type and plan; one JSON text costs one parse, and the whole write is one
 *   round trip (data-modifying CTEs, so it is one statement: all of it or none).
 * Table and column names come from the store's own code, never from input. The columns are the
 * first row's keys; a column a row lacks is null, as in a multi-row `values` list. Every column
 * type is of the portable subset (text, integer, bigint, double precision), which JSON carries.
 */
export class BulkWriter {
  private readonly statements = new Map<string, SQLite.Statement>();

  /** @param sqlite the raw handle when the connection is SQLite, else undefined. */
  constructor(private readonly sqlite: SQLite.Database | undefined) {}

  insert<T extends keyof Database & string>(
    db: Kysely<Database>,
    table: T,
    rows: readonly Insertable<Database[T]>[],
    upsert?: Upsert,
  ): Promise<void> {
    return this.insertAll(db, [{ table, rows, ...(upsert ? { upsert } : {}) } as TableRows]);
  }

  /** Inserts each table's rows, in the order given (a table's rows may refer to an earlier one's). */
  async insertAll(db: Kysely<Database>, writes: readonly TableRows[]): Promise<void> {
    const present = writes.filter((w) => w.rows.length > 0);
    if (present.length === 0) return;
    if (this.sqlite) {
      for (const w of present) this.insertSqlite(w);
      return;
    }
    const params: string[] = [];
    const statements = present.map((w) => {
      const columns = Object.keys(w.rows[0]!).map(quote).join(', ');
      params.push(JSON.stringify(w.rows));
      return `insert into ${quote(w.table)} (${columns}) select ${columns} from json_populate_recordset(null::${quote(w.table)}, $${params.length}::json)${conflictClause(w.upsert)}`;
    });
    const last = statements.pop()!;
    const sql =
      statements.length === 0
        ? last
        : `with ${statements.map((s, i) => `w${i} as (${s})`).join(', ')} ${last}`;
    await db.executeQuery(CompiledQuery.raw(sql, params));
  }

  private insertSqlite(w: TableRows): void {
    const columns = Object.keys(w.rows[0]!);
    const sql = `insert into ${quote(w.table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')})${conflictClause(w.upsert)}`;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite!.prepare(sql);
      this.statements.set(sql, statement);
    }
    for (const row of w.rows) statement.run(columns.map((c) => (row as Record<string, unknown>)[c] ?? null));
  }
}

function conflictClause(upsert: Upsert | undefined): string {
  return upsert
    ? ` on conflict (${upsert.key.map(quote).join(', ')}) do update set ${upsert.update
        .map((c) => `${quote(c)} = excluded.${quote(c)}`)
        .join(', ')}`
    : '';
}

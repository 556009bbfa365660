import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../database/schema.ts';
import { chunked, rowsPerStatement } from '../database/sql-batches.ts';

/** `insert ... on conflict (key) do update set column = excluded.column` (SQLite 3.24+, PostgreSQL 9.5+). */
export interface Upsert {
  key: readonly string[];
  update: readonly string[];
}

const quote = (name: string): string => `"${name}"`;

/**
 * Writes many rows with as little per-row overhead as each database allows. Batch writes are the
 * store's hot path (thousands of declarations per second), and a query builder's per-value work
 * and SQLite's cost of preparing large multi-row statements dominate there, so:
 * - SQLite: one cached single-row prepared statement per table, run per row on the one
 *   connection, i.e. inside whatever transaction the caller holds open on it;
 * - PostgreSQL: multi-row statements, one round trip per chunk, sent as already-compiled SQL.
 * Table and column names come from the store's own code, never from input.
 */
export class BulkWriter {
  private readonly statements = new Map<string, SQLite.Statement>();

  /** @param sqlite the raw handle when the connection is SQLite, else undefined. */
  constructor(private readonly sqlite: SQLite.Database | undefined) {}

  async insert<T extends keyof Database & string>(
    db: Kysely<Database>,
    table: T,
    rows: readonly Insertable<Database[T]>[],
    upsert?: Upsert,
  ): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    const columns = Object.keys(first);
    const values = (row: Insertable<Database[T]>): unknown[] =>
      columns.map((c) => (row as Record<string, unknown>)[c] ?? null);
    const head = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values `;
    const tail = upsert
      ? ` on conflict (${upsert.key.map(quote).join(', ')}) do update set ${upsert.update
          .map((c) => `${quote(c)} = excluded.${quote(c)}`)
          .join(', ')}`
      : '';
    if (this.sqlite) {
      const sql = `${head}(${columns.map(() => '?').join(', ')})${tail}`;
      let statement = this.statements.get(sql);
      if (!statement) {
        statement = this.sqlite.prepare(sql);
        this.statements.set(sql, statement);
      }
      for (const row of rows) statement.run(values(row));
      return;
    }
    for (const chunk of chunked(rows, rowsPerStatement(columns.length))) {
      const params: unknown[] = [];
      const tuples = chunk.map((row) => {
        const start = params.length;
        params.push(...values(row));
        return `(${columns.map((_, i) => `$${start + i + 1}`).join(', ')})`;
      });
      await db.executeQuery(CompiledQuery.raw(`${head}${tuples.join(', ')}${tail}`, params));
    }
  }
}

/**
 * Multi-row statements are what make batch writes fast (one round trip per chunk instead of per
 * row), but both databases cap bound parameters per statement: SQLite at 32,766
 * (SQLITE_MAX_VARIABLE_NUMBER since 3.32) and PostgreSQL at 65,535 (the wire protocol's Int16).
 * Chunks stay well below both so statements also stay quick to prepare.
 */
const MAX_PARAMETERS = 8_000;

/** How many rows of `columns` parameters fit in one statement. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / columns));
}

/** Splits rows into consecutive chunks of at most `size`. */
export function chunked<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

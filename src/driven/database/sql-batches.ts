/**
 * Splits rows into consecutive chunks of at most `size`: both databases cap bound parameters per
 * statement (SQLite at 32,766, PostgreSQL at 65,535), so lists of keys in `in (...)` go in chunks.
 */
export function chunked<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

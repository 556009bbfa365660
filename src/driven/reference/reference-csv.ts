import { parse } from 'csv-parse/sync';
import { ReferenceFetchError } from './reference-fetch-error.ts';

/** One converted output file: its bytes and its number of data rows (header excluded). */
export interface ConvertedFile {
  data: Buffer;
  rows: number;
}

/** Parses a fetched CSV into rows (header included); unreadable CSV is a BAD_FORMAT naming `where`. */
export function csvRows(data: Buffer | string, where: string): string[][] {
  try {
    return parse(data, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new ReferenceFetchError('BAD_FORMAT', `${where}: not readable as CSV: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Checks the header row: `exact` demands exactly `expected` in order (files the loader reads by
 * position-independent name but that must not drift), otherwise it must contain those columns.
 */
export function expectHeader(
  rows: string[][],
  expected: readonly string[],
  where: string,
  exact: boolean,
): string[] {
  const header = rows[0] ?? [];
  const missing = expected.filter((column) => !header.includes(column));
  if (missing.length > 0 || (exact && header.join(',') !== expected.join(','))) {
    throw new ReferenceFetchError(
      'BAD_FORMAT',
      `${where}: header is "${header.join(',')}", expected ${exact ? '' : 'columns including '}"${expected.join(',')}"`,
    );
  }
  return header;
}

/** RFC 4180 section 2: fields with commas, quotes or line breaks are quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** UTF-8 CSV with a header row and LF line ends, the layout of the data directory. */
export function csvFile(header: readonly string[], rows: readonly (readonly string[])[]): ConvertedFile {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return { data: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), rows: rows.length };
}

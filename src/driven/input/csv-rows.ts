import { textFault, type ValidationIssue } from '../../core/declaration/validation.ts';
import { MAX_RECORD_CHARS } from './input-record.ts';
import { lines } from './text-chunks.ts';

/** One CSV row: its 1-based row number (header included), its text and fields, or why it is malformed. */
export interface CsvRow {
  row: number;
  text: string;
  fields: string[];
  error?: string;
  /** How many leading fields were read intact: all of them unless the row is malformed. */
  intact: number;
  /** The full length of a row longer than the record limit (its text is cut there). */
  overLength?: number;
}

/** Splits one line into fields; stops at the first syntax error, keeping the fields before it. */
export function csvFields(line: string): Omit<CsvRow, 'row' | 'text' | 'overLength'> {
  const fields: string[] = [];
  let i = 0;
  const fail = (error: string) => ({ fields, error, intact: fields.length });
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) {
          return fail(
            `field ${fields.length + 1} opens a quote that is not closed on its line (fields cannot hold line breaks)`,
          );
        }
        value += line.slice(from, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return { fields, intact: fields.length };
      if (line.charCodeAt(i) !== 44) {
        return {
          fields,
          error: `field ${fields.length} has text after its closing quote`,
          intact: fields.length - 1,
        };
      }
      i++;
      continue;
    }
    const comma = line.indexOf(',', i);
    const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
    if (value.includes('"')) return fail(`field ${fields.length + 1} has a quote inside an unquoted value`);
    fields.push(value);
    if (comma < 0) return { fields, intact: fields.length };
    i = comma + 1;
  }
}

/**
 * Streaming reader of RFC 4180 CSV, with one restriction that keeps one bad row from taking
 * others with it: a row is one line (LF, CRLF or CR). Quoted fields may hold commas and doubled
 * quotes but not line breaks, so a stray or unclosed quote makes only its own row malformed.
 * Blank lines are skipped; a line longer than the record limit is malformed.
 */
export async function* csvRows(text: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  let row = 0;
  for await (const line of lines(text, MAX_RECORD_CHARS, true)) {
    if (line.overLength === undefined && line.text === '') continue;
    row++;
    const parsed = csvFields(line.text);
    if (line.overLength === undefined) {
      yield { row, text: line.text, ...parsed };
      continue;
    }
    // The last field read from a cut line is cut too.
    const intact = Math.min(parsed.intact, parsed.fields.length - 1);
    yield {
      row,
      text: line.text,
      fields: parsed.fields,
      intact: Math.max(0, intact),
      error: `${line.overLength} characters, more than the ${MAX_RECORD_CHARS} a record may have`,
      overLength: line.overLength,
    };
  }
}

/** A data row checked against the header: its values by column, or what is wrong with it. */
export interface CheckedRow {
  /** 1-based data row number (the header is row 0). */
  dataRow: number;
  text: string;
  /** The trimmed values by column, when the row has no problem. */
  values?: Record<string, string>;
  problems: ValidationIssue[];
  /** The value of the id column when it was read intact, even from a malformed row. */
  id?: string;
}

/**
 * Checks a data row: its syntax, its number of fields, and that every field is valid text (an
 * invalid UTF-8 byte arrives as a lone surrogate, see `Utf8Decoder`).
 */
export function checkRow(row: CsvRow, header: readonly string[], idColumn: string): CheckedRow {
  const dataRow = row.row - 1;
  const problems: ValidationIssue[] = [];
  let intact = row.intact;
  if (row.error) {
    const code = row.overLength === undefined ? 'malformed_syntax' : 'too_large';
    problems.push({ path: '', code, message: `row ${dataRow}: ${row.error}` });
  } else if (row.fields.length !== header.length) {
    problems.push({
      path: '',
      code: 'malformed_syntax',
      message: `row ${dataRow} has ${row.fields.length} fields but the header has ${header.length}`,
    });
    // Where a field is missing or extra is unknown: only the first one is surely in its column.
    intact = Math.min(intact, 1);
  }
  // One look at the whole line; the fields are searched only when it holds something wrong.
  const fields = textFault(row.text) === undefined ? [] : row.fields;
  fields.forEach((field, i) => {
    const fault = textFault(field);
    const column = i < intact ? header[i] : undefined;
    if (fault) {
      problems.push({
        path: '',
        code: 'invalid_text',
        message: `row ${dataRow}, ${column ? `column ${column}` : `field ${i + 1}`}: ${fault}`,
      });
    }
  });
  const at = header.indexOf(idColumn);
  const id = at >= 0 && at < intact ? row.fields[at]!.trim() : undefined;
  const out: CheckedRow = { dataRow, text: row.text, problems, ...(id !== undefined ? { id } : {}) };
  if (problems.length === 0) {
    const values: Record<string, string> = {};
    header.forEach((h, i) => {
      values[h] = row.fields[i]!.trim();
    });
    out.values = values;
  }
  return out;
}

/** One CSV row: its 1-based data row number (header excluded), its fields, or why it is malformed. */
export interface CsvRow {
  row: number;
  fields: string[];
  error?: string;
}

/**
 * Streaming RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks. A row with
 * a stray quote is reported as malformed and reading goes on at the next line; a quote left open at
 * the end of the input makes the last row malformed. Blank lines are skipped.
 */
export async function* csvRows(text: AsyncIterable<string>): AsyncGenerator<CsvRow> {
  let fields: string[] = [];
  let field = '';
  let state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' | 'skip-line' = 'start';
  let error: string | undefined;
  let row = 0;
  let pendingCR = false;

  const endRow = (): CsvRow | undefined => {
    fields.push(field);
    const isBlank = fields.length === 1 && fields[0] === '' && !error;
    const out = isBlank ? undefined : { row: ++row, fields, ...(error ? { error } : {}) };
    fields = [];
    field = '';
    error = undefined;
    state = 'start';
    return out;
  };

  for await (const chunk of text) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (state === 'skip-line') {
        if (ch === '\n' || ch === '\r') {
          pendingCR = ch === '\r';
          const r = endRow();
          if (r) yield r;
        }
        continue;
      }
      if (state === 'quoted') {
        if (ch === '"') state = 'quote-in-quoted';
        else field += ch;
        continue;
      }
      if (state === 'quote-in-quoted') {
        if (ch === '"') {
          field += '"';
          state = 'quoted';
          continue;
        }
        if (ch !== ',' && ch !== '\n' && ch !== '\r') {
          error = `field ${fields.length + 1} has text after its closing quote`;
          state = 'skip-line';
          continue;
        }
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        state = 'start';
      } else if (ch === '\n' || ch === '\r') {
        pendingCR = ch === '\r';
        const r = endRow();
        if (r) yield r;
      } else if (ch === '"') {
        if (state === 'start') state = 'quoted';
        else {
          error = `field ${fields.length + 1} has a quote inside an unquoted value`;
          state = 'skip-line';
        }
      } else {
        field += ch;
        state = 'unquoted';
      }
    }
  }
  if (state === 'quoted') {
    error = `field ${fields.length + 1} opens a quote that is never closed`;
  }
  if (state !== 'start' || fields.length > 0 || field !== '' || error) {
    const r = endRow();
    if (r) yield r;
  }
}

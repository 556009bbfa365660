import type { RegisterInput } from '../store/permit-repository.ts';

/**
 * The records of a permit register file: a JSON array (or one JSON object), or NDJSON (one record
 * a line, blank lines skipped). Records are numbered from 1 in file order; a line that is not JSON
 * becomes a record with an error, so the load names it instead of stopping at it.
 */
export function registerRecords(text: string): RegisterInput[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n'))) {
    try {
      const value: unknown = JSON.parse(trimmed);
      const values = Array.isArray(value) ? value : [value];
      return values.map((v, i) => ({ record: i + 1, value: v }));
    } catch (err) {
      if (trimmed.startsWith('['))
        return [
          {
            record: 1,
            value: undefined,
            errors: [{ path: '', code: 'malformed_syntax', message: (err as Error).message }],
          },
        ];
    }
  }
  const out: RegisterInput[] = [];
  for (const line of trimmed.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const record = out.length + 1;
    try {
      out.push({ record, value: JSON.parse(line) });
    } catch (err) {
      out.push({
        record,
        value: undefined,
        errors: [{ path: '', code: 'malformed_syntax', message: (err as Error).message }],
      });
    }
  }
  return out;
}

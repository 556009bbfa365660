import type { InputRecord } from '../../app/ports/input-record.ts';

/** The readers produce the assessment pipeline's input record (defined with the app's ports). */
export type { InputRecord, RecordedOutcome } from '../../app/ports/input-record.ts';

export const INPUT_FORMATS = ['json', 'ndjson', 'csv', 'customs-csv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/**
 * Largest record a reader accepts, in characters of its text (1 MiB): above any real declaration
 * (the test fixture's declaration with 999 goods items, each with a document and a GTIN, is
 * 381,266 characters of JSON), small enough that one record cannot exhaust memory.
 */
export const MAX_RECORD_CHARS = 1 << 20;

export function syntaxError(record: number, message: string, raw: string): InputRecord {
  return { record, errors: [{ path: '', code: 'malformed_syntax', message }], raw };
}

export function tooLarge(record: number, what: string, chars: number, raw: string): InputRecord {
  return {
    record,
    errors: [
      {
        path: '',
        code: 'too_large',
        message: `${what}: ${chars} characters, more than the ${MAX_RECORD_CHARS} a record may have`,
      },
    ],
    raw,
  };
}

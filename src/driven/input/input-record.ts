import type { ValidationIssue } from '../../core/declaration/validation.ts';

/** An inspection result recorded with an imported declaration (e.g. the labels of a historical data set). */
export interface RecordedOutcome {
  result: 'no_discrepancy' | 'discrepancy' | 'seizure';
  fraud: boolean;
  critical: boolean;
}

/**
 * One record read from an input stream, before validation. `record` is the 1-based record number
 * (array element, line, or declaration of data rows) that rejects are reported against. A record
 * its reader could not read (broken syntax, too large, a required column empty) carries `errors`,
 * so it is rejected without stopping the stream; it keeps its `value` when one could be read, so
 * validation can add what else is wrong with it.
 */
export interface InputRecord {
  record: number;
  value?: unknown;
  errors?: ValidationIssue[];
  /** The declaration id, when a reader that could not read the record could still tell it. */
  declarationId?: string;
  /** The record's text as read (JSON element, NDJSON line, CSV rows), kept with a reject. */
  raw?: string;
  outcome?: RecordedOutcome;
}

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

import type { ValidationIssue } from '../../core/declaration/validation.ts';

/** An inspection result recorded with an imported declaration (e.g. the labels of a historical data set). */
export interface RecordedOutcome {
  result: 'no_discrepancy' | 'discrepancy' | 'seizure';
  fraud: boolean;
  critical: boolean;
}

/**
 * One record read from an input stream, before validation. `record` is the 1-based record number
 * (array element, line, or data row) that rejects are reported against. A record whose syntax is
 * broken carries `syntaxError` instead of a value, so it is rejected without stopping the stream.
 */
export interface InputRecord {
  record: number;
  value?: unknown;
  syntaxError?: ValidationIssue;
  outcome?: RecordedOutcome;
}

export const INPUT_FORMATS = ['json', 'ndjson', 'csv', 'customs-csv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export function syntaxError(record: number, message: string, path = ''): InputRecord {
  return { record, syntaxError: { path, code: 'malformed_syntax', message } };
}

import type { ValidationIssue } from '../../core/declaration/validation.ts';
import type { InspectionResult } from './assessment-store.ts';

/** An inspection result recorded with an imported declaration (e.g. the labels of a historical data set). */
export interface RecordedOutcome {
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
}

/**
 * One record read from an input stream, before validation: what the assessment pipeline takes
 * (the readers in `driven/input` produce it). `record` is the 1-based record number (array
 * element, line, or declaration of data rows) that rejects are reported against. A record its
 * reader could not read (broken syntax, too large, a required column empty) carries `errors`, so
 * it is rejected without stopping the stream; it keeps its `value` when one could be read, so
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
  /**
   * Where this record came from when it differs from its batch's `source` (a stream message:
   * `stream:<stream>@<sequence>`, so a worker can tell which messages a stored version applied).
   */
  source?: string;
}

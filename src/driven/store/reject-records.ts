import type { ValidationIssue } from '../../core/declaration/validation.ts';

/** What the reject repository returns: records that failed validation, kept with their errors. */

/** Raw records longer than this are truncated (the length before truncation is kept). */
export const MAX_RAW_CHARS = 65_536;

export interface StoredReject {
  id: string;
  source: string;
  batchId: string | null;
  recordNumber: number;
  declarationId: string | null;
  errors: ValidationIssue[];
  raw: string;
  rawLength: number;
  truncated: boolean;
  receivedAt: string;
}

export interface RejectFilter {
  source?: string;
  batchId?: string;
  declarationId?: string;
  /** Inclusive lower bound on `receivedAt`. */
  from?: string;
  /** Exclusive upper bound on `receivedAt`. */
  to?: string;
  limit?: number;
  cursor?: string;
}

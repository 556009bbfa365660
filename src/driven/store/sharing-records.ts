import { contentHash } from '../../core/declaration/content-hash.ts';
import type { ErrorDetail } from '../../core/error.ts';
import type { CashDeclaration } from '../../core/sharing/cash-declaration.ts';
import type { ClosedGroup } from '../../core/sharing/closed-group.ts';
import type { GlobalSeizureReport, ReleaseForm } from '../../core/sharing/release-policy.ts';
import type { SeizureCategory, SeizureReport } from '../../core/sharing/seizure.ts';
import type { SharedBody } from '../../core/sharing/shared-bodies.ts';
import type { SharingIssue } from '../../core/sharing/sharing-error.ts';
import type { TlpCode } from '../../core/sharing/tlp.ts';
import { StoreError } from '../database/store-error.ts';
import type { LedgerRecordInput } from './ledger-records.ts';

/**
 * What the sharing repositories (seizures, cash declarations, closed groups) take and return, and
 * the transparency-log records of what an administration records itself.
 */

/** `source` of what an administration recorded itself; anything else is the partner that shared it. */
export const LOCAL_SOURCE = 'local';

/** The person reading, for the personal-data read log. */
export interface Reader {
  actor: string;
  /** What read it: `GET /v1/seizures`, `seizures export`, ... */
  via: string;
  /**
   * Who the reader is for TLP 2.0 inside the administration: the analysts (and admins) a partner's
   * item was delivered to (`recipient`, the default), or other staff (`recipient-organization`),
   * who never see a TLP:RED item.
   */
  audience?: 'recipient' | 'recipient-organization';
}

/** A seizure as stored, in the form it is shown. */
export interface StoredSeizure {
  source: string;
  /** The form shown: a received global report is global whatever was asked. */
  form: ReleaseForm;
  report: SeizureReport | GlobalSeizureReport;
  /** TLP code it arrived under; null for the administration's own. */
  handling: TlpCode | null;
  createdAt: string;
  createdBy: string;
}

export interface SeizureFilter {
  /** First day (YYYY-MM-DD), inclusive. */
  from?: string;
  /** Last day (YYYY-MM-DD), inclusive. */
  to?: string;
  category?: SeizureCategory;
  /** `local` (own records), `received` (from partners), or one partner's name; default all. */
  source?: string;
  /** 1..1000, default 100. */
  limit?: number;
  /** Rows to skip (an export pages through everything). */
  offset?: number;
}

/** A screened traveller: the query and what the installation's screening found. */
export interface CashScreening {
  status: 'screened' | 'not-screened';
  /** Why not, when not screened. */
  reason?: string;
  results: Array<{ id: string; matches: Array<Record<string, unknown>> }>;
}

export interface StoredCashDeclaration {
  declaration: CashDeclaration;
  seizureId: string | null;
  screening: CashScreening | null;
  createdAt: string;
  createdBy: string;
}

export interface StoredGroup {
  group: ClosedGroup;
  /** `local` when this administration coordinates it, else the coordinator partner that shared it. */
  source: string;
  /** This administration's name among the members. */
  memberName: string;
  handling: TlpCode;
  createdAt: string;
  createdBy: string;
}

export type GroupPostBody = SharedBody<'group-post'>['post'];

export interface StoredGroupPost {
  id: string;
  groupId: string;
  by: string;
  at: string;
  post: GroupPostBody;
}

/** The sharing core's parse issues as a store `INVALID_INPUT`, each field named by its pointer. */
export function invalidInput(what: string, issues: readonly SharingIssue[]): StoreError {
  const details: ErrorDetail[] = issues.map((i) => ({ path: i.path, code: 'invalid', message: i.message }));
  const text = issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
  return new StoreError('INVALID_INPUT', `${what}: ${text}`, { details });
}

/**
 * The log record of a seizure an administration recorded: which seizure, of what, when, where,
 * and the hash of the national record (personal data never enters the log, not even encrypted).
 */
export function seizureRecord(administration: string, report: SeizureReport, by: string): LedgerRecordInput {
  return {
    kind: 'seizure',
    recordId: `${administration}/${report.id}`,
    administration,
    content: {
      type: 'seizure',
      administration,
      id: report.id,
      date: report.date,
      office: report.office,
      category: report.category,
      contentHash: contentHash(report),
      by,
    },
  };
}

/** The log record of a cash declaration: its status, the seizure it derived, the record's hash. */
export function cashDeclarationRecord(
  administration: string,
  cash: CashDeclaration,
  seizureId: string | null,
  by: string,
): LedgerRecordInput {
  return {
    kind: 'cash-declaration',
    recordId: `${administration}/${cash.id}`,
    administration,
    content: {
      type: 'cash-declaration',
      administration,
      id: cash.id,
      at: cash.at,
      office: cash.office,
      status: cash.status,
      seizureId,
      contentHash: contentHash(cash),
      by,
    },
  };
}

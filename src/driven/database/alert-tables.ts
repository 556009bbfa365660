/**
 * Tables of alerts (issue 11): each administration keeps its own copy of every alert it issued or
 * received, so an issuer's record and a receiver's record of the same alert are two rows under two
 * administrations. Content is the validated alert as JSON text; timestamps are ISO 8601 UTC text.
 */
export interface AlertsTable {
  administration: string;
  /** The issuer's alert id (the signal code a matching declaration gets). */
  id: string;
  /** `issued` (this administration's own alert) or `received` (from a partner). */
  direction: string;
  /** The administration or installation that issued it (the item's originator when received). */
  issuer: string;
  /** The partner it came from (received alerts), null for own ones. */
  partner: string | null;
  /** 1 at issue, +1 per amendment. */
  version: number;
  /** `issued`, `accepted`, `refused` or `withdrawn` (`core/sharing/alert.ts`). */
  status: string;
  /** Why it was refused or withdrawn. */
  status_reason: string | null;
  /** TLP 2.0 code it travels and is shown under. */
  handling: string;
  /** JSON of the validated alert content; null for a received alert that did not validate. */
  content: string | null;
  /** Instant the alert applies from / until, UTC (null when the content did not validate, or no start). */
  valid_from: string | null;
  valid_until: string | null;
  /** JSON array of the partner names an own alert was shared with; `[]` for received ones. */
  recipients: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** What came of an alert: feedback a receiver sent back, kept on both sides. */
export interface AlertFeedbackTable {
  administration: string;
  id: string;
  alert_id: string;
  /** `sent` (this administration received the alert and reported back) or `received` (on its own alert). */
  direction: string;
  /** The partner the feedback went to (sent) or came from (received). */
  partner: string;
  /** `hit`, `no-discrepancy`, `discrepancy` or `seizure`. */
  outcome: string;
  /** JSON of the `AlertFeedbackSchema` body. */
  content: string;
  created_at: string;
  created_by: string;
}

export interface AlertTables {
  alerts: AlertsTable;
  alert_feedback: AlertFeedbackTable;
}

import type { AlertFeedback, AlertRecord, AlertStatus } from '../../core/sharing/alert.ts';
import type { TlpCode } from '../../core/sharing/tlp.ts';

/** Which side of an alert an administration's copy is: its own, or one a partner sent it. */
export type AlertDirection = 'issued' | 'received';

/** One administration's copy of an alert (`alerts` row). */
export interface StoredAlert extends AlertRecord {
  administration: string;
  direction: AlertDirection;
  /** The partner a received alert came from; null for own alerts. */
  partner: string | null;
  /** TLP 2.0 code: of the content when it validated, else of the envelope it came in. */
  handling: TlpCode;
  /** Partner names an own alert was shared with (amendments and withdrawals go to the same). */
  recipients: string[];
  createdAt: string;
  createdBy: string;
  updatedBy: string;
}

/** Which alerts to list. */
export interface AlertFilter {
  direction?: AlertDirection;
  status?: AlertStatus;
  /** At most this many, newest first (1..1000, default 100). */
  limit?: number;
}

/** Feedback on an alert as one administration keeps it. */
export interface StoredFeedback {
  id: string;
  alertId: string;
  /** `sent` by this administration as a receiver, or `received` on its own alert. */
  direction: 'sent' | 'received';
  /** Where it went (sent) or came from (received). */
  partner: string;
  feedback: AlertFeedback;
  createdAt: string;
  createdBy: string;
}

import type { Kysely } from 'kysely';
import { GreenlaneError } from '../core/error.ts';
import {
  type AlertContent,
  type AlertEvent,
  type AlertFeedback,
  AlertFeedbackSchema,
  type AlertStatus,
  issueAlert,
  parseAlertContent,
  transitionAlert,
} from '../core/sharing/alert.ts';
import { parseWith } from '../core/sharing/shared-fields.ts';
import { SharingError, type SharingIssue } from '../core/sharing/sharing-error.ts';
import { type Audience, mayReturnFeedback, mayView } from '../core/sharing/tlp.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import type { Database } from '../driven/database/schema.ts';
import { StoreError } from '../driven/database/store-error.ts';
import { timeOrderedId } from '../driven/database/time-ordered-id.ts';
import { shareRefusal } from '../driven/federation/federation-error.ts';
import type { Outbox, OutgoingShare } from '../driven/federation/sharing-port.ts';
import type { AlertDirection, StoredAlert, StoredFeedback } from '../driven/store/alert-records.ts';
import { AlertRepository } from '../driven/store/alert-repository.ts';
import { writeAudit } from '../driven/store/audit-log.ts';
import { requireAdministration } from '../driven/store/store-support.ts';

export type AlertServiceErrorCode = 'SHARING_UNAVAILABLE';

/** Alerts cannot leave this installation: it runs without the federation outbox. */
export class AlertServiceError extends GreenlaneError<AlertServiceErrorCode> {
  override name = 'AlertServiceError';
}

/** Who reads, relative to an alert, as TLP 2.0 sees them inside one administration. */
export type AlertReader = 'recipient' | 'recipient-organization';

/** What an issue, amendment or withdrawal did: the alert as now stored and the item shared. */
export interface AlertChange {
  alert: StoredAlert;
  itemId: string;
}

/** What a receiving officer reports back about an alert. */
export interface FeedbackInput {
  outcome: AlertFeedback['outcome'];
  seizureId?: string;
  note?: string;
}

export interface AlertServiceDeps {
  conn: StoreConnection;
  /** The federation outbox; without it alerts are read and received, never sent. */
  outbox?: Outbox;
  /** Epoch milliseconds; default the clock. */
  now?: () => number;
}

/** Problems of an input as the API and CLI report them: one RFC 6901 pointer each. */
function invalid(what: string, issues: readonly SharingIssue[]): StoreError {
  const details = issues.map((i) => ({ path: i.path, code: 'invalid', message: i.message }));
  return new StoreError(
    'INVALID_INPUT',
    `${what}: ${details.map((d) => `${d.path || '/'}: ${d.message}`).join('; ')}`,
    { details },
  );
}

/** The lifecycle's refusals (illegal move, version conflict) are conflicts with the stored state. */
function transition(alert: StoredAlert, event: AlertEvent, now: number) {
  try {
    return transitionAlert(alert, event, now);
  } catch (err) {
    if (err instanceof SharingError && err.code !== 'INVALID_INPUT')
      throw new StoreError('CONFLICT', err.message, { cause: err });
    if (err instanceof SharingError) throw new StoreError('INVALID_INPUT', err.message, { cause: err });
    throw err;
  }
}

/** The name an administration gives itself in feedback (`AlertFeedbackSchema.from`). */
function feedbackName(administration: string): string {
  return administration.toLowerCase();
}

/**
 * Alerts inside one installation: an analyst issues, amends and withdraws the administration's
 * own alerts, and a receiver reports back what came of a partner's alert. Every change stores the
 * administration's copy and hands the shared item to the outbox in ONE transaction, so the alert,
 * its log record and its deliveries commit together or not at all. Reads follow TLP 2.0: a
 * received alert is shown to the administration it was delivered to, as its label allows.
 *
 * @example
 * const alerts = new AlertService({ conn, outbox });
 * const { alert } = await alerts.issue('NL', alertFile, ['be-customs'], 'analyst:jan');
 */
export class AlertService {
  private readonly now: () => number;

  constructor(private readonly deps: AlertServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Validates the alert file, stores the administration's own alert and shares it with `to`. */
  async issue(
    administration: string,
    input: unknown,
    to: readonly string[],
    actor: string,
  ): Promise<AlertChange> {
    const content = this.content(input, 'invalid alert');
    const recipients = [...new Set(to.map((t) => t.trim()).filter((t) => t !== ''))];
    if (recipients.length === 0)
      throw new StoreError('INVALID_INPUT', '/to: name at least one partner to share the alert with', {
        details: [{ path: '/to', code: 'invalid', message: 'name at least one partner' }],
      });
    const now = this.now();
    const record = issueAlert(content, { id: timeOrderedId(now), issuer: administration, now });
    return this.write(administration, async (trx, alerts) => {
      const alert: StoredAlert = {
        ...record,
        administration,
        direction: 'issued',
        partner: null,
        handling: content.handling,
        recipients,
        createdAt: record.updatedAt,
        createdBy: actor,
        updatedBy: actor,
      };
      await alerts.insert(alert);
      await writeAudit(trx, administration, actor, 'alert.issue', alert.id, {
        to: recipients,
        handling: content.handling,
      });
      const share = { alertId: alert.id, version: 1, content };
      const itemId = await this.share(trx, {
        administration,
        kind: 'alert',
        handling: content.handling,
        body: share,
        to: recipients,
      });
      return { alert, itemId };
    });
  }

  /** Replaces the content of an own alert (version + 1) and shares the amendment with its recipients. */
  async amend(administration: string, id: string, input: unknown, actor: string): Promise<AlertChange> {
    const content = this.content(input, 'invalid amendment');
    return this.write(administration, async (trx, alerts) => {
      const alert = await this.own(alerts, administration, id, 'amend');
      const next = transition(
        alert,
        { type: 'amend', by: alert.issuer, version: alert.version + 1, content },
        this.now(),
      );
      await alerts.update(administration, alert, next, content.handling, actor);
      await writeAudit(trx, administration, actor, 'alert.amend', id, { version: next.version });
      const itemId = await this.share(trx, {
        administration,
        kind: 'alert-amendment',
        handling: content.handling,
        body: { alertId: id, version: next.version, content },
        to: alert.recipients,
      });
      return { alert: { ...alert, ...next, handling: content.handling, updatedBy: actor }, itemId };
    });
  }

  /** Withdraws an own alert (final) and tells its recipients. */
  async withdraw(administration: string, id: string, reason: string, actor: string): Promise<AlertChange> {
    if (reason.trim() === '')
      throw invalid('invalid withdrawal', [{ path: '/reason', message: 'say why the alert is withdrawn' }]);
    return this.write(administration, async (trx, alerts) => {
      const alert = await this.own(alerts, administration, id, 'withdraw');
      const next = transition(alert, { type: 'withdraw', by: alert.issuer, reason }, this.now());
      await alerts.update(administration, alert, next, alert.handling, actor);
      await writeAudit(trx, administration, actor, 'alert.withdraw', id, { reason: next.statusReason });
      const itemId = await this.share(trx, {
        administration,
        kind: 'alert-withdrawal',
        handling: alert.handling,
        body: { alertId: id, reason: next.statusReason },
        to: alert.recipients,
      });
      return { alert: { ...alert, ...next, updatedBy: actor }, itemId };
    });
  }

  /**
   * A receiver reports back what came of a partner's alert: kept with the alert and sent to the
   * partner it came from (TLP 2.0 always allows sharing back with the source).
   */
  async feedback(
    administration: string,
    id: string,
    input: FeedbackInput,
    actor: string,
    reader: AlertReader = 'recipient',
  ): Promise<{ feedback: StoredFeedback; itemId: string }> {
    return this.write(administration, async (trx, alerts) => {
      const alert = this.visible(await alerts.get(administration, id), reader, id);
      if (alert.direction !== 'received' || alert.partner === null)
        throw new StoreError(
          'CONFLICT',
          `alert ${id} is this administration's own: feedback goes from a receiver to the issuer`,
        );
      const allowed = mayReturnFeedback(alert.handling, 'sender');
      if (!allowed.allowed) throw new StoreError('CONFLICT', allowed.reason);
      const parsed = parseWith(AlertFeedbackSchema, {
        alertId: id,
        alertVersion: alert.version,
        from: feedbackName(administration),
        outcome: input.outcome,
        ...(input.seizureId === undefined ? {} : { seizureId: input.seizureId }),
        at: new Date(this.now()).toISOString(),
        ...(input.note === undefined ? {} : { note: input.note }),
      });
      if (!parsed.ok) throw invalid('invalid feedback', parsed.issues);
      const stored = await alerts.addFeedback(administration, {
        alertId: id,
        direction: 'sent',
        partner: alert.partner,
        feedback: parsed.value,
        createdBy: actor,
      });
      await writeAudit(trx, administration, actor, 'alert.feedback', id, { outcome: input.outcome });
      const itemId = await this.share(trx, {
        administration,
        kind: 'alert-feedback',
        handling: alert.handling,
        body: parsed.value,
        to: [alert.partner],
      });
      return { feedback: stored, itemId };
    });
  }

  /** The administration's alerts (own and received), newest first, as `reader` may see them. */
  async list(
    administration: string,
    filter: { direction?: AlertDirection; status?: AlertStatus; limit?: number } = {},
    reader: AlertReader = 'recipient',
  ): Promise<StoredAlert[]> {
    const alerts = await new AlertRepository(this.deps.conn.db).list(administration, filter);
    return alerts.filter((a) => mayView(a.handling, audienceOf(a, reader)).allowed);
  }

  /** One alert of the administration; another's, or one `reader` may not see, is `NOT_FOUND`. */
  async get(administration: string, id: string, reader: AlertReader = 'recipient'): Promise<StoredAlert> {
    return this.visible(await new AlertRepository(this.deps.conn.db).get(administration, id), reader, id);
  }

  /** The feedback kept on one alert (received on an own alert, or sent about a partner's). */
  async feedbackOf(
    administration: string,
    id: string,
    reader: AlertReader = 'recipient',
  ): Promise<StoredFeedback[]> {
    const repository = new AlertRepository(this.deps.conn.db);
    this.visible(await repository.get(administration, id), reader, id);
    return repository.feedback(administration, id);
  }

  private visible(alert: StoredAlert | undefined, reader: AlertReader, id: string): StoredAlert {
    // Not visible answers exactly like missing: nothing says the alert exists.
    if (!alert || !mayView(alert.handling, audienceOf(alert, reader)).allowed)
      throw new StoreError('NOT_FOUND', `alert ${id} not found`);
    return alert;
  }

  private async own(
    alerts: AlertRepository,
    administration: string,
    id: string,
    what: string,
  ): Promise<StoredAlert> {
    const alert = await alerts.require(administration, id);
    if (alert.direction !== 'issued')
      throw new StoreError(
        'CONFLICT',
        `alert ${id} was issued by ${alert.issuer}: only its issuer may ${what} it`,
      );
    return alert;
  }

  private content(input: unknown, what: string): AlertContent {
    const parsed = parseAlertContent(input);
    if (!parsed.ok) throw invalid(what, parsed.issues);
    return parsed.value;
  }

  private outbox(): Outbox {
    if (!this.deps.outbox)
      throw new AlertServiceError(
        'SHARING_UNAVAILABLE',
        'alerts cannot be shared: this installation runs without the federation outbox',
      );
    return this.deps.outbox;
  }

  /** Hands the item to the outbox; a partner it does not know is the caller's `/to` mistake. */
  private async share(trx: Kysely<Database>, share: OutgoingShare): Promise<string> {
    try {
      return (await this.outbox().share(trx, share)).itemId;
    } catch (err) {
      const refusal = shareRefusal(err);
      if (refusal)
        throw new StoreError(
          'INVALID_INPUT',
          refusal.message.startsWith('/') ? refusal.message : `/to: ${refusal.message}`,
          { details: [{ ...refusal, path: '/to' }], cause: err },
        );
      throw err;
    }
  }

  private write<T>(
    administration: string,
    work: (trx: Kysely<Database>, alerts: AlertRepository) => Promise<T>,
  ): Promise<T> {
    this.outbox();
    return this.deps.conn.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, administration);
      return work(trx, new AlertRepository(trx));
    });
  }
}

/** Own alerts: the reader is of the sender. Received: the analysts it was delivered to, or the rest. */
function audienceOf(alert: StoredAlert, reader: AlertReader): Audience {
  return alert.direction === 'issued' ? 'sender' : reader;
}

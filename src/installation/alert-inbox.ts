import type { Kysely } from 'kysely';
import { type AlertEvent, parseAlertContent, receiveAlert, transitionAlert } from '../core/sharing/alert.ts';
import { parseSharedBody } from '../core/sharing/shared-bodies.ts';
import { issuesText } from '../core/sharing/shared-fields.ts';
import { SharingError } from '../core/sharing/sharing-error.ts';
import type { Database } from '../driven/database/schema.ts';
import type {
  ReceivedItem,
  ReceivedItemHandler,
  ReceivedItemHandlers,
  ReceiveResult,
} from '../driven/federation/sharing-port.ts';
import type { StoredAlert } from '../driven/store/alert-records.ts';
import { AlertRepository } from '../driven/store/alert-repository.ts';
import { writeAudit } from '../driven/store/audit-log.ts';

const ACCEPTED: ReceiveResult = { status: 'accepted' };
const refused = (reason: string): ReceiveResult => ({ status: 'refused', reason });

/** Who changed a received record: the partner, as the audit trail and `updated_by` say. */
const partnerActor = (received: ReceivedItem) => `partner:${received.partner}`;

/** A body the envelope check should already have refused; refused here too rather than half-applied. */
function body<K extends 'alert' | 'alert-amendment' | 'alert-withdrawal' | 'alert-feedback'>(
  kind: K,
  received: ReceivedItem,
) {
  const parsed = parseSharedBody(kind, received.item.body);
  return parsed.ok
    ? { ok: true as const, value: parsed.value }
    : { ok: false as const, reason: `invalid ${kind}: ${issuesText(parsed.issues)}` };
}

/**
 * The received alert a partner may change: only the partner it came from (amendments and
 * withdrawals from anyone else are refused as if the alert did not exist for them).
 */
async function fromPartner(
  alerts: AlertRepository,
  received: ReceivedItem,
  id: string,
): Promise<StoredAlert | undefined> {
  const alert = await alerts.get(received.administration, id);
  return alert && alert.direction === 'received' && alert.partner === received.partner ? alert : undefined;
}

/** Applies a lifecycle event; an illegal move or a version out of order is the item's refusal. */
async function applyEvent(
  trx: Kysely<Database>,
  received: ReceivedItem,
  alert: StoredAlert,
  event: AlertEvent,
  now: number,
): Promise<ReceiveResult> {
  let next: ReturnType<typeof transitionAlert>;
  try {
    next = transitionAlert(alert, event, now);
  } catch (err) {
    if (err instanceof SharingError) return refused(err.message);
    throw err;
  }
  const handling = next.content?.handling ?? alert.handling;
  await new AlertRepository(trx).update(
    received.administration,
    alert,
    next,
    handling,
    partnerActor(received),
  );
  await writeAudit(
    trx,
    received.administration,
    partnerActor(received),
    `alert.received.${event.type}`,
    alert.id,
    {
      version: next.version,
      status: next.status,
    },
  );
  return next.status === 'refused' ? refused(next.statusReason ?? 'refused') : ACCEPTED;
}

/**
 * The federation inbox's handlers for the alert kinds (`ReceivedItemHandlers`), applied in the
 * inbox transaction after the envelope verified:
 * - `alert`: kept as accepted, or refused with the reason (content that does not validate, is
 *   expired, or names another handling code than the envelope); an alert id this administration
 *   already holds is refused and nothing is stored;
 * - `alert-amendment`, `alert-withdrawal`: only from the partner the alert came from, in order
 *   (a skipped or replayed version is refused, `VERSION_CONFLICT`); an amendment that no longer
 *   validates is refused and the alert stays as it was;
 * - `alert-feedback`: kept on the administration's own alert, only from a partner it was shared
 *   with, and as that partner's (whatever its `from` says).
 *
 * @example
 * const inbox = openInbox({ ..., handlers: { ...alertReceivedHandlers(), ...seizureReceivedHandlers() } });
 */
export function alertReceivedHandlers(options: { now?: () => number } = {}): ReceivedItemHandlers {
  const now = options.now ?? Date.now;

  const alert: ReceivedItemHandler = async (trx, received) => {
    const parsed = body('alert', received);
    if (!parsed.ok) return refused(parsed.reason);
    const { alertId, content } = parsed.value;
    const alerts = new AlertRepository(trx);
    if (await alerts.get(received.administration, alertId))
      return refused(`alert ${alertId} is already held by this administration: a new alert needs a new id`);
    const record = receiveAlert(
      {
        id: alertId,
        issuer: received.item.originator,
        version: 1,
        content,
        handling: received.item.handling,
      },
      now(),
    );
    await alerts.insert({
      ...record,
      administration: received.administration,
      direction: 'received',
      partner: received.partner,
      handling: record.content?.handling ?? received.item.handling,
      recipients: [],
      createdAt: record.updatedAt,
      createdBy: partnerActor(received),
    });
    await writeAudit(trx, received.administration, partnerActor(received), 'alert.received', alertId, {
      status: record.status,
      itemId: received.item.itemId,
      logIndex: received.logIndex,
    });
    return record.status === 'refused' ? refused(record.statusReason ?? 'refused') : ACCEPTED;
  };

  const amendment: ReceivedItemHandler = async (trx, received) => {
    const parsed = body('alert-amendment', received);
    if (!parsed.ok) return refused(parsed.reason);
    const { alertId, version } = parsed.value;
    const stored = await fromPartner(new AlertRepository(trx), received, alertId);
    if (!stored) return refused(`no alert ${alertId} from ${received.partner} to amend`);
    const content = parseAlertContent(parsed.value.content);
    if (!content.ok) return refused(`invalid amendment of alert ${alertId}: ${issuesText(content.issues)}`);
    if (content.value.handling !== received.item.handling)
      return refused(
        `the envelope travelled under TLP:${received.item.handling}, the amendment says TLP:${content.value.handling}`,
      );
    return applyEvent(
      trx,
      received,
      stored,
      { type: 'amend', by: received.item.originator, version, content: content.value },
      now(),
    );
  };

  const withdrawal: ReceivedItemHandler = async (trx, received) => {
    const parsed = body('alert-withdrawal', received);
    if (!parsed.ok) return refused(parsed.reason);
    const { alertId, reason } = parsed.value;
    const stored = await fromPartner(new AlertRepository(trx), received, alertId);
    if (!stored) return refused(`no alert ${alertId} from ${received.partner} to withdraw`);
    return applyEvent(
      trx,
      received,
      stored,
      { type: 'withdraw', by: received.item.originator, reason },
      now(),
    );
  };

  const feedback: ReceivedItemHandler = async (trx, received) => {
    const parsed = body('alert-feedback', received);
    if (!parsed.ok) return refused(parsed.reason);
    const alerts = new AlertRepository(trx);
    const own = await alerts.get(received.administration, parsed.value.alertId);
    if (own?.direction !== 'issued' || !own.recipients.includes(received.partner))
      return refused(`alert ${parsed.value.alertId} was not shared with ${received.partner}`);
    await alerts.addFeedback(received.administration, {
      alertId: own.id,
      direction: 'received',
      partner: received.partner,
      // The signature says who sent it; `from` is the sender's own word, and a group summary
      // counts hits by it: a partner does not report hits in another member's name.
      feedback: { ...parsed.value, from: received.partner },
      createdBy: partnerActor(received),
    });
    await writeAudit(
      trx,
      received.administration,
      partnerActor(received),
      'alert.feedback.received',
      own.id,
      {
        outcome: parsed.value.outcome,
      },
    );
    return ACCEPTED;
  };

  return { alert, 'alert-amendment': amendment, 'alert-withdrawal': withdrawal, 'alert-feedback': feedback };
}

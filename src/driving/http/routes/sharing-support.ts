import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { AlertFeedback } from '../../../core/sharing/alert.ts';
import type { Database } from '../../../driven/database/schema.ts';
import { shareRefusal } from '../../../driven/federation/federation-error.ts';
import type { Outbox, OutgoingShare, ShareReceipt } from '../../../driven/federation/sharing-port.ts';
import type { CashDeclarationRepository } from '../../../driven/store/cash-declaration-repository.ts';
import type { GroupRepository } from '../../../driven/store/group-repository.ts';
import type { SeizureRepository } from '../../../driven/store/seizure-repository.ts';
import type { Reader } from '../../../driven/store/sharing-records.ts';
import type { AlertService } from '../../../installation/alert-service.ts';
import { actorOf, type Principal } from '../api-key-auth.ts';
import { ApiErrorSchema, HttpError } from '../http-error.ts';
import type { ScreeningRouteDeps } from './screening.ts';

/**
 * What the seizure, cash-declaration and group routes need. The repositories work inside the
 * caller's administration; what leaves it goes through federation's {@link Outbox}, in the
 * transaction that stores it.
 */
export interface SharingRouteDeps {
  seizures: SeizureRepository;
  cash: CashDeclarationRepository;
  groups: GroupRepository;
  /** The administration's alerts, for the alert ids posted to groups. */
  alerts: Pick<AlertService, 'get'>;
  /** Federation's outbox; the routes that share answer 503 without it. */
  outbox?: Outbox;
  /** The administration's name among group members (default: its id in lower case). */
  memberName?: (administration: string) => string;
  /** Feedback on alerts (the alerts capability), for group summaries; none counted when absent. */
  alertFeedback?: (
    administration: string,
    alertIds: readonly string[],
  ) => Promise<Array<Pick<AlertFeedback, 'alertId' | 'from' | 'outcome' | 'at'>>>;
  /** The installation's party screening, for cash travellers; not screened when absent. */
  screening?: ScreeningRouteDeps;
  /**
   * Called after a seizure, cash declaration or share was stored with its pending log entries
   * (the server drains the transparency log, as after an adjudication).
   */
  onLogged?: () => Promise<void>;
}

const errorJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: ApiErrorSchema } },
});

export const SHARING_ERRORS = {
  400: errorJson('Invalid request; `details` names each field by its JSON pointer'),
  401: errorJson('Missing or invalid API key'),
  403: errorJson("The key's role may not do this"),
} as const;
export const NOT_FOUND = (what: string) => ({
  404: errorJson(`No such ${what} in the caller’s administration`),
});
export const CONFLICT = (why: string) => ({ 409: errorJson(why) });
export const UNAVAILABLE = { 503: errorJson('Federation is not configured on this installation') };

export const ObjectIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** A day, `YYYY-MM-DD`, for list filters. */
export const DayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');

export const LimitParam = z.coerce.number().int().min(1).max(1000).default(100);

/**
 * Who reads, for the personal-data read log (the key's actor and the route) and for TLP 2.0: the
 * analysts and admins are the recipients of what partners share, other roles their organization.
 */
export function readerOf(principal: Principal, via: string): Reader {
  const recipient = principal.role === 'analyst' || principal.role === 'admin';
  return { actor: actorOf(principal), via, audience: recipient ? 'recipient' : 'recipient-organization' };
}

export function requireOutbox(deps: SharingRouteDeps): Outbox {
  if (!deps.outbox) {
    throw new HttpError(
      503,
      'unavailable',
      'federation is not configured on this installation: nothing can be shared',
    );
  }
  return deps.outbox;
}

/**
 * Shares through the outbox in `trx`. The outbox's refusals (a partner the administration does
 * not have, a body it does not accept) are the client's: 400 naming the field.
 */
export async function shareThrough(
  outbox: Outbox,
  trx: Kysely<Database>,
  share: OutgoingShare,
): Promise<ShareReceipt> {
  try {
    return await outbox.share(trx, share);
  } catch (err) {
    const refusal = shareRefusal(err);
    if (refusal) throw new HttpError(400, 'validation_failed', refusal.message, [refusal]);
    throw err;
  }
}

export const ShareReceiptSchema = z
  .object({
    itemId: z.string(),
    seq: z.number().int(),
    to: z.array(z.string()),
  })
  .openapi('ShareReceipt');

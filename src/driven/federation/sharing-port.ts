import type { Kysely } from 'kysely';
import type { EnvelopeKind, SharedItem } from '../../core/sharing/envelope.ts';
import type { TlpCode } from '../../core/sharing/tlp.ts';
import type { Database } from '../database/schema.ts';

/**
 * The seam between the capabilities that share (alerts, seizures, groups) and federation (the
 * outbox, delivery, the inbox). A capability writes its own object and calls
 * {@link Outbox.share} in the same transaction, so the object, the shared item, its log record
 * and the deliveries commit together or not at all. Federation calls a capability's
 * {@link ReceivedItemHandler} inside the inbox transaction after an envelope has verified, so the
 * partner's state (seq, checkpoint, nonce) and what the item changes commit together.
 */

/** One item to share with partners. */
export interface OutgoingShare {
  /** The sending administration (the one whose analyst or officer shares). */
  administration: string;
  kind: EnvelopeKind;
  handling: TlpCode;
  /** Valid for its kind (`parseSharedBody`); checked again by `share`. */
  body: unknown;
  /** Partner names (`greenlane partners list`); each must belong to `administration`. */
  to: readonly string[];
  /** The administration or installation that first shared the item; default this installation. */
  originator?: string;
  /** Default: a new time-ordered id. */
  itemId?: string;
}

export interface ShareReceipt {
  itemId: string;
  seq: number;
}

export interface Outbox {
  /**
   * Writes, in `trx`, the shared item, its ledger record (kind `shared-item`: the log entry is the
   * item's salted commitment) and one delivery per partner. Throws a `FederationError` with code
   * `UNKNOWN_PARTNER` (a name not among the administration's partners) or `INVALID_INPUT`.
   */
  share(trx: Kysely<Database>, share: OutgoingShare): Promise<ShareReceipt>;
  /** The item's log index once the log has appended it (waits for the log's drain). */
  logIndexOf(itemId: string): Promise<number>;
}

/** An item that arrived from a partner and verified. */
export interface ReceivedItem {
  /** The administration the partner's items go to (`partners add --administration`). */
  administration: string;
  /** The partner's name (the envelope's sender). */
  partner: string;
  item: SharedItem;
  /** Where the item sits in the partner's log. */
  logIndex: number;
}

export type ReceiveResult = { status: 'accepted' } | { status: 'refused'; reason: string };

/**
 * Applies a received item in the inbox transaction. Content that is valid as an envelope but not
 * acceptable (an alert that does not validate, an amendment out of order) returns `refused` with
 * the reason: the refusal is recorded and the partner told. A throw rolls the whole receipt back.
 */
export type ReceivedItemHandler = (trx: Kysely<Database>, received: ReceivedItem) => Promise<ReceiveResult>;

export type ReceivedItemHandlers = Partial<Record<EnvelopeKind, ReceivedItemHandler>>;

import type { Kysely } from 'kysely';
import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { ENVELOPE_KINDS, type SharedItem } from '../../core/sharing/envelope.ts';
import { bodyHandling, parseSharedBody } from '../../core/sharing/shared-bodies.ts';
import { issuesText, objectId, partyName } from '../../core/sharing/shared-fields.ts';
import { mayReshare, TLP_CODES } from '../../core/sharing/tlp.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import { isUniqueViolation } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import type { TransparencyLog } from '../ledger/transparency-log.ts';
import { writeLedgerRecords } from '../store/ledger-records.ts';
import { FederationError } from './federation-error.ts';
import type { Outbox, OutgoingShare, ShareReceipt } from './sharing-port.ts';

export interface OutboxDeps {
  conn: StoreConnection;
  log: TransparencyLog;
  /** This installation's name: the `sender` of what it shares. */
  sender: string;
  /** Called once an item is in the log, so the delivery worker looks at once (not at its next tick). */
  onLogged?: () => void;
}

/** How long `logIndexOf` waits for the log before it gives up. */
const LOG_WAIT_MS = 30_000;

/**
 * The outbox of federation (the {@link Outbox} port): `share` writes, in the caller's transaction,
 * the shared item, its `shared-item` ledger record (content = the SharedItem, so the leaf is
 * `sharedItemLogEntry(item, salt)`) and one pending delivery per partner. The delivery worker
 * seals and sends them once the log has appended the record and a checkpoint covers it.
 */
export class FederationOutbox implements Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  async share(trx: Kysely<Database>, share: OutgoingShare): Promise<ShareReceipt> {
    const invalid = (message: string) => new FederationError('INVALID_INPUT', message);
    if (!(ENVELOPE_KINDS as readonly string[]).includes(share.kind))
      throw invalid(`/kind: must be one of ${ENVELOPE_KINDS.join(', ')}`);
    if (!(TLP_CODES as readonly string[]).includes(share.handling))
      throw invalid(`/handling: must be one of ${TLP_CODES.join(', ')}`);
    const body = parseSharedBody(share.kind, share.body);
    if (!body.ok) throw invalid(`not a valid ${share.kind}: ${issuesText(body.issues)}`);
    if (share.itemId !== undefined && !objectId.safeParse(share.itemId).success)
      throw invalid('/itemId: must be 1-128 letters, digits, ".", "_", ":" or "-"');
    if (share.originator !== undefined && !partyName.safeParse(share.originator).success)
      throw invalid('/originator: must be 1-100 lower-case letters, digits, "." or "-"');
    const demanded = bodyHandling(share.kind, share.body, share.handling);
    if (!demanded.allowed) throw new FederationError('HANDLING_FORBIDS', demanded.reason);
    if (share.originator !== undefined && share.originator !== this.deps.sender) {
      const reshare = mayReshare(share.handling, 'community');
      if (!reshare.allowed)
        throw new FederationError('HANDLING_FORBIDS', `${share.originator}'s item: ${reshare.reason}`);
    }
    const to = [...new Set(share.to)];
    if (to.length === 0) throw invalid('/to: name at least one partner');
    const partners = await trx
      .selectFrom('federation_partners')
      .select('name')
      .where('administration', '=', share.administration)
      .where('name', 'in', to)
      .execute();
    const known = new Set(partners.map((p) => p.name));
    const unknown = to.filter((n) => !known.has(n));
    if (unknown.length > 0)
      throw new FederationError(
        'UNKNOWN_PARTNER',
        `/to: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a partner' : 'are not partners'} of administration ${share.administration} (greenlane partners list)`,
      );

    const seq = await nextSeq(trx);
    const item: SharedItem = {
      itemId: share.itemId ?? timeOrderedId(),
      sender: this.deps.sender,
      kind: share.kind,
      seq,
      handling: share.handling,
      originator: share.originator ?? this.deps.sender,
      // Exactly what travels and is committed: the body as canonical JSON reads it back.
      body: JSON.parse(canonicalJson(share.body)),
    };
    const now = new Date().toISOString();
    try {
      await trx
        .insertInto('federation_shared_items')
        .values({
          item_id: item.itemId,
          administration: share.administration,
          kind: item.kind,
          seq,
          handling: item.handling,
          item: canonicalJson(item),
          created_at: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new FederationError('CONFLICT', `/itemId: item ${item.itemId} was shared before`, {
          cause: err,
        });
      throw err;
    }
    await writeLedgerRecords(trx, [
      { kind: 'shared-item', recordId: item.itemId, administration: share.administration, content: item },
    ]);
    await trx
      .insertInto('federation_deliveries')
      .values(
        to.map((partner) => ({
          item_id: item.itemId,
          partner,
          seq,
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          delivered_at: null,
          request: null,
        })),
      )
      .execute();
    return { itemId: item.itemId, seq };
  }

  async logIndexOf(itemId: string): Promise<number> {
    const { log } = this.deps;
    const deadline = Date.now() + LOG_WAIT_MS;
    for (;;) {
      await log.drainRecords();
      const index = await log.records.indexOf('shared-item', itemId);
      if (index === undefined) throw new FederationError('NOT_FOUND', `no shared item ${itemId}`);
      if (index !== null) {
        this.deps.onLogged?.();
        return index;
      }
      // A failed drain is retried by the log a second later.
      if (Date.now() > deadline)
        throw new FederationError('NOT_LOGGED', `item ${itemId} is not in the log after ${LOG_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The next sequence number of this installation. The counter row is updated in the caller's
 * transaction, so on PostgreSQL a concurrent share waits for this one to commit: numbers are
 * handed out in commit order, and the worker never sees seq n+1 before n.
 */
async function nextSeq(trx: Kysely<Database>): Promise<number> {
  const row = await trx
    .updateTable('federation_sequence')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', 1)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

import type { Kysely, Selectable } from 'kysely';
import { GreenlaneError } from '../../core/error.ts';
import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { FEDERATION_LABEL, sharedItemOf } from '../../core/sharing/envelope.ts';
import { type HttpMessage, readSignature } from '../../core/sharing/http-signature.ts';
import {
  type EnvelopeRefusalCode,
  type EnvelopeVerdict,
  type PartnerState,
  signatureKeyId,
  verifyEnvelope,
} from '../../core/sharing/verify-envelope.ts';
import type { StoreConnection } from '../database/database.ts';
import type { FederationTables } from '../database/federation-tables.ts';
import type { Database } from '../database/schema.ts';
import { isUniqueViolation } from '../database/store-error.ts';
import { type PartnerStore, publicKeyFromBase64 } from './partner-store.ts';
import type { ReceivedItemHandlers, ReceiveResult } from './sharing-port.ts';

type PartnerRow = Selectable<FederationTables['federation_partners']>;

/** The refusal codes of `verifyEnvelope`: a sender's outbox stops retrying an item refused with one. */
export const REFUSAL_CODES: readonly EnvelopeRefusalCode[] = [
  'MALFORMED',
  'BAD_SIGNATURE',
  'UNKNOWN_KEY',
  'REPLAYED',
  'BODY_CHANGED',
  'BAD_PROOF',
  'SPLIT_VIEW',
  'HANDLING_FORBIDS',
];

/**
 * HTTP status of each refusal. Never 401/403: the inbox is not behind API keys (the signature is
 * its authentication), and those statuses mean "send a key" to every client of this API.
 */
const REFUSAL_STATUS: Record<EnvelopeRefusalCode, 400 | 409 | 422> = {
  MALFORMED: 400,
  BODY_CHANGED: 400,
  REPLAYED: 409,
  SPLIT_VIEW: 409,
  BAD_SIGNATURE: 422,
  UNKNOWN_KEY: 422,
  BAD_PROOF: 422,
  HANDLING_FORBIDS: 422,
};

/** What the inbox answers: 200 with the receipt, or a refusal status with `{error:{code,message}}`. */
export type InboxAnswer =
  | {
      status: 200;
      body: {
        status: 'accepted' | 'duplicate' | 'refused';
        itemId: string;
        reason?: string;
        /** The size of the sender's checkpoint this installation now witnesses: the sender's next consistency proof starts there. */
        witnessedSize: number | null;
      };
    }
  | { status: 400 | 409 | 422; body: { error: { code: EnvelopeRefusalCode; message: string } } };

/** Another receipt of the same partner committed between our read and our write: verify again. */
class ReceiptRaceError extends GreenlaneError<'RACE'> {
  override readonly name = 'ReceiptRaceError';
}

export interface InboxDeps {
  conn: StoreConnection;
  partners: PartnerStore;
  /** What each kind of item does once accepted (alerts, seizures, groups register theirs). */
  handlers: ReceivedItemHandlers;
  /** This installation's authority (host[:port] of its public URL): requests signed for another are refused. */
  authority: () => string | undefined;
  now?: () => number;
}

/**
 * The inbox: verifies a signed envelope against what this installation knows of its sender
 * (`verifyEnvelope`) and applies an accepted one in ONE transaction: the partner's advance (seq,
 * checkpoint, log key; conditional on the state it was verified against, so a concurrent duplicate
 * is verified again and answered as a duplicate), the nonce, the inbox row and the kind's handler.
 * A refusal writes only a `federation_refusals` row.
 */
export class FederationInbox {
  constructor(private readonly deps: InboxDeps) {}

  async receive(request: HttpMessage, body: Uint8Array): Promise<InboxAnswer> {
    for (let attempt = 0; ; attempt += 1) {
      const keyid = signatureKeyId(request);
      const row = keyid === undefined ? undefined : await this.deps.partners.byKey(keyid);
      const state = row ? await this.partnerState(row, request, body) : undefined;
      const verdict = verifyEnvelope(
        {
          request,
          body,
          now: (this.deps.now ?? Date.now)(),
          ...(this.deps.authority() ? { authority: this.deps.authority()! } : {}),
        },
        state,
      );
      if (!verdict.accepted) {
        await this.deps.partners.recordRefusal(row, verdict.code, verdict.reason);
        return {
          status: REFUSAL_STATUS[verdict.code],
          body: { error: { code: verdict.code, message: verdict.reason } },
        };
      }
      const itemId = verdict.envelope.itemId;
      if (verdict.duplicate) {
        await this.rememberNonce(this.deps.conn.db, row!.name, verdict.nonce, true);
        const witnessed = row!.checkpoint_size === null ? null : Number(row!.checkpoint_size);
        return { status: 200, body: { status: 'duplicate', itemId, witnessedSize: witnessed } };
      }
      try {
        const result = await this.deps.conn.db.transaction().execute((trx) => this.apply(trx, row!, verdict));
        return {
          status: 200,
          body: {
            status: result.status,
            itemId,
            ...(result.status === 'refused' ? { reason: result.reason } : {}),
            witnessedSize: verdict.advance.lastCheckpoint.size,
          },
        };
      } catch (err) {
        // Lost to a concurrent receipt (its advance, nonce or inbox row committed first).
        if (attempt < 3 && (err instanceof ReceiptRaceError || isUniqueViolation(err))) continue;
        throw err;
      }
    }
  }

  /** The partner as the verifier sees it, with what it needs of the store read before it runs. */
  private async partnerState(row: PartnerRow, request: HttpMessage, body: Uint8Array): Promise<PartnerState> {
    const db = this.deps.conn.db;
    let nonce: string | undefined;
    try {
      nonce = readSignature(request, FEDERATION_LABEL).params.nonce;
    } catch {
      nonce = undefined;
    }
    let itemId: string | undefined;
    try {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { itemId?: unknown };
      if (typeof parsed.itemId === 'string') itemId = parsed.itemId;
    } catch {
      itemId = undefined;
    }
    const seenNonce =
      nonce !== undefined &&
      (await db
        .selectFrom('federation_nonces')
        .select('nonce')
        .where('partner', '=', row.name)
        .where('nonce', '=', nonce)
        .executeTakeFirst()) !== undefined;
    const seen =
      itemId === undefined
        ? undefined
        : await db
            .selectFrom('federation_inbox')
            .select('commitment')
            .where('partner', '=', row.name)
            .where('item_id', '=', itemId)
            .executeTakeFirst();
    return {
      name: row.name,
      keys: new Map([[row.public_key, publicKeyFromBase64(row.public_key)]]),
      ...(row.log_key === null ? {} : { logVerifierKey: row.log_key }),
      lastSeq: Number(row.last_seq),
      ...(row.checkpoint_size === null || row.checkpoint_root === null
        ? {}
        : {
            lastCheckpoint: {
              size: Number(row.checkpoint_size),
              rootHash: Buffer.from(row.checkpoint_root, 'hex'),
            },
          }),
      seenItem: (id) => (id === itemId ? seen?.commitment : undefined),
      seenNonce: (n) => n === nonce && seenNonce,
    };
  }

  private async apply(
    trx: Kysely<Database>,
    row: PartnerRow,
    verdict: Extract<EnvelopeVerdict, { duplicate: false }>,
  ): Promise<ReceiveResult> {
    const { envelope, advance } = verdict;
    let update = trx
      .updateTable('federation_partners')
      .set({
        last_seq: advance.lastSeq,
        checkpoint_size: advance.lastCheckpoint.size,
        checkpoint_root: advance.lastCheckpoint.rootHash.toString('hex'),
        log_key: advance.logVerifierKey,
      })
      .where('name', '=', row.name)
      .where('last_seq', '=', row.last_seq);
    update =
      row.checkpoint_size === null
        ? update.where('checkpoint_size', 'is', null)
        : update.where('checkpoint_size', '=', row.checkpoint_size);
    update =
      row.log_key === null ? update.where('log_key', 'is', null) : update.where('log_key', '=', row.log_key);
    const updated = await update.executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new ReceiptRaceError('RACE', `${row.name}'s state changed while its envelope was verified`);
    await this.rememberNonce(trx, row.name, advance.nonce, false);

    const item = sharedItemOf(envelope);
    const handler = this.deps.handlers[item.kind];
    const result: ReceiveResult = handler
      ? await handler(trx, {
          administration: row.administration,
          partner: row.name,
          item,
          logIndex: envelope.logIndex,
        })
      : { status: 'refused', reason: `this installation takes no ${item.kind} items` };
    await trx
      .insertInto('federation_inbox')
      .values({
        partner: row.name,
        item_id: item.itemId,
        administration: row.administration,
        commitment: advance.itemCommitment,
        seq: item.seq,
        kind: item.kind,
        handling: item.handling,
        log_index: envelope.logIndex,
        status: result.status,
        reason: result.status === 'refused' ? result.reason.slice(0, 2000) : null,
        item: canonicalJson(item),
        received_at: new Date().toISOString(),
      })
      .execute();
    return result;
  }

  private async rememberNonce(
    db: Kysely<Database>,
    partner: string,
    nonce: string,
    ignoreConflict: boolean,
  ): Promise<void> {
    let q = db
      .insertInto('federation_nonces')
      .values({ partner, nonce, received_at: new Date().toISOString() });
    if (ignoreConflict) q = q.onConflict((oc) => oc.columns(['partner', 'nonce']).doNothing());
    await q.execute();
  }
}

/** Forgets nonces older than the freshness window (a request that old is refused by its `created`). */
export async function pruneNonces(conn: StoreConnection, olderThanMs = 15 * 60_000): Promise<void> {
  await conn.db
    .deleteFrom('federation_nonces')
    .where('received_at', '<', new Date(Date.now() - olderThanMs).toISOString())
    .execute();
}

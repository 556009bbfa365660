import { randomBytes } from 'node:crypto';
import { envelopeRequest, type SharedItem, sealEnvelope } from '../../core/sharing/envelope.ts';
import type { HttpMessage } from '../../core/sharing/http-signature.ts';
import type { StoreConnection } from '../database/database.ts';
import type { TransparencyLog } from '../ledger/transparency-log.ts';
import type { FederationIdentity } from './federation-identity.ts';

/** A sealed, signed request carrying one shared item to one partner's inbox. */
export interface SealedRequest {
  message: HttpMessage;
  /** The envelope's canonical JSON: the request body. */
  body: Buffer;
  /** The size of the checkpoint it was sealed with (the partner witnesses it once it accepts). */
  size: number;
}

/** The inbox URL of a partner's base URL. */
export const inboxUrl = (baseUrl: string) => `${baseUrl}/v1/federation/inbox`;

/**
 * Seals shared items at delivery time: the item and its salt from the `shared-item` ledger
 * record, an inclusion proof in the newest checkpoint (one is published when none covers the item
 * yet), a consistency proof from the size the partner last accepted, this log's verifier key, and
 * an RFC 9421 signature made now with a fresh nonce.
 */
export class Sealer {
  constructor(
    private readonly deps: { conn: StoreConnection; log: TransparencyLog; identity: FederationIdentity },
  ) {}

  /**
   * The signed request for `itemId` to the partner at `baseUrl`, or undefined while the log has not
   * appended the item (the drain is started; try again shortly).
   *
   * @param fromSize the size of this log's checkpoint the partner last accepted, if any
   * @param atSize   seal with the checkpoint of this size (undefined when it does not cover the
   *                 item): every item of a feed page carries the same checkpoint, so a partner that
   *                 accepts them one after the other needs no consistency proof between them
   */
  async seal(
    itemId: string,
    partner: { url: string },
    fromSize: number | null,
    options: { atSize?: number; now?: number } = {},
  ): Promise<SealedRequest | undefined> {
    const now = options.now ?? Date.now();
    const { conn, log, identity } = this.deps;
    const row = await conn.db
      .selectFrom('federation_shared_items as s')
      .innerJoin('ledger_records as r', (j) =>
        j.onRef('r.record_id', '=', 's.item_id').on('r.kind', '=', 'shared-item'),
      )
      .select(['s.item', 'r.salt', 'r.log_index'])
      .where('s.item_id', '=', itemId)
      .executeTakeFirstOrThrow();
    if (row.log_index === null || row.salt === null) {
      void log.drainRecords();
      return undefined;
    }
    const logIndex = Number(row.log_index);
    let checkpoint = await log.store.checkpoint(options.atSize);
    if (options.atSize === undefined && (!checkpoint || checkpoint.size <= logIndex))
      checkpoint = await log.publishCheckpoint();
    if (!checkpoint || checkpoint.size <= logIndex) return undefined;
    const size = checkpoint.size;
    const inclusion = await log.proveInclusion(logIndex, size);
    const consistency =
      fromSize !== null && fromSize > 0 && fromSize < size
        ? await log.proveConsistency(fromSize, size)
        : undefined;
    const item = JSON.parse(row.item) as SharedItem;
    const envelope = sealEnvelope(item, Buffer.from(row.salt, 'hex'), {
      logIndex,
      inclusionProof: inclusion.hashes,
      checkpoint: checkpoint.note,
      ...(consistency
        ? { consistencyProof: { fromSize: consistency.from, hashes: consistency.hashes } }
        : {}),
      logKey: log.verifierKey,
    });
    const { message, body } = envelopeRequest(
      envelope,
      { inboxUrl: inboxUrl(partner.url) },
      identity.signer,
      Math.floor(now / 1000),
      randomBytes(16).toString('base64url'),
    );
    return { message, body, size };
  }
}

/** A sealed request as JSON (kept on the delivery row, served on the feed). */
export function requestJson(sealed: SealedRequest): {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(sealed.message.headers))
    if (v !== undefined) headers[k] = typeof v === 'string' ? v : v.join(', ');
  return {
    method: sealed.message.method,
    url: sealed.message.url,
    headers,
    body: sealed.body.toString('utf8'),
  };
}

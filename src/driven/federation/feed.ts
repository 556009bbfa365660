import type { StoreConnection } from '../database/database.ts';
import { FederationError } from './federation-error.ts';
import type { FederationInbox } from './inbox.ts';
import type { PartnerStore } from './partner-store.ts';
import { requestJson, type Sealer } from './sealer.ts';

/** Items per feed page. */
export const FEED_PAGE = 100;

/** One item of the pull feed: the signed request exactly as it would have been pushed. */
export interface FeedItem {
  seq: number;
  itemId: string;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
}

/**
 * The pull feed a partner added with `--pull` reads (it accepts no inbound connection): what is
 * shared with it after `after`, in order, sealed and signed at the time of the request (a request
 * signed earlier would be refused as stale by the `created` window), all with one checkpoint and a
 * consistency proof from `size`, the size of this log's checkpoint the partner last accepted. Reading `after=n` confirms
 * everything up to n: those deliveries are marked delivered.
 */
export class FeedServer {
  constructor(private readonly deps: { conn: StoreConnection; partners: PartnerStore; sealer: Sealer }) {}

  async read(
    administration: string,
    partnerName: string,
    after: number,
    size: number | undefined,
  ): Promise<{ partner: string; items: FeedItem[] }> {
    const { conn, partners, sealer } = this.deps;
    const partner = await partners.row(partnerName);
    if (!partner || partner.administration !== administration)
      throw new FederationError(
        'UNKNOWN_PARTNER',
        `this key's label "${partnerName}" names no partner of administration ${administration}`,
      );
    if (Number(partner.pull) !== 1)
      throw new FederationError(
        'CONFLICT',
        `partner ${partnerName} receives by push; add it with --pull to serve it the feed`,
      );
    const now = new Date().toISOString();
    await conn.db
      .updateTable('federation_deliveries')
      .set({ state: 'delivered', delivered_at: now })
      .where('partner', '=', partnerName)
      .where('state', '=', 'pending')
      .where('seq', '<=', after)
      .execute();
    const fromSize = size ?? (partner.acked_size === null ? null : Number(partner.acked_size));
    if (size !== undefined)
      await conn.db
        .updateTable('federation_partners')
        .set({ acked_size: size })
        .where('name', '=', partnerName)
        .execute();
    const rows = await conn.db
      .selectFrom('federation_deliveries')
      .select(['item_id', 'seq'])
      .where('partner', '=', partnerName)
      .where('seq', '>', after)
      .where('state', '!=', 'refused')
      .orderBy('seq')
      .limit(FEED_PAGE)
      .execute();
    const items: FeedItem[] = [];
    let atSize: number | undefined;
    for (const r of rows) {
      const sealed = await sealer.seal(r.item_id, partner, fromSize, atSize === undefined ? {} : { atSize });
      // Not in the log (or the page's checkpoint) yet: the page stops there, so the partner reads in order.
      if (!sealed) break;
      atSize = sealed.size;
      const request = requestJson(sealed);
      await conn.db
        .updateTable('federation_deliveries')
        .set({ request: JSON.stringify(request), attempts: (eb) => eb('attempts', '+', 1) })
        .where('item_id', '=', r.item_id)
        .where('partner', '=', partnerName)
        .execute();
      items.push({ seq: Number(r.seq), itemId: r.item_id, request });
    }
    return { partner: partnerName, items };
  }
}

/**
 * The puller's side: reads a partner's feed with the `partner`-role API key the partner issued to
 * this installation, and runs each item through the same inbox verification as a pushed one. The
 * cursor moves past an item once the inbox has answered it (accepted, duplicate or refused);
 * a failure leaves it, so the page is read again at the next poll.
 */
export async function pullFeed(
  deps: { conn: StoreConnection; partners: PartnerStore; inbox: FederationInbox; fetch?: typeof fetch },
  partnerName: string,
): Promise<number> {
  let received = 0;
  for (;;) {
    const row = await deps.partners.row(partnerName);
    if (!row || Number(row.pull_from) !== 1 || !row.feed_key) return received;
    const query = new URLSearchParams({ after: String(row.feed_cursor) });
    if (row.checkpoint_size !== null) query.set('size', String(row.checkpoint_size));
    const res = await (deps.fetch ?? fetch)(`${row.url}/v1/federation/feed?${query}`, {
      headers: { authorization: `Bearer ${row.feed_key}` },
      signal: AbortSignal.timeout(20_000),
    });
    if (!res.ok)
      throw new Error(`${partnerName}'s feed answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const page = (await res.json()) as { items?: FeedItem[] };
    const items = Array.isArray(page.items) ? page.items : [];
    for (const item of items) {
      const { method, url, headers, body } = item.request;
      await deps.inbox.receive({ method, url, headers }, Buffer.from(body, 'utf8'));
      await deps.conn.db
        .updateTable('federation_partners')
        .set({ feed_cursor: item.seq })
        .where('name', '=', partnerName)
        .where('feed_cursor', '<', item.seq)
        .execute();
      received += 1;
    }
    if (items.length < FEED_PAGE) return received;
  }
}

import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type FederationNode, startFederationNode } from './support/federation-node.ts';

/*
 * Two (and three) installations in this process, each with its own home, database and HTTP server
 * on an ephemeral port, sharing over real HTTP: push delivery in order, a partner that is down and
 * comes back, and a partner that accepts no inbound connection and pulls its feed.
 */

const received = async (node: FederationNode) =>
  (
    await node.conn.db
      .selectFrom('federation_inbox')
      .select(['item_id', 'seq', 'status', 'received_at'])
      .orderBy('received_at')
      .orderBy('seq')
      .execute()
  ).map((r) => ({ itemId: r.item_id, seq: Number(r.seq), status: r.status }));

const deliveries = (node: FederationNode, partner: string) =>
  node.conn.db
    .selectFrom('federation_deliveries')
    .select(['item_id', 'seq', 'state', 'attempts', 'last_error'])
    .where('partner', '=', partner)
    .orderBy('seq')
    .execute();

async function pair(a: FederationNode, b: FederationNode): Promise<void> {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    await from.federation.partners.add({
      name: to.name,
      url: to.url,
      publicKey: to.federation.identity.publicKey,
      administration: 'NL',
      addedBy: 'test',
    });
  }
}

describe('federation over HTTP', () => {
  const nodes: FederationNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
  });

  it('delivers in order, keeps items while the partner is down, and resumes in order when it is back', async () => {
    const a = await startFederationNode('a.example', 'postgres');
    const b = await startFederationNode('b.example', 'sqlite');
    nodes.push(a, b);
    await pair(a, b);

    const first = [];
    for (const n of [1, 2, 3]) first.push(await a.shareAlert(['b.example'], n));
    await eventually(async () => ((await received(b)).length === 3 ? true : undefined), 'B receives 3 items');
    expect(await received(b)).toEqual(
      first.map((s) => ({ itemId: s.itemId, seq: s.seq, status: 'accepted' })),
    );
    const seen = await b.federation.partners.row('a.example');
    // B pinned A's log key from the first envelope and witnesses A's log.
    expect(seen).toMatchObject({ log_key: a.log.verifierKey, last_seq: first[2]!.seq });
    expect(Number(seen!.checkpoint_size)).toBeGreaterThan(first[2]!.logIndex);
    const applied = await b.conn.db
      .selectFrom('installation_state')
      .select('name')
      .where('name', 'like', 'received:%')
      .execute();
    expect(applied).toHaveLength(3);
    await eventually(
      async () =>
        (await deliveries(a, 'b.example')).every((d) => d.state === 'delivered') ? true : undefined,
      'A marks the deliveries delivered',
    );

    // B goes down: A keeps the items, retries the oldest with backoff, the later ones wait.
    await b.down();
    const later = [];
    for (const n of [4, 5, 6]) later.push(await a.shareAlert(['b.example'], n));
    const waiting = await eventually(async () => {
      const rows = (await deliveries(a, 'b.example')).filter((d) => d.state === 'pending');
      return rows.length === 3 && Number(rows[0]!.attempts) >= 2 ? rows : undefined;
    }, 'A retries while B is down');
    expect(waiting[0]!.last_error).toMatch(/fetch failed|ECONNREFUSED/);
    expect(waiting.slice(1).map((d) => Number(d.attempts))).toEqual([0, 0]);

    await b.up();
    await eventually(
      async () => ((await received(b)).length === 6 ? true : undefined),
      'B receives the rest',
    );
    expect((await received(b)).map((r) => r.seq)).toEqual([...first, ...later].map((s) => s.seq));
    expect((await received(b)).every((r) => r.status === 'accepted')).toBe(true);
    // Each later envelope carried a consistency proof from the checkpoint B held: no refusal.
    expect(await b.conn.db.selectFrom('federation_refusals').selectAll().execute()).toEqual([]);

    // An item B refuses (here: B has seen a later seq) is refused for good, with B's reason, and
    // is not retried; the next item goes through once B accepts again.
    await b.conn.db
      .updateTable('federation_partners')
      .set({ last_seq: 1000 })
      .where('name', '=', 'a.example')
      .execute();
    const refusedItem = await a.shareAlert(['b.example'], 7);
    const refused = await eventually(async () => {
      const row = (await deliveries(a, 'b.example')).find((d) => d.item_id === refusedItem.itemId);
      return row?.state === 'refused' ? row : undefined;
    }, 'A records the refusal');
    expect(refused).toMatchObject({ attempts: 1 });
    expect(refused.last_error).toMatch(/^REPLAYED: seq \d+ is not after the last accepted seq 1000/);
    await b.conn.db
      .updateTable('federation_partners')
      .set({ last_seq: later[2]!.seq })
      .where('name', '=', 'a.example')
      .execute();
    const after = await a.shareAlert(['b.example'], 8);
    await eventually(async () => ((await received(b)).length === 7 ? true : undefined), 'B receives item 8');
    expect((await received(b)).at(-1)).toMatchObject({ seq: after.seq, status: 'accepted' });
    expect(await b.conn.db.selectFrom('federation_refusals').select(['partner', 'code']).execute()).toEqual([
      { partner: 'a.example', code: 'REPLAYED' },
    ]);

    // Each side's operator sees it: B the refusal, A the backlog by state.
    const detail = async (node: FederationNode, partner: string) => {
      const key = (await node.store.createApiKey('NL', 'desk', 'analyst')).secret;
      const res = await fetch(`${node.url}/v1/partners/${partner}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await detail(b, 'a.example')).toMatchObject({
      logKey: a.log.verifierKey,
      refusals: [{ partner: 'a.example', code: 'REPLAYED' }],
    });
    expect(await detail(a, 'b.example')).toMatchObject({
      ackedSize: expect.any(Number),
      deliveries: { pending: 0, delivered: 7, refused: 1, oldestPending: null },
    });
  });

  it('serves a pull feed to a partner that accepts no inbound connection', async () => {
    const a = await startFederationNode('a.example', 'sqlite');
    // C listens nowhere: its URL is only the authority its envelopes are signed for.
    const c = await startFederationNode('c.example', 'postgres', {
      publicUrl: 'http://c.invalid:9',
      listen: false,
    });
    nodes.push(a, c);
    const feedKey = await a.store.createApiKey('NL', 'c.example', 'partner');
    await a.federation.partners.add({
      name: 'c.example',
      url: c.url,
      publicKey: c.federation.identity.publicKey,
      administration: 'NL',
      pull: true,
      addedBy: 'test',
    });
    await c.federation.partners.add({
      name: 'a.example',
      url: a.url,
      publicKey: a.federation.identity.publicKey,
      administration: 'NL',
      pullFrom: { feedKey: feedKey.secret },
      addedBy: 'test',
    });
    const shared = [];
    for (const n of [1, 2, 3]) shared.push(await a.shareAlert(['c.example'], n));
    await eventually(async () => ((await received(c)).length === 3 ? true : undefined), 'C pulls 3 items');
    expect((await received(c)).map((r) => [r.seq, r.status])).toEqual(shared.map((s) => [s.seq, 'accepted']));
    // The next read (after the last seq) confirms them at A.
    await eventually(
      async () =>
        (await deliveries(a, 'c.example')).every((d) => d.state === 'delivered') ? true : undefined,
      'A marks the pulled items delivered',
    );
    const more = await a.shareAlert(['c.example'], 4);
    await eventually(
      async () => ((await received(c)).length === 4 ? true : undefined),
      'C pulls the next one',
    );
    expect((await received(c)).at(-1)).toMatchObject({ seq: more.seq, status: 'accepted' });
    expect(await c.conn.db.selectFrom('federation_refusals').selectAll().execute()).toEqual([]);

    // A partner key reads only the feed of the partner its label names, and only a pull partner's.
    const feed = async (secret: string) =>
      (await fetch(`${a.url}/v1/federation/feed?after=0`, { headers: { authorization: `Bearer ${secret}` } }))
        .status;
    expect(await feed((await a.store.createApiKey('NL', 'nobody.example', 'partner')).secret)).toBe(403);
    await a.federation.partners.add({
      name: 'd.example',
      url: 'http://d.invalid',
      publicKey: Buffer.alloc(32, 4).toString('base64'),
      administration: 'NL',
      addedBy: 'test',
    });
    expect(await feed((await a.store.createApiKey('NL', 'd.example', 'partner')).secret)).toBe(409);
    expect(await feed((await a.store.createApiKey('NL', 'c.example', 'analyst')).secret)).toBe(403);

    // The inbox reads at most 256 KiB; a larger body is refused before it is read.
    const big = await fetch(`${a.url}/v1/federation/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(413);
  });
});

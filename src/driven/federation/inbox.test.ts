import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { envelopeRequest } from '../../core/sharing/envelope.ts';
import { ed25519Pair, FED_NOW_SECONDS, TestSender } from '../../core/sharing/test-fixtures.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { FederationInbox } from './inbox.ts';
import { PartnerStore } from './partner-store.ts';
import type { ReceivedItemHandler } from './sharing-port.ts';

const alertBody = (n: number, extra: object = {}) => ({
  alertId: `a.example:alert-${n}`,
  version: 1,
  content: { title: `alert ${n}`, ...extra },
});

/** The test capability: an accepted alert is a row in `installation_state` (in the inbox transaction). */
const testHandler: ReceivedItemHandler = async (trx, received) => {
  const content = (received.item.body as { content: { reject?: string; explode?: boolean } }).content;
  if (content.explode) throw new Error('the capability failed');
  if (content.reject) return { status: 'refused', reason: content.reject };
  await trx
    .insertInto('installation_state')
    .values({
      name: `received:${received.item.itemId}`,
      value: `${received.administration}/${received.partner}/${received.logIndex}`,
      set_at: 'now',
    })
    .execute();
  return { status: 'accepted' };
};

for (const dialect of DIALECTS) {
  describe(`the federation inbox on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let partners: PartnerStore;
    let inbox: FederationInbox;
    let a: TestSender;

    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      partners = new PartnerStore(conn);
      a = new TestSender('a.example');
      await partners.add({
        name: 'a.example',
        url: 'https://a.example',
        publicKey: a.http.raw.toString('base64'),
        administration: 'NL',
        addedBy: 'test',
      });
      inbox = new FederationInbox({
        conn,
        partners,
        handlers: { alert: testHandler },
        authority: () => 'b.example',
        now: () => FED_NOW_SECONDS * 1000,
      });
    });
    afterEach(async () => {
      await conn.close();
      await testDb.dispose();
    });

    // TestSender signs with keyid "a.example#1"; the store knows a partner by its base64 key.
    async function deliver(
      shared: ReturnType<TestSender['share']>,
      options: Parameters<TestSender['deliver']>[1] = {},
    ) {
      return a.deliver(shared, {
        signer: { keyid: a.http.raw.toString('base64'), privateKey: a.http.privateKey },
        ...options,
      });
    }

    /** Everything the inbox may write, to prove a refusal wrote nothing but its refusal row. */
    async function written() {
      const db = conn.db;
      return {
        partner: await db.selectFrom('federation_partners').selectAll().execute(),
        inbox: await db.selectFrom('federation_inbox').selectAll().execute(),
        nonces: await db.selectFrom('federation_nonces').select(['partner', 'nonce']).execute(),
        applied: await db.selectFrom('installation_state').select('name').execute(),
      };
    }
    const refusals = () =>
      conn.db
        .selectFrom('federation_refusals')
        .select(['partner', 'code', 'message'])
        .orderBy('id')
        .execute();

    async function expectRefused(
      d: { request: Parameters<FederationInbox['receive']>[0]; body: Buffer },
      code: string,
      reason: string | RegExp,
    ) {
      const before = await written();
      const answer = await inbox.receive(d.request, d.body);
      expect(answer.body).toMatchObject({ error: { code } });
      expect((answer.body as { error: { message: string } }).error.message).toMatch(reason);
      expect(await written()).toEqual(before);
      expect((await refusals()).at(-1)).toMatchObject({ code });
    }

    it('accepts an item, pins the log key, advances the partner and runs the handler in one transaction', async () => {
      const shared = a.share('alert', alertBody(1));
      const d = await deliver(shared);
      const answer = await inbox.receive(d.request, d.body);
      expect(answer).toEqual({
        status: 200,
        body: { status: 'accepted', itemId: 'a.example:item-1', witnessedSize: 1 },
      });
      const state = await written();
      expect(state.partner[0]).toMatchObject({ last_seq: 1, log_key: a.note.verifierKey });
      expect(Number(state.partner[0]!.checkpoint_size)).toBe(1);
      expect(state.inbox).toMatchObject([
        { item_id: 'a.example:item-1', status: 'accepted', administration: 'NL' },
      ]);
      expect(state.applied.map((r) => r.name)).toEqual(['received:a.example:item-1']);
      // The same item again, newly signed: a duplicate, nothing applied twice.
      const again = await deliver(shared);
      expect((await inbox.receive(again.request, again.body)).body).toMatchObject({ status: 'duplicate' });
      expect((await written()).applied).toHaveLength(1);
    });

    it('records a capability refusal with its reason, and rolls everything back when the capability throws', async () => {
      const refused = await deliver(a.share('alert', alertBody(1, { reject: 'expired before it arrived' })));
      expect((await inbox.receive(refused.request, refused.body)).body).toMatchObject({
        status: 'refused',
        reason: 'expired before it arrived',
      });
      expect((await written()).inbox).toMatchObject([
        { status: 'refused', reason: 'expired before it arrived' },
      ]);
      const before = await written();
      const exploding = await deliver(a.share('alert', alertBody(2, { explode: true })), { lastSeenSize: 1 });
      await expect(inbox.receive(exploding.request, exploding.body)).rejects.toThrow('the capability failed');
      expect(await written()).toEqual(before);
    });

    it('applies concurrent deliveries of one item once', async () => {
      const shared = a.share('alert', alertBody(1));
      const copies = await Promise.all([1, 2, 3, 4].map(() => deliver(shared)));
      const answers = await Promise.all(copies.map((d) => inbox.receive(d.request, d.body)));
      expect(answers.map((x) => (x.body as { status: string }).status).sort()).toEqual([
        'accepted',
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect((await written()).applied).toHaveLength(1);
    });

    it('refuses a bad signature', async () => {
      const d = await deliver(a.share('alert', alertBody(1)));
      const sig = String(d.request.headers.signature);
      const bad = {
        ...d.request,
        headers: {
          ...d.request.headers,
          // The first base64 character of the signature (`label=:...:`), which may be `+` or `/` too.
          signature: sig.replace(/:([A-Za-z0-9+/])/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`),
        },
      };
      await expectRefused({ request: bad, body: d.body }, 'BAD_SIGNATURE', /does not verify|signature/);
    });

    it('refuses a wrong key (another key, or one no partner has)', async () => {
      const other = ed25519Pair();
      const d = await deliver(a.share('alert', alertBody(1)), {
        signer: { keyid: a.http.raw.toString('base64'), privateKey: other.privateKey },
      });
      await expectRefused(d, 'BAD_SIGNATURE', /does not verify with a.example's key/);
      const unknown = await deliver(a.share('alert', alertBody(2)), {
        signer: { keyid: other.raw.toString('base64'), privateKey: other.privateKey },
      });
      await expectRefused(unknown, 'UNKNOWN_KEY', /no partner has the key/);
      expect((await refusals()).at(-1)!.partner).toBeNull();
    });

    it('refuses a replayed request', async () => {
      const d = await deliver(a.share('alert', alertBody(1)));
      expect((await inbox.receive(d.request, d.body)).status).toBe(200);
      await expectRefused(d, 'REPLAYED', /nonce .* was used before/);
    });

    it('refuses a changed body', async () => {
      const d = await deliver(a.share('alert', alertBody(1)));
      const changed = Buffer.from(d.body.toString('utf8').replace('alert 1', 'alert X'));
      await expectRefused({ request: d.request, body: changed }, 'BODY_CHANGED', /does not match the body/);
    });

    it('refuses a proof for another tree', async () => {
      const other = new TestSender('a.example');
      other.appendOther('x');
      const shared = a.share('alert', alertBody(1));
      a.appendOther('y');
      const d = await deliver(shared);
      const foreign = await other.deliver(other.share('alert', alertBody(1)));
      const { message, body } = envelopeRequest(
        { ...d.envelope, inclusionProof: foreign.envelope.inclusionProof },
        { inboxUrl: 'https://b.example/v1/federation/inbox' },
        { keyid: a.http.raw.toString('base64'), privateKey: a.http.privateKey },
        FED_NOW_SECONDS,
        'nonce-other-tree',
      );
      await expectRefused({ request: message, body }, 'BAD_PROOF', /inclusion proof/);
    });

    it('refuses a split view: a sender that rewrites its log', async () => {
      const first = await deliver(a.share('alert', alertBody(1)));
      a.appendOther('record 2');
      expect((await inbox.receive(first.request, first.body)).status).toBe(200);
      const fork = new TestSender('a.example');
      Object.assign(fork, { note: a.note, http: a.http });
      fork.share('alert', alertBody(1), { seq: 1 });
      fork.appendOther('record 2, rewritten');
      const next = fork.share('alert', alertBody(2), { seq: 2 });
      const d = await fork.deliver(next, {
        lastSeenSize: 1,
        signer: { keyid: a.http.raw.toString('base64'), privateKey: a.http.privateKey },
      });
      // Sealed at size 3 with a proof from 1 that the fork can make: consistent. Rewrite size 1 instead:
      const rewritten = new TestSender('a.example');
      Object.assign(rewritten, { note: a.note, http: a.http });
      for (const text of ['not item 1', 'not record 2', 'not item 2']) rewritten.appendOther(text);
      const r = await rewritten.deliver(rewritten.share('alert', alertBody(3), { seq: 3 }), {
        lastSeenSize: 3,
        signer: { keyid: a.http.raw.toString('base64'), privateKey: a.http.privateKey },
      });
      expect((await inbox.receive(d.request, d.body)).status).toBe(200);
      await expectRefused(r, 'SPLIT_VIEW', /not consistent|rewritten/);
    });

    it('refuses an AMBER+STRICT item re-shared by a partner', async () => {
      const d = await deliver(
        a.share('alert', alertBody(1), { handling: 'AMBER+STRICT', originator: 'c.example' }),
      );
      await expectRefused(d, 'HANDLING_FORBIDS', /passed on c.example's item/);
    });
  });
}

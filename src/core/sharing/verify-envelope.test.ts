import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeRequest } from './envelope.ts';
import type { HttpMessage } from './http-signature.ts';
import { releaseForm } from './release-policy.ts';
import { ed25519Pair, FED_NOW_SECONDS, MemoryPartner, makeSeizure, TestSender } from './test-fixtures.ts';
import { type EnvelopeInput, signatureKeyId, verifyEnvelope } from './verify-envelope.ts';

const NOW = FED_NOW_SECONDS * 1000;
const alertBody = { alertId: 'a.example:alert-1', version: 1, content: { title: 'x' } };
const globalSeizure = { form: 'global', report: releaseForm(makeSeizure(), 'global') };

function input(d: { request: HttpMessage; body: Buffer }, now = NOW): EnvelopeInput {
  return { request: d.request, body: d.body, now, authority: 'b.example' };
}

/** A fresh sender A and B's memory of it, with one item already accepted. */
async function setup() {
  const a = new TestSender('a.example');
  const partner = new MemoryPartner(a);
  const first = await a.deliver(a.share('alert', alertBody));
  const verdict = verifyEnvelope(input(first), partner);
  expect(verdict.accepted).toBe(true);
  partner.apply(verdict);
  return { a, partner, first };
}

function refusal(verdict: ReturnType<typeof verifyEnvelope>) {
  return verdict.accepted ? { accepted: true } : { code: verdict.code, reason: verdict.reason };
}

describe('verifyEnvelope accepts', () => {
  it('a signed envelope whose item is in the sender’s signed checkpoint', async () => {
    const a = new TestSender('a.example');
    a.appendOther('an unrelated decision');
    const shared = a.share('alert', alertBody);
    a.appendOther('another record');
    const d = await a.deliver(shared);
    expect(signatureKeyId(d.request)).toBe('a.example#1');
    const verdict = verifyEnvelope(input(d), new MemoryPartner(a));
    expect(verdict).toMatchObject({
      accepted: true,
      duplicate: false,
      envelope: { itemId: 'a.example:item-1', kind: 'alert', body: alertBody },
      advance: { lastSeq: 1, itemId: 'a.example:item-1', lastCheckpoint: { size: 3 } },
    });
  });

  it('the next item with a consistency proof from the checkpoint seen before', async () => {
    const { a, partner } = await setup();
    a.appendOther('more records');
    const d = await a.deliver(
      a.share('alert-withdrawal', { alertId: 'a.example:alert-1', reason: 'case closed' }),
      {
        lastSeenSize: partner.lastCheckpoint!.size,
      },
    );
    const verdict = verifyEnvelope(input(d), partner);
    expect(verdict).toMatchObject({ accepted: true, duplicate: false, advance: { lastSeq: 2 } });
  });

  it('a retried delivery of the same item (same salt, new signature) as an idempotent duplicate', async () => {
    const a = new TestSender('a.example');
    const partner = new MemoryPartner(a);
    const shared = a.share('alert', alertBody);
    const first = await a.deliver(shared);
    partner.apply(verifyEnvelope(input(first), partner));
    const retry = await a.deliver(shared, { lastSeenSize: partner.lastCheckpoint!.size });
    const verdict = verifyEnvelope(input(retry), partner);
    expect(verdict).toMatchObject({ accepted: true, duplicate: true });
  });

  it('a GREEN item re-shared by a partner', async () => {
    const a = new TestSender('a.example');
    const d = await a.deliver(
      a.share('seizure', globalSeizure, { handling: 'GREEN', originator: 'c.example' }),
    );
    expect(verifyEnvelope(input(d), new MemoryPartner(a)).accepted).toBe(true);
  });
});

describe('verifyEnvelope refuses', () => {
  it('BAD_SIGNATURE: a signature altered in transit', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody));
    const sig = d.request.headers.signature as string;
    const flipped = sig.replace(/=:(.)/, (_m, c: string) => `=:${c === 'A' ? 'B' : 'A'}`);
    const verdict = verifyEnvelope(
      input({ ...d, request: { ...d.request, headers: { ...d.request.headers, signature: flipped } } }),
      partner,
    );
    expect(refusal(verdict)).toEqual({
      code: 'BAD_SIGNATURE',
      reason: 'the signature does not verify with a.example\'s key "a.example#1"',
    });
  });

  it("BAD_SIGNATURE: signed with another key under the partner's keyid (wrong key)", async () => {
    const { a, partner } = await setup();
    const mallory = ed25519Pair();
    const d = await a.deliver(a.share('alert', alertBody), {
      signer: { keyid: a.keyid, privateKey: mallory.privateKey },
    });
    expect(refusal(verifyEnvelope(input(d), partner))).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('BAD_SIGNATURE: no signature, another algorithm, no nonce, or the digest not covered', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody));
    const { signature: _s, 'signature-input': _i, ...bare } = d.request.headers;
    expect(
      refusal(verifyEnvelope(input({ ...d, request: { ...d.request, headers: bare } }), partner)),
    ).toMatchObject({
      code: 'BAD_SIGNATURE',
      reason: 'the message has no Signature-Input or no Signature field',
    });
    const withInput = (value: string) =>
      refusal(
        verifyEnvelope(
          input({
            ...d,
            request: { ...d.request, headers: { ...d.request.headers, 'signature-input': value } },
          }),
          partner,
        ),
      );
    expect(
      withInput(
        'greenlane=("@method" "@target-uri" "@authority" "content-type" "content-digest");created=1796000000;keyid="a.example#1";alg="rsa-pss-sha512";nonce="abcdefgh"',
      ),
    ).toMatchObject({
      code: 'BAD_SIGNATURE',
      reason: 'alg must be "ed25519", got "rsa-pss-sha512"',
    });
    expect(
      withInput(
        'greenlane=("@method" "@target-uri" "@authority" "content-type" "content-digest");created=1796000000;keyid="a.example#1";alg="ed25519"',
      ),
    ).toMatchObject({
      code: 'BAD_SIGNATURE',
      reason: 'the signature needs a nonce of at least 8 characters',
    });
    expect(
      withInput(
        'greenlane=("@method" "@target-uri" "@authority" "content-type");created=1796000000;keyid="a.example#1";alg="ed25519";nonce="abcdefgh"',
      ),
    ).toMatchObject({
      code: 'BAD_SIGNATURE',
      reason: 'the signature does not cover content-digest',
    });
  });

  it('UNKNOWN_KEY: a key no partner has, or a partner key claiming another sender', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody), {
      signer: { keyid: 'x.example#9', privateKey: a.http.privateKey },
    });
    expect(refusal(verifyEnvelope(input(d), partner))).toEqual({
      code: 'UNKNOWN_KEY',
      reason: 'no partner has the key "x.example#9"',
    });
    expect(refusal(verifyEnvelope(input(d), undefined))).toMatchObject({ code: 'UNKNOWN_KEY' });
    // C signs with its own (known) key an envelope that claims to come from A.
    const c = new TestSender('c.example');
    const forged = c.share('alert', alertBody);
    const claimed = await c.deliver({ ...forged, item: { ...forged.item, sender: 'a.example' } });
    expect(refusal(verifyEnvelope(input(claimed), new MemoryPartner(c)))).toEqual({
      code: 'UNKNOWN_KEY',
      reason: 'key "c.example#1" is c.example\'s, but the envelope claims sender a.example',
    });
  });

  it('REPLAYED: the same request twice', async () => {
    const { partner, first } = await setup();
    expect(refusal(verifyEnvelope(input(first), partner))).toMatchObject({
      code: 'REPLAYED',
      reason: expect.stringMatching(/^nonce ".*" was used before$/),
    });
  });

  it('REPLAYED: created outside the window, or signed for another receiver', async () => {
    const { a, partner } = await setup();
    const old = await a.deliver(a.share('alert', alertBody), { created: FED_NOW_SECONDS - 301 });
    expect(refusal(verifyEnvelope(input(old), partner))).toEqual({
      code: 'REPLAYED',
      reason: `created ${FED_NOW_SECONDS - 301} is more than 300 s old (now ${FED_NOW_SECONDS})`,
    });
    const future = await a.deliver(a.share('alert', alertBody), { created: FED_NOW_SECONDS + 31 });
    expect(refusal(verifyEnvelope(input(future), partner))).toMatchObject({ code: 'REPLAYED' });
    const forC = await a.deliver(a.share('alert', alertBody), {
      to: 'https://c.example/v1/federation/inbox',
    });
    expect(refusal(verifyEnvelope(input(forC), partner))).toEqual({
      code: 'REPLAYED',
      reason: 'signed for c.example, received at b.example',
    });
  });

  it('REPLAYED: a sequence number that does not move forward, or an item id reused', async () => {
    const { a, partner } = await setup();
    const stale = await a.deliver(a.share('alert', alertBody, { seq: 1, itemId: 'a.example:other' }), {
      lastSeenSize: partner.lastCheckpoint!.size,
    });
    expect(refusal(verifyEnvelope(input(stale), partner))).toEqual({
      code: 'REPLAYED',
      reason: 'seq 1 is not after the last accepted seq 1',
    });
    const reused = await a.deliver(
      a.share('alert', { ...alertBody, content: { title: 'changed' } }, { itemId: 'a.example:item-1' }),
      {
        lastSeenSize: partner.lastCheckpoint!.size,
      },
    );
    expect(refusal(verifyEnvelope(input(reused), partner))).toEqual({
      code: 'REPLAYED',
      reason: 'item a.example:item-1 was accepted before with other content',
    });
  });

  it('BODY_CHANGED: the body altered after signing', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody), { lastSeenSize: partner.lastCheckpoint!.size });
    const body = Buffer.from(d.body.toString('utf8').replace('"title":"x"', '"title":"y"'));
    expect(refusal(verifyEnvelope(input({ ...d, body }), partner))).toEqual({
      code: 'BODY_CHANGED',
      reason: 'Content-Digest does not match the body',
    });
  });

  it('MALFORMED: a signed body that is not an envelope', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody));
    const { message, body } = envelopeRequest(
      { ...d.envelope, seq: -1 } as never,
      { inboxUrl: 'https://b.example/v1/federation/inbox' },
      { keyid: a.keyid, privateKey: a.http.privateKey },
      FED_NOW_SECONDS,
      'nonce-malformed',
    );
    expect(refusal(verifyEnvelope(input({ request: message, body }), partner))).toMatchObject({
      code: 'MALFORMED',
      reason: 'not a federation envelope: /seq: Too small: expected number to be >=1',
    });
  });

  it('BAD_PROOF: an inclusion proof for another tree', async () => {
    const { a, partner } = await setup();
    const other = new TestSender('a.example');
    other.appendOther('x');
    const shared = a.share('alert', alertBody);
    const d = await a.deliver(shared, { lastSeenSize: partner.lastCheckpoint!.size });
    // Re-sign an envelope whose proof comes from another tree of the same size (2 leaves).
    const {
      envelope: { inclusionProof },
    } = await other.deliver(other.share('alert', alertBody));
    const { message, body } = envelopeRequest(
      { ...d.envelope, inclusionProof },
      { inboxUrl: 'https://b.example/v1/federation/inbox' },
      { keyid: a.keyid, privateKey: a.http.privateKey },
      FED_NOW_SECONDS,
      'nonce-proof-1',
    );
    expect(refusal(verifyEnvelope(input({ request: message, body }), partner))).toEqual({
      code: 'BAD_PROOF',
      reason: `item a.example:item-2 at index ${shared.index}: inclusion proof does not lead to the expected root`,
    });
  });

  it('BAD_PROOF: a checkpoint not signed by the sender’s log key', async () => {
    const { a, partner } = await setup();
    const impostor = new TestSender('a.example');
    const d = await a.deliver(a.share('alert', alertBody), { lastSeenSize: partner.lastCheckpoint!.size });
    const { message, body } = envelopeRequest(
      { ...d.envelope, checkpoint: await impostor.checkpoint(0) },
      { inboxUrl: 'https://b.example/v1/federation/inbox' },
      { keyid: a.keyid, privateKey: a.http.privateKey },
      FED_NOW_SECONDS,
      'nonce-proof-2',
    );
    expect(refusal(verifyEnvelope(input({ request: message, body }), partner))).toMatchObject({
      code: 'BAD_PROOF',
      reason: expect.stringContaining("the checkpoint is not a.example's signed log checkpoint"),
    });
  });

  it('pins the log key named by the first accepted envelope (the operator gave only the HTTP key)', async () => {
    const a = new TestSender('a.example');
    const partner = new MemoryPartner(a, false);
    const first = verifyEnvelope(input(await a.deliver(a.share('alert', alertBody))), partner);
    expect(first).toMatchObject({ accepted: true, advance: { logVerifierKey: a.note.verifierKey } });
    partner.apply(first);
    expect(partner.logVerifierKey).toBe(a.note.verifierKey);
    // Later envelopes may omit it: the pinned key is used.
    const next = await a.deliver(a.share('alert', alertBody), {
      lastSeenSize: partner.lastCheckpoint!.size,
      logKey: null,
    });
    expect(verifyEnvelope(input(next), partner)).toMatchObject({ accepted: true });
  });

  it('BAD_PROOF: an envelope naming another log key than the one pinned', async () => {
    const { a, partner } = await setup();
    const other = new TestSender('a.example');
    const d = await a.deliver(a.share('alert', alertBody), {
      lastSeenSize: partner.lastCheckpoint!.size,
      logKey: other.note.verifierKey,
    });
    expect(refusal(verifyEnvelope(input(d), partner))).toMatchObject({
      code: 'BAD_PROOF',
      reason: expect.stringContaining("the partner's log key changed"),
    });
  });

  it('BAD_PROOF: no log key pinned and none in the envelope', async () => {
    const a = new TestSender('a.example');
    const d = await a.deliver(a.share('alert', alertBody), { logKey: null });
    expect(refusal(verifyEnvelope(input(d), new MemoryPartner(a, false)))).toEqual({
      code: 'BAD_PROOF',
      reason: "a.example's log key is not known and the envelope does not name one",
    });
  });

  it('SPLIT_VIEW: a sender that rewrites its log', async () => {
    const { a, partner } = await setup();
    a.appendOther('record 2');
    const seen = await a.deliver(a.share('alert', alertBody), { lastSeenSize: partner.lastCheckpoint!.size });
    partner.apply(verifyEnvelope(input(seen), partner));
    expect(partner.lastCheckpoint!.size).toBe(3);
    // A rewrites history: same keys, a log that keeps item 1 but replaces what followed.
    const fork = new TestSender('a.example');
    Object.assign(fork, { note: a.note, http: a.http });
    fork.share('alert', alertBody, { seq: 1 });
    fork.appendOther('record 2, rewritten');
    fork.appendOther('record 3');
    const next = fork.share('alert', alertBody, { seq: 3 });
    const d = await fork.deliver(next, { lastSeenSize: 3 });
    expect(refusal(verifyEnvelope(input(d), partner))).toMatchObject({
      code: 'SPLIT_VIEW',
      reason: expect.stringContaining('is not consistent with checkpoint 3 seen before'),
    });
  });

  it('SPLIT_VIEW: another root at the same size, an older checkpoint, or no consistency proof', async () => {
    const { a, partner } = await setup();
    const seenSize = partner.lastCheckpoint!.size;
    const fork = new TestSender('a.example');
    Object.assign(fork, { note: a.note, http: a.http });
    const sameSize = await fork.deliver(
      fork.share('alert', { ...alertBody, content: { other: true } }, { seq: 5 }),
    );
    expect(refusal(verifyEnvelope(input(sameSize), partner))).toEqual({
      code: 'SPLIT_VIEW',
      reason: `root at size ${seenSize} differs from the one seen before: the log was rewritten`,
    });
    a.appendOther('r');
    const noProof = await a.deliver(a.share('alert', alertBody));
    expect(refusal(verifyEnvelope(input(noProof), partner))).toEqual({
      code: 'SPLIT_VIEW',
      reason: `no consistency proof from size ${seenSize} seen before to ${seenSize + 2}`,
    });
    const ahead = new MemoryPartner(a);
    ahead.lastCheckpoint = { size: 99, rootHash: Buffer.alloc(32) };
    expect(refusal(verifyEnvelope(input(noProof), ahead))).toEqual({
      code: 'SPLIT_VIEW',
      reason: `checkpoint size ${seenSize + 2} is behind size 99 seen before: a log never shrinks`,
    });
  });

  it('HANDLING_FORBIDS: an AMBER+STRICT alert re-shared', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(
      a.share('alert', alertBody, { handling: 'AMBER+STRICT', originator: 'c.example' }),
      {
        lastSeenSize: partner.lastCheckpoint!.size,
      },
    );
    expect(refusal(verifyEnvelope(input(d), partner))).toEqual({
      code: 'HANDLING_FORBIDS',
      reason:
        "a.example passed on c.example's item: re-sharing refused: TLP:AMBER+STRICT restricts sharing to the recipient's own organization, so it may not go to a community member it was not addressed to",
    });
  });

  it('MALFORMED: a body that does not fit its kind, or a global seizure report carrying persons', async () => {
    const { a, partner } = await setup();
    const last = () => ({ lastSeenSize: partner.lastCheckpoint!.size });
    const noAlertId = await a.deliver(a.share('alert', { version: 1, content: {} }), last());
    expect(refusal(verifyEnvelope(input(noAlertId), partner))).toMatchObject({
      code: 'MALFORMED',
      reason: expect.stringContaining('not a valid alert: /body/alertId'),
    });
    const leaky = {
      form: 'global',
      report: { ...globalSeizure.report, persons: [{ role: 'suspect', name: 'X' }] },
    };
    const d = await a.deliver(a.share('seizure', leaky, { handling: 'GREEN' }), last());
    expect(refusal(verifyEnvelope(input(d), partner))).toEqual({
      code: 'MALFORMED',
      reason: 'not a valid seizure: /body/report/persons: "persons" is not a known field',
    });
  });

  it('HANDLING_FORBIDS: a national seizure report under a label that lets it travel', async () => {
    const { a, partner } = await setup();
    const national = { form: 'national', report: makeSeizure() };
    const d = await a.deliver(a.share('seizure', national, { handling: 'AMBER' }), {
      lastSeenSize: partner.lastCheckpoint!.size,
    });
    expect(refusal(verifyEnvelope(input(d), partner))).toEqual({
      code: 'HANDLING_FORBIDS',
      reason:
        'a national seizure report carries personal data: it travels under AMBER+STRICT or RED, not AMBER',
    });
  });

  it('leaves the partner state untouched whatever it refuses', async () => {
    const { a, partner } = await setup();
    const before = JSON.stringify({
      lastSeq: partner.lastSeq,
      cp: partner.lastCheckpoint,
      items: [...partner.items],
      nonces: [...partner.nonces],
    });
    const d = await a.deliver(a.share('alert', alertBody, { handling: 'RED', originator: 'c.example' }), {
      lastSeenSize: partner.lastCheckpoint!.size,
    });
    const verdict = verifyEnvelope(input(d), partner);
    expect(refusal(verdict)).toMatchObject({ code: 'HANDLING_FORBIDS' });
    partner.apply(verdict);
    expect(
      JSON.stringify({
        lastSeq: partner.lastSeq,
        cp: partner.lastCheckpoint,
        items: [...partner.items],
        nonces: [...partner.nonces],
      }),
    ).toBe(before);
  });
});

describe('property: tampering is always refused', () => {
  it('any change to one byte of the body, or to a covered header, is refused and nothing is applied', async () => {
    const { a, partner } = await setup();
    const d = await a.deliver(a.share('alert', alertBody), { lastSeenSize: partner.lastCheckpoint!.size });
    expect(verifyEnvelope(input(d), partner).accepted).toBe(true);
    fc.assert(
      fc.property(fc.nat({ max: d.body.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const body = Buffer.from(d.body);
        body[at] = body[at]! ^ xor;
        const verdict = verifyEnvelope(input({ ...d, body }), partner);
        expect(verdict.accepted).toBe(false);
        if (!verdict.accepted) expect(verdict.code).toBe('BODY_CHANGED');
      }),
    );
    // Trailing whitespace is not a change: HTTP and RFC 9421 §2.1 trim field values.
    const covered = ['content-type', 'content-digest'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...covered),
        fc.string({ minLength: 1, maxLength: 3 }).filter((x) => /\S$/.test(x)),
        (name, extra) => {
          const headers = { ...d.request.headers, [name]: `${d.request.headers[name] as string}${extra}` };
          expect(verifyEnvelope(input({ ...d, request: { ...d.request, headers } }), partner).accepted).toBe(
            false,
          );
        },
      ),
    );
  });
});

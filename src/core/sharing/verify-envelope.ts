import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from '../ledger/checkpoint.ts';
import { openCheckpoint } from '../ledger/checkpoint-proof.ts';
import { hashLeaf } from '../ledger/merkle-hash.ts';
import { verifyConsistency, verifyInclusion } from '../ledger/proof-verify.ts';
import { commitmentLeaf } from '../ledger/record-commitment.ts';
import {
  FEDERATION_LABEL,
  type FederationEnvelope,
  FederationEnvelopeSchema,
  itemCommitment,
  sharedItemOf,
} from './envelope.ts';
import {
  contentDigestFault,
  type HttpMessage,
  type ReceivedSignature,
  readSignature,
  verifySignature,
} from './http-signature.ts';
import { bodyHandling, parseSharedBody } from './shared-bodies.ts';
import { issuesText, parseWith } from './shared-fields.ts';
import { mayReshare } from './tlp.ts';

/**
 * The receiving side of federation: one pure decision per incoming request, from the request,
 * the sender's state as this installation knows it, and the time. Every refusal has a code a
 * caller can act on and a reason an operator can read; nothing is applied unless it is accepted.
 */

/** Why an envelope is refused. */
export type EnvelopeRefusalCode =
  /** Not a federation envelope: wrong content type, not JSON, or fields missing or invalid. */
  | 'MALFORMED'
  /** The HTTP Message Signature is missing, malformed, does not cover what it must, or does not verify. */
  | 'BAD_SIGNATURE'
  /** No partner has the key, or the key is not the claimed sender's. */
  | 'UNKNOWN_KEY'
  /** Seen before (nonce, item id with other content, sequence number), created outside the window, or addressed elsewhere. */
  | 'REPLAYED'
  /** The body is not the one the signature's Content-Digest covers. */
  | 'BODY_CHANGED'
  /** The checkpoint is not signed by the sender's log key, or the item is not in the tree it names. */
  | 'BAD_PROOF'
  /** The sender's log is not consistent with the checkpoint seen before: it forked or was rewritten. */
  | 'SPLIT_VIEW'
  /** The item's handling code forbids this delivery (e.g. an AMBER+STRICT alert re-shared). */
  | 'HANDLING_FORBIDS';

/** What this installation knows of a partner (the adapters keep it; the verifier never writes). */
export interface PartnerState {
  /** The partner's name, as its envelopes give `sender`. */
  name: string;
  /** Its HTTP signing keys by keyid (Ed25519 public keys). */
  keys: ReadonlyMap<string, KeyObject>;
  /**
   * Verifier key (C2SP signed-note vkey) of its transparency log; undefined until pinned from the
   * first accepted envelope's `logKey` (trust on first use, under the partner's HTTP signature).
   */
  logVerifierKey?: string;
  /** Highest sequence number accepted from it; 0 before the first. */
  lastSeq: number;
  /** Latest checkpoint accepted from it (this installation witnesses its log). */
  lastCheckpoint?: { size: number; rootHash: Buffer };
  /** Commitment (hex) of the item accepted under this id, if any. */
  seenItem(itemId: string): string | undefined;
  /** Whether a signature nonce from this partner was accepted before (within the window). */
  seenNonce(nonce: string): boolean;
}

export interface EnvelopeInput {
  request: HttpMessage;
  body: Uint8Array;
  /** Receipt time, epoch milliseconds. */
  now: number;
  /** This installation's authority (host[:port]); a request signed for another receiver is refused. */
  authority?: string;
}

export interface VerifyOptions {
  /** Oldest `created` accepted, in seconds before now (default 300). */
  maxAgeSeconds?: number;
  /** Clock skew tolerated for a `created` in the future (default 30). */
  skewSeconds?: number;
}

/** What to record once an accepted envelope is applied (in the same transaction as the item). */
export interface PartnerAdvance {
  lastSeq: number;
  lastCheckpoint: { size: number; rootHash: Buffer };
  itemId: string;
  /** Commitment (hex) to remember for idempotency. */
  itemCommitment: string;
  nonce: string;
  /** The log key the checkpoint verified with: pin it when the partner state had none. */
  logVerifierKey: string;
}

export type EnvelopeVerdict =
  | { accepted: true; duplicate: false; envelope: FederationEnvelope; advance: PartnerAdvance }
  /** The same item again (a retry): nothing to apply, but answer as accepted so the sender's outbox moves on. */
  | { accepted: true; duplicate: true; envelope: FederationEnvelope; nonce: string }
  | { accepted: false; code: EnvelopeRefusalCode; reason: string };

const refuse = (code: EnvelopeRefusalCode, reason: string): EnvelopeVerdict => ({
  accepted: false,
  code,
  reason,
});

/** Components a federation signature must cover; `@target-uri` may be replaced by `@path`. */
const REQUIRED = ['@method', '@authority', 'content-digest', 'content-type'];

/** The keyid a request is signed with, so the caller can find the partner; undefined when unreadable. */
export function signatureKeyId(request: HttpMessage): string | undefined {
  try {
    return readSignature(request, FEDERATION_LABEL).params.keyid;
  } catch {
    return undefined;
  }
}

function signatureFault(sig: ReceivedSignature): string | undefined {
  const { params, components } = sig;
  if (params.keyid === undefined) return 'the signature names no keyid';
  if (params.alg !== 'ed25519')
    return `alg must be "ed25519", got ${params.alg === undefined ? 'none' : `"${params.alg}"`}`;
  if (params.created === undefined) return 'the signature has no created time';
  if (params.nonce === undefined || params.nonce.length < 8)
    return 'the signature needs a nonce of at least 8 characters';
  const missing = REQUIRED.filter((c) => !components.includes(c));
  if (!components.includes('@target-uri') && !components.includes('@path')) missing.push('@target-uri');
  if (missing.length > 0) return `the signature does not cover ${missing.join(', ')}`;
  return undefined;
}

function header(request: HttpMessage, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name && value !== undefined)
      return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/**
 * Verifies one incoming federation request, in this order: signature (RFC 9421, Ed25519) and its
 * key, freshness (created window, nonce, receiver), body digest (RFC 9530), envelope fields and
 * the body its kind requires, idempotency and order (item id, seq), the item's inclusion in the
 * sender's signed checkpoint (RFC 9162 §2.1.3.2), that checkpoint's consistency with the last one
 * seen (§2.1.4.2, as a witness), and the handling code.
 *
 * @example
 * const partner = partners.byKeyId(signatureKeyId(request));
 * const verdict = verifyEnvelope({ request, body, now: Date.now(), authority: 'b.example' }, partner);
 * if (verdict.accepted && !verdict.duplicate) applyInOneTransaction(verdict.envelope, verdict.advance);
 */
export function verifyEnvelope(
  input: EnvelopeInput,
  partner: PartnerState | undefined,
  options: VerifyOptions = {},
): EnvelopeVerdict {
  const { request, body, now } = input;
  let sig: ReceivedSignature;
  try {
    sig = readSignature(request, FEDERATION_LABEL);
  } catch (err) {
    return refuse('BAD_SIGNATURE', (err as Error).message);
  }
  const fault = signatureFault(sig);
  if (fault) return refuse('BAD_SIGNATURE', fault);
  const keyid = sig.params.keyid!;
  const key = partner?.keys.get(keyid);
  if (!partner || !key) return refuse('UNKNOWN_KEY', `no partner has the key "${keyid}"`);
  let valid: boolean;
  try {
    valid = verifySignature(request, sig, key);
  } catch (err) {
    return refuse('BAD_SIGNATURE', (err as Error).message);
  }
  if (!valid)
    return refuse('BAD_SIGNATURE', `the signature does not verify with ${partner.name}'s key "${keyid}"`);

  const maxAge = options.maxAgeSeconds ?? 300;
  const skew = options.skewSeconds ?? 30;
  const nowSeconds = Math.floor(now / 1000);
  const created = sig.params.created!;
  if (created > nowSeconds + skew)
    return refuse('REPLAYED', `created ${created} is in the future (now ${nowSeconds})`);
  if (created < nowSeconds - maxAge) {
    return refuse('REPLAYED', `created ${created} is more than ${maxAge} s old (now ${nowSeconds})`);
  }
  if (sig.params.expires !== undefined && sig.params.expires < nowSeconds) {
    return refuse('REPLAYED', `the signature expired at ${sig.params.expires}`);
  }
  const nonce = sig.params.nonce!;
  if (partner.seenNonce(nonce)) return refuse('REPLAYED', `nonce "${nonce}" was used before`);
  // @authority is covered (REQUIRED), so the signed authority is the URL's host.
  if (input.authority !== undefined) {
    const signedFor = new URL(request.url).host;
    if (signedFor !== input.authority.toLowerCase()) {
      return refuse('REPLAYED', `signed for ${signedFor}, received at ${input.authority}`);
    }
  }

  let digestFault: string | undefined;
  try {
    digestFault = contentDigestFault(header(request, 'content-digest'), body);
  } catch (err) {
    digestFault = (err as Error).message;
  }
  if (digestFault) return refuse('BODY_CHANGED', digestFault);

  const contentType = header(request, 'content-type');
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    return refuse('MALFORMED', `content type must be application/json, got ${contentType ?? 'none'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return refuse('MALFORMED', 'the body is not JSON');
  }
  const parsed = parseWith(FederationEnvelopeSchema, json);
  if (!parsed.ok) return refuse('MALFORMED', `not a federation envelope: ${issuesText(parsed.issues)}`);
  const envelope = parsed.value;
  if (envelope.sender !== partner.name) {
    return refuse(
      'UNKNOWN_KEY',
      `key "${keyid}" is ${partner.name}'s, but the envelope claims sender ${envelope.sender}`,
    );
  }

  const content = parseSharedBody(envelope.kind, envelope.body);
  if (!content.ok) return refuse('MALFORMED', `not a valid ${envelope.kind}: ${issuesText(content.issues)}`);

  const item = sharedItemOf(envelope);
  const salt = Buffer.from(envelope.salt, 'hex');
  let commitmentBytes: Buffer;
  try {
    commitmentBytes = itemCommitment(item, salt);
  } catch (err) {
    return refuse('MALFORMED', `the item is not canonical JSON: ${(err as Error).message}`);
  }
  const commitment = commitmentBytes.toString('hex');
  const seen = partner.seenItem(envelope.itemId);
  if (seen !== undefined) {
    if (seen === commitment) return { accepted: true, duplicate: true, envelope, nonce };
    return refuse('REPLAYED', `item ${envelope.itemId} was accepted before with other content`);
  }
  if (envelope.seq <= partner.lastSeq) {
    return refuse('REPLAYED', `seq ${envelope.seq} is not after the last accepted seq ${partner.lastSeq}`);
  }

  const pinned = partner.logVerifierKey;
  if (pinned !== undefined && envelope.logKey !== undefined && envelope.logKey !== pinned) {
    return refuse(
      'BAD_PROOF',
      `the partner's log key changed: ${partner.name}'s log is known by "${pinned}", the envelope names "${envelope.logKey}"`,
    );
  }
  const logKey = pinned ?? envelope.logKey;
  if (logKey === undefined) {
    return refuse('BAD_PROOF', `${partner.name}'s log key is not known and the envelope does not name one`);
  }
  let checkpoint: { size: number; rootHash: Buffer };
  try {
    checkpoint = openCheckpointOnce(envelope.checkpoint, logKey);
  } catch (err) {
    return refuse(
      'BAD_PROOF',
      `the checkpoint is not ${partner.name}'s signed log checkpoint: ${(err as Error).message}`,
    );
  }
  try {
    verifyInclusion(
      hashLeaf(Buffer.from(commitmentLeaf(commitmentBytes), 'utf8')),
      envelope.logIndex,
      checkpoint.size,
      envelope.inclusionProof.map((h) => Buffer.from(h, 'base64')),
      checkpoint.rootHash,
    );
  } catch (err) {
    return refuse(
      'BAD_PROOF',
      `item ${envelope.itemId} at index ${envelope.logIndex}: ${(err as Error).message}`,
    );
  }

  const last = partner.lastCheckpoint;
  if (last) {
    const view = consistencyFault(last, checkpoint, envelope);
    if (view) return refuse('SPLIT_VIEW', view);
  }

  const demanded = bodyHandling(envelope.kind, envelope.body, envelope.handling);
  if (!demanded.allowed) return refuse('HANDLING_FORBIDS', demanded.reason);
  if (envelope.originator !== envelope.sender) {
    // A re-share: the federation is the originator's community, so only what TLP lets travel
    // there may come from a third party.
    const reshare = mayReshare(envelope.handling, 'community');
    if (!reshare.allowed) {
      return refuse(
        'HANDLING_FORBIDS',
        `${envelope.sender} passed on ${envelope.originator}'s item: ${reshare.reason}`,
      );
    }
  }

  return {
    accepted: true,
    duplicate: false,
    envelope,
    advance: {
      lastSeq: envelope.seq,
      lastCheckpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash },
      itemId: envelope.itemId,
      itemCommitment: commitment,
      nonce,
      logVerifierKey: logKey,
    },
  };
}

/** Checkpoints already opened, by verifier key and note: a sender seals many envelopes with one checkpoint. */
const openedCheckpoints = new Map<string, Checkpoint>();
const OPENED_CHECKPOINTS_KEPT = 1024;

/**
 * `openCheckpoint`, remembered: the same note under the same key opens to the same checkpoint,
 * so its signature is checked once (a memo of a pure function; failures are not remembered).
 */
function openCheckpointOnce(note: string, verifierKey: string): Checkpoint {
  const key = `${verifierKey}\n${note}`;
  const known = openedCheckpoints.get(key);
  if (known) return known;
  const checkpoint = openCheckpoint(note, verifierKey);
  if (openedCheckpoints.size >= OPENED_CHECKPOINTS_KEPT) {
    openedCheckpoints.delete(openedCheckpoints.keys().next().value!);
  }
  openedCheckpoints.set(key, checkpoint);
  return checkpoint;
}

/** Why the new checkpoint cannot be the same log as the last one seen, or undefined. */
function consistencyFault(
  last: { size: number; rootHash: Buffer },
  next: { size: number; rootHash: Buffer },
  envelope: FederationEnvelope,
): string | undefined {
  if (next.size < last.size) {
    return `checkpoint size ${next.size} is behind size ${last.size} seen before: a log never shrinks`;
  }
  if (next.size === last.size) {
    return next.rootHash.equals(last.rootHash)
      ? undefined
      : `root at size ${last.size} differs from the one seen before: the log was rewritten`;
  }
  const proof = envelope.consistencyProof;
  if (!proof) return `no consistency proof from size ${last.size} seen before to ${next.size}`;
  if (proof.fromSize !== last.size) {
    return `consistency proof starts at size ${proof.fromSize}, but the size seen before is ${last.size}`;
  }
  try {
    verifyConsistency(
      last.size,
      next.size,
      proof.hashes.map((h) => Buffer.from(h, 'base64')),
      last.rootHash,
      next.rootHash,
    );
  } catch (err) {
    return `checkpoint ${next.size} is not consistent with checkpoint ${last.size} seen before: ${(err as Error).message}`;
  }
  return undefined;
}

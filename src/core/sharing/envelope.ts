import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, canonicalJsonBytes } from '../ledger/canonical-json.ts';
import { commitmentLeaf, RECORD_SALT_BYTES, recordCommitment } from '../ledger/record-commitment.ts';
import { contentDigest, type HttpMessage, signMessage } from './http-signature.ts';
import { objectId, partyName } from './shared-fields.ts';
import { SharingError } from './sharing-error.ts';
import { TLP_CODES, type TlpCode } from './tlp.ts';

/**
 * The federation envelope: one shared item (alert, amendment, withdrawal, feedback, seizure
 * report, group post, medical lot usage) as it travels between installations, with what the receiver needs to check
 * it came from the sender's transparency log: the log index, an RFC 9162 inclusion proof, the
 * sender's signed checkpoint (C2SP tlog-checkpoint) and, when the receiver has seen an older
 * checkpoint, a consistency proof from it.
 *
 * The log does not hold the item itself (an AMBER alert must not become public): the entry is the
 * salted commitment of `core/ledger/record-commitment.ts` over the item's canonical JSON, and the
 * envelope carries the salt so its receiver alone can recompute it.
 */

export const ENVELOPE_KINDS = [
  'alert',
  'alert-amendment',
  'alert-withdrawal',
  'alert-feedback',
  'seizure',
  'group',
  'group-post',
  'lot-usage',
] as const;
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

/** The item as the sender's log commits to it. */
export interface SharedItem {
  /** Unique per sender; the receiver is idempotent on it. */
  itemId: string;
  sender: string;
  kind: EnvelopeKind;
  /** Per sender, strictly increasing (gaps allowed: each partner sees only what is addressed to it). */
  seq: number;
  /** TLP 2.0 code the item travels under. */
  handling: TlpCode;
  /** The administration that first shared the item: the sender, or another one when it is re-shared. */
  originator: string;
  body: unknown;
}

const hash32 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256 hash (44 characters)');
/** RFC 9162 proofs are at most 63 hashes for any tree a safe integer can size. */
const proof = z.array(hash32).max(63, 'a proof has at most 63 hashes');

export const FederationEnvelopeSchema = z.strictObject({
  itemId: objectId,
  sender: partyName,
  kind: z.enum(ENVELOPE_KINDS),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  handling: z.enum(TLP_CODES),
  originator: partyName,
  body: z.unknown().refine((b) => b !== undefined, 'is required'),
  /** Salt of the log commitment, 32 bytes hex. */
  salt: z.string().regex(/^[0-9a-f]{64}$/, `must be ${RECORD_SALT_BYTES * 2} lower-case hex digits`),
  logIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  inclusionProof: proof,
  /** The sender's signed checkpoint note. */
  checkpoint: z.string().min(1).max(16_384),
  consistencyProof: z
    .strictObject({ fromSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), hashes: proof })
    .optional(),
  /**
   * The sender's log verifier key (C2SP signed-note vkey). The operator adds a partner with its
   * HTTP signing key only; the receiver pins this key from the first envelope it accepts (it is
   * covered by the HTTP signature through Content-Digest) and refuses any other one later.
   */
  logKey: z.string().min(1).max(512).optional(),
});
export type FederationEnvelope = z.output<typeof FederationEnvelopeSchema>;

export function sharedItemOf(envelope: FederationEnvelope): SharedItem {
  const { itemId, sender, kind, seq, handling, originator, body } = envelope;
  return { itemId, sender, kind, seq, handling, originator, body };
}

/** The item's RFC 8785 canonical JSON: what the salted commitment (and the sender's ledger record) is over. */
export function itemJson(item: SharedItem): string {
  const { itemId, sender, kind, seq, handling, originator, body } = item;
  return canonicalJson({ itemId, sender, kind, seq, handling, originator, body });
}

/** The commitment to an item: SHA-256(salt || canonical JSON of the item). Same item and salt, same commitment. */
export function itemCommitment(item: SharedItem, salt: Buffer): Buffer {
  return recordCommitment(salt, itemJson(item));
}

/** The exact bytes the sender appends to its log for an item (a `{"commitment":"<hex>"}` leaf). */
export function sharedItemLogEntry(item: SharedItem, salt: Buffer): Buffer {
  return Buffer.from(commitmentLeaf(itemCommitment(item, salt)), 'utf8');
}

/** Where the item sits in the sender's log, as the sender proves it. */
export interface LogPosition {
  logIndex: number;
  inclusionProof: readonly Buffer[];
  checkpoint: string;
  /** From the size of the last checkpoint this partner was sent (omit for the first delivery). */
  consistencyProof?: { fromSize: number; hashes: readonly Buffer[] };
  /** The sender's log verifier key, for a receiver that has not pinned it yet. */
  logKey?: string;
}

/**
 * Puts an item, its salt and its proofs in an envelope. Seal at delivery time, with the current
 * checkpoint: a receiver refuses a checkpoint older than one it has already seen.
 */
export function sealEnvelope(item: SharedItem, salt: Buffer, position: LogPosition): FederationEnvelope {
  if (salt.length !== RECORD_SALT_BYTES) {
    throw new SharingError('INVALID_INPUT', `salt must be ${RECORD_SALT_BYTES} bytes`);
  }
  const envelope = {
    ...item,
    salt: salt.toString('hex'),
    logIndex: position.logIndex,
    inclusionProof: position.inclusionProof.map((h) => h.toString('base64')),
    checkpoint: position.checkpoint,
    ...(position.consistencyProof === undefined
      ? {}
      : {
          consistencyProof: {
            fromSize: position.consistencyProof.fromSize,
            hashes: position.consistencyProof.hashes.map((h) => h.toString('base64')),
          },
        }),
    ...(position.logKey === undefined ? {} : { logKey: position.logKey }),
  };
  const parsed = FederationEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    throw new SharingError(
      'INVALID_INPUT',
      `envelope: ${parsed.error.issues.map((i) => `/${i.path.join('/')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** The signature label of federation requests, and what each must cover (RFC 9421 §1.4). */
export const FEDERATION_LABEL = 'greenlane';
export const FEDERATION_COMPONENTS = [
  '@method',
  '@target-uri',
  '@authority',
  'content-type',
  'content-digest',
] as const;

/** The signing side of an installation: its HTTP signing key and the key's id as partners know it. */
export interface FederationSigner {
  keyid: string;
  privateKey: KeyObject;
}

/**
 * The signed request that carries an envelope to a partner's inbox: canonical JSON body,
 * Content-Digest (RFC 9530) and an Ed25519 HTTP Message Signature (RFC 9421) over method, target
 * URI, authority, content type and digest, with created, keyid, alg and a one-time nonce.
 * The outbox keeps it as is: pushed by POST, or served to a partner that pulls (it verifies the
 * same way, since it names the partner's inbox URL).
 *
 * @param created UNIX seconds (the caller's clock: the core has none)
 * @param nonce   unique per request, e.g. 16 random bytes in base64url
 */
export function envelopeRequest(
  envelope: FederationEnvelope,
  to: { inboxUrl: string },
  signer: FederationSigner,
  created: number,
  nonce: string,
): { message: HttpMessage; body: Buffer } {
  const body = canonicalJsonBytes(envelope);
  const unsigned: HttpMessage = {
    method: 'POST',
    url: to.inboxUrl,
    headers: { 'content-type': 'application/json', 'content-digest': contentDigest(body) },
  };
  const fields = signMessage(unsigned, {
    label: FEDERATION_LABEL,
    components: FEDERATION_COMPONENTS,
    params: { created, keyid: signer.keyid, alg: 'ed25519', nonce },
    privateKey: signer.privateKey,
  });
  return { message: { ...unsigned, headers: { ...unsigned.headers, ...fields } }, body };
}

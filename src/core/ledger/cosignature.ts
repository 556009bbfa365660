import { sign, verify } from 'node:crypto';
import { LedgerError } from './ledger-error.ts';
import {
  NOTE_ALG_COSIGNATURE_V1,
  type NoteSigner,
  type NoteVerifier,
  parseSignatureLine,
  parseSignerKey,
  parseVerifierKey,
} from './signed-note.ts';

/** Largest timestamp a cosignature may carry (tlog-cosignature: MUST NOT exceed 2^63 − 1). */
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/**
 * C2SP tlog-cosignature "Ed25519 signed message": `cosignature/v1`, `time <seconds>`, then the whole
 * checkpoint body. The header gives domain separation from the log's own signatures.
 */
export function cosignedMessage(checkpointText: Buffer, timestamp: number): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${timestamp}\n`, 'utf8'), checkpointText]);
}

/**
 * A witness's cosigner (signature type 0x04): the signature is `timestamped_signature`, a big-endian
 * u64 POSIX time followed by the Ed25519 signature over `cosignedMessage`. The clock is passed in
 * (the core reads none).
 */
export function cosigner(privateKey: string, nowSeconds: () => number): NoteSigner {
  const key = parseSignerKey(privateKey);
  if (key.alg !== NOTE_ALG_COSIGNATURE_V1) throw new LedgerError('MALFORMED_KEY', 'not a cosignature/v1 key');
  return {
    name: key.name,
    keyId: key.keyId,
    sign: (text) => {
      const t = nowSeconds();
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(BigInt(t));
      return Buffer.concat([stamp, sign(null, cosignedMessage(text, t), key.privateKey)]);
    },
  };
}

/** Verifies cosignature/v1 signatures of one witness key. */
export function cosignatureVerifier(verifierKey: string): NoteVerifier {
  const key = parseVerifierKey(verifierKey);
  if (key.alg !== NOTE_ALG_COSIGNATURE_V1)
    throw new LedgerError('MALFORMED_KEY', 'not a cosignature/v1 verifier key');
  return {
    name: key.name,
    keyId: key.keyId,
    verify: (text, signature) => {
      if (signature.length !== 8 + 64) return false;
      const t = signature.readBigUInt64BE(0);
      if (t > MAX_TIMESTAMP || t > BigInt(Number.MAX_SAFE_INTEGER)) return false;
      return verify(null, cosignedMessage(text, Number(t)), key.publicKey, signature.subarray(8));
    },
  };
}

/** The POSIX time a cosignature was made (its first 8 bytes). */
export function cosignatureTime(signature: Buffer): number {
  if (signature.length !== 72) throw new LedgerError('SIGNATURE_INVALID', 'cosignature must be 72 bytes');
  return Number(signature.readBigUInt64BE(0));
}

/**
 * The distinct trusted witnesses whose cosignature lines verify over a checkpoint body: a
 * checkpoint is final when this reaches the log's quorum k of its n witnesses. Lines from unknown
 * keys or that fail to verify are ignored (a bad line cannot make a checkpoint less final).
 */
export function verifiedCosigners(
  checkpointText: string,
  lines: readonly string[],
  verifiers: readonly NoteVerifier[],
) {
  const body = Buffer.from(checkpointText, 'utf8');
  const names = new Set<string>();
  for (const raw of lines) {
    let sig: ReturnType<typeof parseSignatureLine>;
    try {
      sig = parseSignatureLine(raw);
    } catch {
      continue;
    }
    const v = verifiers.find((k) => k.name === sig.name && k.keyId.equals(sig.keyId));
    if (v?.verify(body, sig.signature)) names.add(v.name);
  }
  return [...names];
}

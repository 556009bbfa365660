import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { decodeBase64Strict } from './checkpoint.ts';
import { LedgerError } from './ledger-error.ts';

/** C2SP signed-note signature types (https://c2sp.org/signed-note#signatures). */
export const NOTE_ALG_ED25519 = 0x01;
export const NOTE_ALG_COSIGNATURE_V1 = 0x04;

const MAX_NOTE_BYTES = 1 << 20;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = '\u2014 ';
// DER wrappers for raw Ed25519 keys (RFC 8410): node:crypto imports keys as PKCS#8 / SPKI.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** Signs note text; `name` and `keyId` identify the key in signature lines. */
export interface NoteSigner {
  name: string;
  keyId: Buffer;
  sign(text: Buffer): Buffer;
}

/** Verifies one key's signatures over note text. */
export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  verify(text: Buffer, signature: Buffer): boolean;
}

/** A decoded key string: name, signature type, raw Ed25519 key material and its key ID. */
export interface NoteKey {
  name: string;
  alg: number;
  keyId: Buffer;
  publicKey: KeyObject;
  privateKey?: KeyObject;
  rawPublicKey: Buffer;
}

/** signed-note "Keys": names are non-empty and contain no whitespace and no '+'. */
function assertKeyName(name: string): void {
  if (!name || /[\s+]/u.test(name)) throw new LedgerError('MALFORMED_KEY', `invalid key name "${name}"`);
}

/** signed-note key ID: SHA-256(name || 0x0A || type || public key)[:4]. */
export function noteKeyId(name: string, alg: number, rawPublicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([alg]))
    .update(rawPublicKey)
    .digest()
    .subarray(0, 4);
}

function publicFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/**
 * Creates an Ed25519 key pair encoded as signed-note key strings: the private `PRIVATE+KEY+name+id+b64`
 * and the public verifier key (vkey) `name+id+b64(type || key)`.
 */
export function generateNoteKey(name: string, alg: number): { privateKey: string; verifierKey: string } {
  assertKeyName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const id = noteKeyId(name, alg, pub).toString('hex');
  const tag = Buffer.from([alg]);
  return {
    privateKey: `PRIVATE+KEY+${name}+${id}+${Buffer.concat([tag, seed]).toString('base64')}`,
    verifierKey: `${name}+${id}+${Buffer.concat([tag, pub]).toString('base64')}`,
  };
}

/** Splits `a+b+...+material`: the last field is base64 and may itself contain '+'. */
function splitKey(text: string, parts: number): string[] {
  const fields = text.trim().split('+');
  if (fields.length < parts) throw new LedgerError('MALFORMED_KEY', 'key string has too few fields');
  return [...fields.slice(0, parts - 1), fields.slice(parts - 1).join('+')];
}

function decodeKeyMaterial(b64: string): { alg: number; raw: Buffer } {
  let bytes: Buffer;
  try {
    bytes = decodeBase64Strict(b64, 'key');
  } catch (cause) {
    throw new LedgerError('MALFORMED_KEY', 'key material is not base64', { cause });
  }
  if (bytes.length !== 33)
    throw new LedgerError('MALFORMED_KEY', 'Ed25519 key material must be 1 + 32 bytes');
  return { alg: bytes[0]!, raw: bytes.subarray(1) };
}

/** Decodes a verifier key (vkey) and checks its key ID against its name and key. */
export function parseVerifierKey(vkey: string): NoteKey {
  const [name, hexId, b64] = splitKey(vkey, 3) as [string, string, string];
  assertKeyName(name);
  const { alg, raw } = decodeKeyMaterial(b64);
  const keyId = noteKeyId(name, alg, raw);
  if (keyId.toString('hex') !== hexId)
    throw new LedgerError('MALFORMED_KEY', `key ID of "${name}" does not match its key`);
  return { name, alg, keyId, publicKey: publicFromRaw(raw), rawPublicKey: raw };
}

/** Decodes a private key string made by `generateNoteKey`. */
export function parseSignerKey(skey: string): NoteKey & { privateKey: KeyObject } {
  const [p, k, name, hexId, b64] = splitKey(skey, 5) as [string, string, string, string, string];
  if (p !== 'PRIVATE' || k !== 'KEY') throw new LedgerError('MALFORMED_KEY', 'not a PRIVATE+KEY string');
  assertKeyName(name);
  const { alg, raw } = decodeKeyMaterial(b64);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const rawPublicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  const keyId = noteKeyId(name, alg, rawPublicKey);
  if (keyId.toString('hex') !== hexId)
    throw new LedgerError('MALFORMED_KEY', `key ID of "${name}" does not match its key`);
  return { name, alg, keyId, publicKey: createPublicKey(privateKey), privateKey, rawPublicKey };
}

/** The verifier key string of a key (for publishing next to the log). */
export function formatVerifierKey(key: NoteKey): string {
  return `${key.name}+${key.keyId.toString('hex')}+${Buffer.concat([Buffer.from([key.alg]), key.rawPublicKey]).toString('base64')}`;
}

/**
 * Signs note text, appending one signature line per signer (signed-note "Signatures"):
 * `— <name> base64(key ID || signature)`. The text must be newline-terminated and have no blank line.
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  return `${text}\n${signers.map((s) => signatureLine(text, s)).join('')}`;
}

/** One signature line `— <name> base64(key ID || signature)\n` over note text (used alone by witnesses). */
export function signatureLine(text: string, signer: NoteSigner): string {
  const sig = signer.sign(Buffer.from(text, 'utf8'));
  return `${SIG_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, sig]).toString('base64')}\n`;
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new LedgerError('MALFORMED_NOTE', 'note text must end with a newline');
  if (text.includes('\n\n'))
    throw new LedgerError('MALFORMED_NOTE', 'note text must not contain a blank line');
  // signed-note: the text is UTF-8 without control characters other than newline.
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f)
      throw new LedgerError('MALFORMED_NOTE', 'control character in note');
  }
}

/** One parsed signature line. */
export interface NoteSignature {
  name: string;
  keyId: Buffer;
  signature: Buffer;
  /** The exact line, newline included, so a verified cosignature can be stored and re-served. */
  line: string;
}

/** Splits a note into its text and signature lines without verifying anything. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES)
    throw new LedgerError('MALFORMED_NOTE', 'note too large');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new LedgerError('MALFORMED_NOTE', 'note has no signature block');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n'))
    throw new LedgerError('MALFORMED_NOTE', 'signature block must end with a newline');
  const rawLines = block.slice(0, -1).split('\n');
  if (rawLines.length > MAX_SIGNATURES) throw new LedgerError('MALFORMED_NOTE', 'too many signatures');
  return { text, signatures: rawLines.map(parseSignatureLine) };
}

/** Parses `— <name> <base64>` (without or with its newline). */
export function parseSignatureLine(raw: string): NoteSignature {
  const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
  if (!line.startsWith(SIG_PREFIX))
    throw new LedgerError('MALFORMED_NOTE', 'signature line must start with "— "');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.lastIndexOf(' ');
  if (space <= 0) throw new LedgerError('MALFORMED_NOTE', 'signature line needs a name and a signature');
  const name = rest.slice(0, space);
  let bytes: Buffer;
  try {
    bytes = decodeBase64Strict(rest.slice(space + 1), 'signature');
  } catch (cause) {
    throw new LedgerError('MALFORMED_NOTE', 'signature is not base64', { cause });
  }
  if (bytes.length < 5 || /\s/u.test(name))
    throw new LedgerError('MALFORMED_NOTE', 'malformed signature line');
  return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line: `${line}\n` };
}

/**
 * Opens a signed note: returns its text and the signatures made by the given verifiers. Unknown
 * keys are ignored (signed-note "Verifying"); a known key with a bad signature, or no known
 * signature at all, throws `SIGNATURE_INVALID`.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { text: string; verified: NoteSignature[]; signatures: NoteSignature[] } {
  const { text, signatures } = parseNote(note);
  const body = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  for (const sig of signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId.equals(sig.keyId));
    if (!v) continue;
    if (!v.verify(body, sig.signature)) {
      throw new LedgerError('SIGNATURE_INVALID', `signature by "${sig.name}" does not verify`);
    }
    verified.push(sig);
  }
  if (verified.length === 0)
    throw new LedgerError('SIGNATURE_INVALID', 'note has no signature from a trusted key');
  return { text, verified, signatures };
}

/** An Ed25519 (type 0x01) note signer from a private key string: signs the note text itself. */
export function noteSigner(privateKey: string): NoteSigner {
  const key = parseSignerKey(privateKey);
  if (key.alg !== NOTE_ALG_ED25519) throw new LedgerError('MALFORMED_KEY', 'not an Ed25519 note signing key');
  return { name: key.name, keyId: key.keyId, sign: (text) => sign(null, text, key.privateKey) };
}

/** An Ed25519 (type 0x01) note verifier from a verifier key string. */
export function noteVerifier(verifierKey: string): NoteVerifier {
  const key = parseVerifierKey(verifierKey);
  if (key.alg !== NOTE_ALG_ED25519)
    throw new LedgerError('MALFORMED_KEY', 'not an Ed25519 note verifier key');
  return {
    name: key.name,
    keyId: key.keyId,
    verify: (text, signature) => signature.length === 64 && verify(null, text, key.publicKey, signature),
  };
}

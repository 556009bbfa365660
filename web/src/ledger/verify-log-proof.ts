/**
 * Checks, in the browser and with WebCrypto only, that a decision is in the transparency log:
 * the same steps as the server's verifier (src/core/ledger/proof-verify.ts, signed-note.ts,
 * record-commitment.ts), rewritten asynchronously because WebCrypto's digest is async and the core
 * uses Node's `Buffer` and `node:crypto`. Every input is treated as untrusted.
 */

export type ProofStep = 'commitment' | 'leaf' | 'inclusion' | 'signature';

export interface ProofCheck {
  ok: boolean;
  /** Each step in order; `null` when the step could not run (no record for this role, no Ed25519). */
  steps: { step: ProofStep; ok: boolean | null }[];
  root: string | null;
  size: number | null;
}

export interface ProofInput {
  leaf: string;
  leafHash: string;
  record?: { content: string; salt: string };
  proof: { index: number; size: number; hashes: string[] };
  checkpoint: string;
  publicKey: string;
}

const enc = new TextEncoder();

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error('not hexadecimal');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

/** RFC 9162 §2.1.1: leaf hash SHA-256(0x00 || leaf) and node hash SHA-256(0x01 || left || right). */
export const hashLeaf = (leaf: Uint8Array) => sha256(new Uint8Array([0]), leaf);
const hashChildren = (left: Uint8Array, right: Uint8Array) => sha256(new Uint8Array([1]), left, right);

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * RFC 9162 §2.1.3.2 steps 1–4: the root implied by an inclusion proof, or null when the proof has
 * the wrong length for (index, size) or a component that is not 32 bytes.
 */
export async function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leafHash.length !== 32) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** C2SP signed note: `origin\nsize\nbase64 root\n` then a blank line and `— name base64(keyid||sig)` lines. */
function parseCheckpoint(
  note: string,
): { text: string; size: number; root: Uint8Array; sigs: string[] } | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines.length < 4 || !/^\d+$/.test(lines[1] ?? '')) return null;
  const root = base64ToBytes(lines[2] ?? '');
  const sigs = note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l.length > 0);
  return { text, size: Number(lines[1]), root, sigs };
}

/**
 * The checkpoint's signature by the log's key (C2SP signed-note: key `name+hexid+base64(0x01||pub)`,
 * key id = first 4 bytes of SHA-256(name || "\n" || 0x01 || pub)). Null when this browser's
 * WebCrypto has no Ed25519.
 */
async function verifyNoteSignature(
  text: string,
  sigs: string[],
  verifierKey: string,
): Promise<boolean | null> {
  const fields = verifierKey.trim().split('+');
  if (fields.length < 3) return false;
  const [name, hexId] = fields as [string, string];
  const material = base64ToBytes(fields.slice(2).join('+'));
  if (material.length !== 33 || material[0] !== 0x01) return false;
  const pub = material.subarray(1);
  const keyId = (await sha256(enc.encode(`${name}\n`), material)).subarray(0, 4);
  if (bytesToHex(keyId) !== hexId) return false;
  let key: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
  try {
    key = await crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return null;
  }
  for (const line of sigs) {
    const m = /^— (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const bytes = base64ToBytes(m[2]!);
    if (bytes.length !== 68 || !equal(bytes.subarray(0, 4), keyId)) continue;
    return crypto.subtle.verify({ name: 'Ed25519' }, key, bytes.subarray(4), enc.encode(text));
  }
  return false;
}

/** Runs every step; `ok` only when each step that could run passed and the inclusion step ran. */
export async function verifyLogProof(input: ProofInput): Promise<ProofCheck> {
  const steps: ProofCheck['steps'] = [];
  let root: string | null = null;
  let size: number | null = null;
  try {
    const leaf = base64ToBytes(input.leaf);
    if (input.record) {
      const commitment = await sha256(hexToBytes(input.record.salt), enc.encode(input.record.content));
      const expected = enc.encode(`{"commitment":"${bytesToHex(commitment)}"}`);
      steps.push({ step: 'commitment', ok: equal(expected, leaf) });
    } else {
      steps.push({ step: 'commitment', ok: null });
    }
    const leafHash = await hashLeaf(leaf);
    steps.push({ step: 'leaf', ok: bytesToHex(leafHash) === input.leafHash.toLowerCase() });
    const checkpoint = parseCheckpoint(input.checkpoint);
    const computed = await rootFromInclusionProof(
      leafHash,
      input.proof.index,
      input.proof.size,
      input.proof.hashes.map(hexToBytes),
    );
    if (checkpoint) {
      root = bytesToHex(checkpoint.root);
      size = checkpoint.size;
    }
    steps.push({
      step: 'inclusion',
      ok:
        !!checkpoint &&
        !!computed &&
        checkpoint.size === input.proof.size &&
        equal(computed, checkpoint.root),
    });
    steps.push({
      step: 'signature',
      ok: checkpoint ? await verifyNoteSignature(checkpoint.text, checkpoint.sigs, input.publicKey) : false,
    });
  } catch {
    steps.push({ step: 'inclusion', ok: false });
  }
  const ok = steps.every((s) => s.ok !== false) && steps.some((s) => s.step === 'inclusion' && s.ok === true);
  return { ok, steps, root, size };
}

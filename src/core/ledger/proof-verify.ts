import { LedgerError } from './ledger-error.ts';
import { HASH_SIZE, hashChildren } from './merkle-hash.ts';

function assertHash(
  hash: Uint8Array,
  what: string,
  code: 'INCLUSION_PROOF_INVALID' | 'CONSISTENCY_PROOF_INVALID',
) {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new LedgerError(code, `${what} must be ${HASH_SIZE} bytes, got ${hash?.length ?? 'none'}`);
  }
}

/** Sizes and indexes come from untrusted proofs: anything but a safe non-negative integer fails the proof. */
function assertSize(
  value: number,
  what: string,
  code: 'INCLUSION_PROOF_INVALID' | 'CONSISTENCY_PROOF_INVALID',
) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LedgerError(code, `${what} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/** Exact for every safe integer (bitwise operators would truncate to 32 bits). */
function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** Right-shifts (fn, sn) together until fn is odd or zero: the "skip levels on the right edge" step. */
function shiftWhileEven(fn: number, sn: number): [number, number] {
  let f = fn;
  let s = sn;
  while (f % 2 === 0 && f !== 0) {
    f /= 2;
    s = Math.floor(s / 2);
  }
  return [f, s];
}

/**
 * Recomputes the root implied by an inclusion proof, RFC 9162 §2.1.3.2 steps 1–4. Throws when the
 * proof has the wrong length for (index, size) — the check that rejects inserted/removed components.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
) {
  const code = 'INCLUSION_PROOF_INVALID';
  assertSize(index, 'index', code);
  assertSize(size, 'size', code);
  if (index >= size) throw new LedgerError(code, `leaf index ${index} is not below tree size ${size}`);
  assertHash(leafHash, 'leaf hash', code);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    assertHash(p, 'proof hash', code);
    if (sn === 0) throw new LedgerError(code, 'inclusion proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new LedgerError(code, 'inclusion proof is shorter than the path to the root');
  return r;
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose
 * root is `root`. Throws `LedgerError('INCLUSION_PROOF_INVALID')`; returns nothing on success.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  assertHash(root, 'root hash', 'INCLUSION_PROOF_INVALID');
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!computed.equals(root)) {
    throw new LedgerError('INCLUSION_PROOF_INVALID', 'inclusion proof does not lead to the expected root');
  }
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1`. Equal sizes need an empty proof and identical roots; a
 * consistency proof from the empty tree proves nothing and is rejected (the witness protocol
 * handles size 0 itself). Throws `LedgerError('CONSISTENCY_PROOF_INVALID')`.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const code = 'CONSISTENCY_PROOF_INVALID';
  assertSize(size1, 'size1', code);
  assertSize(size2, 'size2', code);
  if (size1 > size2) throw new LedgerError(code, `size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) throw new LedgerError(code, 'a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) throw new LedgerError(code, 'sizes are equal but the proof is not empty');
    if (!Buffer.from(root1).equals(Buffer.from(root2)))
      throw new LedgerError(code, 'sizes are equal but roots differ');
    return;
  }
  assertHash(root1, 'first root', code);
  assertHash(root2, 'second root', code);
  // Step 1: an empty path cannot connect two different sizes.
  if (proof.length === 0) throw new LedgerError(code, 'consistency proof is empty');
  for (const p of proof) assertHash(p, 'proof hash', code);
  // Step 2: when size1 is a power of two, its root is itself a node of the new tree.
  const path: Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw new LedgerError(code, 'consistency proof is longer than needed');
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  if (sn !== 0) throw new LedgerError(code, 'consistency proof is shorter than needed');
  if (!fr.equals(root1)) throw new LedgerError(code, 'consistency proof does not reproduce the first root');
  if (!sr.equals(root2)) throw new LedgerError(code, 'consistency proof does not reproduce the second root');
}

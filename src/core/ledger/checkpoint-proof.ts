import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { LedgerError } from './ledger-error.ts';
import { hashLeaf } from './merkle-hash.ts';
import { verifyConsistency, verifyInclusion } from './proof-verify.ts';
import { noteVerifier, openNote } from './signed-note.ts';

/**
 * Opens a signed checkpoint with the log's verifier key alone: signature (C2SP signed-note) and
 * origin (the key name must be the origin, tlog-checkpoint). Throws `SIGNATURE_INVALID` or
 * `MALFORMED_CHECKPOINT`.
 */
export function openCheckpoint(signedNote: string, verifierKey: string): Checkpoint {
  const verifier = noteVerifier(verifierKey);
  const checkpoint = parseCheckpoint(openNote(signedNote, [verifier]).text);
  if (checkpoint.origin !== verifier.name) {
    throw new LedgerError(
      'MALFORMED_CHECKPOINT',
      `checkpoint origin "${checkpoint.origin}" is not the key's name`,
    );
  }
  return checkpoint;
}

/**
 * What a partner administration runs: given only the log's public key, a signed checkpoint, an
 * entry's exact bytes and an inclusion proof, is that entry in the log? Throws on any failure.
 *
 * @example
 * verifyEntryInCheckpoint(note, vkey, Buffer.from(entryB64, 'base64'), proof.index, proof.hashes.map(h => Buffer.from(h, 'hex')));
 */
export function verifyEntryInCheckpoint(
  signedNote: string,
  verifierKey: string,
  entry: Uint8Array,
  index: number,
  proof: readonly Uint8Array[],
): Checkpoint {
  const checkpoint = openCheckpoint(signedNote, verifierKey);
  verifyInclusion(hashLeaf(entry), index, checkpoint.size, proof, checkpoint.rootHash);
  return checkpoint;
}

/** Does the newer signed checkpoint extend the older one (RFC 9162 §2.1.4.2)? Throws if not. */
export function verifyCheckpointExtends(
  older: string,
  newer: string,
  verifierKey: string,
  proof: readonly Uint8Array[],
): void {
  const a = openCheckpoint(older, verifierKey);
  const b = openCheckpoint(newer, verifierKey);
  verifyConsistency(a.size, b.size, proof, a.rootHash, b.rootHash);
}

import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.ts';
import { cosignatureVerifier, cosigner, verifiedCosigners } from './cosignature.ts';
import { MemoryTree } from './memory-tree.ts';
import { consistencyProof, treeRoot } from './merkle-proof.ts';
import {
  generateNoteKey,
  NOTE_ALG_COSIGNATURE_V1,
  NOTE_ALG_ED25519,
  noteSigner,
  signNote,
} from './signed-note.ts';
import {
  type AddCheckpointRequest,
  decideAddCheckpoint,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
  REFUSAL_STATUS,
  type WitnessedLog,
  type WitnessedState,
} from './witness.ts';

const ORIGIN = 'customs.example/log';
const logKey = generateNoteKey(ORIGIN, NOTE_ALG_ED25519);
const witnessKey = generateNoteKey('partner.example/witness', NOTE_ALG_COSIGNATURE_V1);
const signer = cosigner(witnessKey.privateKey, () => 1679315147);
const logs: WitnessedLog[] = [{ origin: ORIGIN, verifierKeys: [logKey.verifierKey] }];

function treeOf(entries: string[]): MemoryTree {
  const t = new MemoryTree();
  t.appendEntries(entries.map((e) => Buffer.from(e)));
  return t;
}

async function signedCheckpoint(tree: MemoryTree, size: number, key = logKey.privateKey): Promise<string> {
  const text = formatCheckpoint({
    origin: ORIGIN,
    size,
    rootHash: await treeRoot(tree, size),
    extensions: [],
  });
  return signNote(text, [noteSigner(key)]);
}

/** A witness with an in-memory state, driven exactly as the HTTP adapter drives it. */
function memoryWitness() {
  const states = new Map<string, WitnessedState>();
  return {
    states,
    add(req: AddCheckpointRequest) {
      const d = decideAddCheckpoint(
        parseAddCheckpointRequest(formatAddCheckpointRequest(req)),
        (o) => logs.find((l) => l.origin === o),
        (o) => states.get(o),
        signer,
      );
      if (d.accepted) states.set(d.checkpoint.origin, d.next);
      return d;
    },
  };
}

describe('witness state machine (C2SP tlog-witness)', () => {
  const entries = Array.from({ length: 20 }, (_, i) => `decision ${i}`);
  const tree = treeOf(entries);

  it('cosigns the first checkpoint, then consistent growth, and the cosignature verifies', async () => {
    const w = memoryWitness();
    const first = w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 7) });
    expect(first.accepted).toBe(true);
    const second = w.add({
      oldSize: 7,
      proof: await consistencyProof(tree, 7, 20),
      note: await signedCheckpoint(tree, 20),
    });
    expect(second.accepted).toBe(true);
    if (!second.accepted) return;
    const text = formatCheckpoint(second.checkpoint);
    expect(
      verifiedCosigners(text, [second.cosignature], [cosignatureVerifier(witnessKey.verifierKey)]),
    ).toEqual(['partner.example/witness']);
    expect(w.states.get(ORIGIN)?.size).toBe(20);
  });

  it('refuses a rolled-back checkpoint and says the size it holds', async () => {
    const w = memoryWitness();
    w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 20) });
    const d = w.add({ oldSize: 20, proof: [], note: await signedCheckpoint(tree, 10) });
    expect(d).toMatchObject({ accepted: false, code: 'BAD_REQUEST' });
    const d2 = w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 10) });
    expect(d2).toMatchObject({ accepted: false, code: 'ROLLBACK', latestSize: 20 });
    expect(REFUSAL_STATUS.ROLLBACK).toBe(409);
  });

  it('refuses a rewritten history (inconsistent proof) and a fork at the same size', async () => {
    const w = memoryWitness();
    w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 10) });
    const rewritten = treeOf(entries.map((e, i) => (i === 3 ? 'decision 3 (edited)' : e)));
    const d = w.add({
      oldSize: 10,
      proof: await consistencyProof(rewritten, 10, 20),
      note: await signedCheckpoint(rewritten, 20),
    });
    expect(d).toMatchObject({ accepted: false, code: 'INCONSISTENT' });
    expect((d as { reason: string }).reason).toMatch(/not consistent/);
    const fork = w.add({ oldSize: 10, proof: [], note: await signedCheckpoint(rewritten, 10) });
    expect(fork).toMatchObject({ accepted: false, code: 'FORK' });
    expect(w.states.get(ORIGIN)?.size).toBe(10);
  });

  it('refuses unknown logs, foreign signatures and stale old sizes', async () => {
    const w = memoryWitness();
    const impostor = generateNoteKey(ORIGIN, NOTE_ALG_ED25519);
    expect(
      w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 5, impostor.privateKey) }),
    ).toMatchObject({
      accepted: false,
      code: 'BAD_SIGNATURE',
    });
    const stranger = signNote(
      formatCheckpoint({ origin: 'other.example/log', size: 1, rootHash: Buffer.alloc(32), extensions: [] }),
      [noteSigner(generateNoteKey('other.example/log', NOTE_ALG_ED25519).privateKey)],
    );
    expect(w.add({ oldSize: 0, proof: [], note: stranger })).toMatchObject({
      accepted: false,
      code: 'UNKNOWN_LOG',
    });
    w.add({ oldSize: 0, proof: [], note: await signedCheckpoint(tree, 5) });
    expect(
      w.add({ oldSize: 3, proof: await consistencyProof(tree, 3, 8), note: await signedCheckpoint(tree, 8) }),
    ).toMatchObject({
      accepted: false,
      code: 'OLD_SIZE_MISMATCH',
      latestSize: 5,
    });
  });

  it('parses request bodies strictly', () => {
    expect(() => parseAddCheckpointRequest('old 01\n\nx')).toThrow();
    expect(() => parseAddCheckpointRequest('new 1\n\nx')).toThrow();
    expect(() => parseAddCheckpointRequest(`old 1\n${'AAAA\n'.repeat(64)}\nx`)).toThrow();
    expect(parseAddCheckpointRequest('old 0\n\nnote')).toEqual({ oldSize: 0, proof: [], note: 'note' });
  });
});

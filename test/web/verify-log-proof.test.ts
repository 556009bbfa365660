import { randomBytes, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from '../../src/core/ledger/checkpoint.ts';
import { MemoryTree } from '../../src/core/ledger/memory-tree.ts';
import { hashLeaf } from '../../src/core/ledger/merkle-hash.ts';
import { inclusionProof, treeRoot } from '../../src/core/ledger/merkle-proof.ts';
import { rootFromInclusionProof as coreRoot } from '../../src/core/ledger/proof-verify.ts';
import { commitmentLeaf, recordCommitment } from '../../src/core/ledger/record-commitment.ts';
import {
  generateNoteKey,
  NOTE_ALG_ED25519,
  parseSignerKey,
  signNote,
} from '../../src/core/ledger/signed-note.ts';
import {
  bytesToHex,
  type ProofInput,
  rootFromInclusionProof,
  verifyLogProof,
} from '../../web/src/ledger/verify-log-proof.ts';

/**
 * The workbench's in-browser verifier (WebCrypto) against the server's own ledger code: the same
 * roots for every tree shape, and a real signed checkpoint accepted, every tampering refused.
 */
describe('the browser verification of a decision in the transparency log', () => {
  it('computes the same root as the core for every index of trees of 1..70 leaves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 70 }), fc.nat(), async (size, seed) => {
        const tree = new MemoryTree();
        tree.appendEntries(Array.from({ length: size }, (_, i) => Buffer.from(`leaf ${seed} ${i}`)));
        const index = seed % size;
        const proof = await inclusionProof(tree, index, size);
        const leaf = hashLeaf(Buffer.from(`leaf ${seed} ${index}`));
        const ours = await rootFromInclusionProof(leaf, index, size, proof);
        expect(bytesToHex(ours!)).toBe(coreRoot(leaf, index, size, proof).toString('hex'));
        expect(bytesToHex(ours!)).toBe((await treeRoot(tree, size)).toString('hex'));
        // A proof one hash short or long, or for another index, leads nowhere or elsewhere.
        expect(await rootFromInclusionProof(leaf, index, size, [...proof, proof[0] ?? leaf])).toBeNull();
        if (proof.length > 0)
          expect(await rootFromInclusionProof(leaf, index, size, proof.slice(1))).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  async function signedProof(): Promise<ProofInput> {
    const tree = new MemoryTree();
    const salt = randomBytes(32);
    const content = '{"channel":"red","declarationId":"D-1"}';
    const leaf = Buffer.from(commitmentLeaf(recordCommitment(salt, content)));
    tree.appendEntries([Buffer.from('a'), Buffer.from('b'), leaf, Buffer.from('d'), Buffer.from('e')]);
    const keys = generateNoteKey('log.example/test', NOTE_ALG_ED25519);
    const signer = parseSignerKey(keys.privateKey);
    const note = signNote(
      formatCheckpoint({
        origin: 'log.example/test',
        size: 5,
        rootHash: await treeRoot(tree, 5),
        extensions: [],
      }),
      [{ name: signer.name, keyId: signer.keyId, sign: (text) => sign(null, text, signer.privateKey) }],
    );
    return {
      leaf: leaf.toString('base64'),
      leafHash: hashLeaf(leaf).toString('hex'),
      record: { content, salt: salt.toString('hex') },
      proof: { index: 2, size: 5, hashes: (await inclusionProof(tree, 2, 5)).map((h) => h.toString('hex')) },
      checkpoint: note,
      publicKey: keys.verifierKey,
    };
  }

  it('accepts a real proof with its record, leaf, inclusion and checkpoint signature', async () => {
    const check = await verifyLogProof(await signedProof());
    expect(check.steps).toEqual([
      { step: 'commitment', ok: true },
      { step: 'leaf', ok: true },
      { step: 'inclusion', ok: true },
      { step: 'signature', ok: true },
    ]);
    expect(check.ok).toBe(true);
    expect(check.size).toBe(5);
  });

  it('refuses a changed record, a changed proof hash, another index and another key', async () => {
    const good = await signedProof();
    const other = generateNoteKey('log.example/test', NOTE_ALG_ED25519).verifierKey;
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const cases: ProofInput[] = [
      { ...good, record: { ...good.record!, content: good.record!.content.replace('red', 'green') } },
      {
        ...good,
        proof: { ...good.proof, hashes: [flip(good.proof.hashes[0]!), ...good.proof.hashes.slice(1)] },
      },
      { ...good, proof: { ...good.proof, index: 3 } },
      { ...good, publicKey: other },
      { ...good, checkpoint: good.checkpoint.replace('\n5\n', '\n6\n') },
    ];
    for (const input of cases) expect((await verifyLogProof(input)).ok).toBe(false);
    // Without the record (a role that may not read it) the other steps still prove inclusion.
    const { record: _, ...publicOnly } = good;
    const check = await verifyLogProof(publicOnly);
    expect(check.steps[0]).toEqual({ step: 'commitment', ok: null });
    expect(check.ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { cosignatureTime, cosignatureVerifier, cosigner, verifiedCosigners } from './cosignature.ts';
import {
  generateNoteKey,
  NOTE_ALG_COSIGNATURE_V1,
  NOTE_ALG_ED25519,
  noteSigner,
  noteVerifier,
  openNote,
  signatureLine,
  signNote,
} from './signed-note.ts';

// The example of golang.org/x/mod/sumdb/note (the reference implementation of C2SP signed-note).
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (C2SP signed-note)', () => {
  it('signs the reference example byte for byte and verifies it', () => {
    expect(signNote(TEXT, [noteSigner(SKEY)])).toBe(SIGNED);
    const opened = openNote(SIGNED, [noteVerifier(VKEY)]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
  });

  it('rejects a changed text, a changed signature and notes without a trusted signature', () => {
    const v = [noteVerifier(VKEY)];
    expect(() => openNote(SIGNED.replace('problem,', 'problem;'), v)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
    expect(() => openNote(SIGNED.replace('x08go', 'x08gp'), v)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
    const other = generateNoteKey('someone.example/log', NOTE_ALG_ED25519);
    expect(() => openNote(SIGNED, [noteVerifier(other.verifierKey)])).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
  });

  it('parses defensively', () => {
    const v = [noteVerifier(VKEY)];
    for (const bad of [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\nno dash\n`,
      `${TEXT}\n— PeterNeumann !!!\n`,
      `a\u0000\n\n${SIGNED.slice(TEXT.length + 1)}`,
    ]) {
      expect(() => openNote(bad, v)).toThrow(expect.objectContaining({ code: 'MALFORMED_NOTE' }));
    }
    expect(() => noteVerifier(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_KEY' }),
    );
    expect(() => noteVerifier('a+b+c+d')).toThrow(expect.objectContaining({ code: 'MALFORMED_KEY' }));
    expect(() => generateNoteKey('has space', NOTE_ALG_ED25519)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_KEY' }),
    );
  });

  it('generated keys round-trip', () => {
    const k = generateNoteKey('greenlane.example/log', NOTE_ALG_ED25519);
    const note = signNote('hello\n', [noteSigner(k.privateKey)]);
    expect(openNote(note, [noteVerifier(k.verifierKey)]).text).toBe('hello\n');
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const cp: Checkpoint = {
    origin: 'example.com/behind-the-sofa',
    size: 20852163,
    rootHash: Buffer.alloc(32, 7),
    extensions: [],
  };

  it('formats and parses the three lines', () => {
    const text = formatCheckpoint(cp);
    expect(text).toBe(`example.com/behind-the-sofa\n20852163\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual(cp);
  });

  it('rejects non-canonical checkpoints', () => {
    const root = Buffer.alloc(32, 7).toString('base64');
    for (const bad of [
      `o\n01\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n1\n${root}`,
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`,
      `o\n1\n${root.slice(0, -1)}\n`,
      `\n1\n${root}\n`,
      `o\n1\n${root}\n\n`,
      `o\n99999999999999999\n${root}\n`,
    ]) {
      expect(() => parseCheckpoint(bad)).toThrow(expect.objectContaining({ code: 'MALFORMED_CHECKPOINT' }));
    }
  });
});

describe('cosignatures (C2SP tlog-cosignature)', () => {
  const witness = generateNoteKey('witness.example/w1', NOTE_ALG_COSIGNATURE_V1);
  const text = formatCheckpoint({
    origin: 'o.example/log',
    size: 5,
    rootHash: Buffer.alloc(32, 1),
    extensions: [],
  });

  it('signs cosignature/v1 with a timestamp and verifies it', () => {
    const line = signatureLine(
      text,
      cosigner(witness.privateKey, () => 1679315147),
    );
    const opened = openNote(`${text}\n${line}`, [cosignatureVerifier(witness.verifierKey)]);
    expect(cosignatureTime(opened.verified[0]!.signature)).toBe(1679315147);
    expect(verifiedCosigners(text, [line], [cosignatureVerifier(witness.verifierKey)])).toEqual([
      'witness.example/w1',
    ]);
  });

  it('does not count cosignatures over another checkpoint, from unknown keys or malformed lines', () => {
    const line = signatureLine(
      text,
      cosigner(witness.privateKey, () => 1679315147),
    );
    const other = formatCheckpoint({
      origin: 'o.example/log',
      size: 6,
      rootHash: Buffer.alloc(32, 1),
      extensions: [],
    });
    const stranger = generateNoteKey('witness.example/w2', NOTE_ALG_COSIGNATURE_V1);
    const v = [cosignatureVerifier(witness.verifierKey)];
    expect(verifiedCosigners(other, [line], v)).toEqual([]);
    expect(
      verifiedCosigners(
        text,
        [
          signatureLine(
            text,
            cosigner(stranger.privateKey, () => 1679315147),
          ),
        ],
        v,
      ),
    ).toEqual([]);
    expect(verifiedCosigners(text, ['garbage'], v)).toEqual([]);
  });

  it('keeps log keys and cosigner keys apart', () => {
    expect(() => cosigner(SKEY, () => 1679315147)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_KEY' }),
    );
    expect(() => noteSigner(witness.privateKey)).toThrow(expect.objectContaining({ code: 'MALFORMED_KEY' }));
  });
});

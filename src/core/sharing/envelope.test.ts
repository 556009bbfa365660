import { describe, expect, it } from 'vitest';
import { checkRecordAgainstLeaf } from '../ledger/record-commitment.ts';
import { FederationEnvelopeSchema, type SharedItem, sealEnvelope, sharedItemLogEntry } from './envelope.ts';
import { SharingError } from './sharing-error.ts';

const item: SharedItem = {
  itemId: 'a.example:item-1',
  sender: 'a.example',
  kind: 'alert',
  seq: 1,
  handling: 'AMBER',
  originator: 'a.example',
  body: { b: 1, a: [true, null] },
};
const salt = Buffer.alloc(32, 7);
const position = { logIndex: 0, inclusionProof: [], checkpoint: 'a.example\n1\n...\n' };

describe('the log entry of a shared item', () => {
  it('is a salted commitment an auditor with the item and the salt can check, and nobody else', () => {
    const entry = sharedItemLogEntry(item, salt).toString('utf8');
    expect(entry).toMatch(/^\{"commitment":"[0-9a-f]{64}"\}$/);
    expect(entry).not.toContain('a.example');
    const content =
      '{"body":{"a":[true,null],"b":1},"handling":"AMBER","itemId":"a.example:item-1","kind":"alert","originator":"a.example","sender":"a.example","seq":1}';
    expect(checkRecordAgainstLeaf(entry, content, salt.toString('hex'))).toEqual({ ok: true });
  });

  it('changes with any field of the item and with the salt', () => {
    const base = sharedItemLogEntry(item, salt).toString();
    for (const changed of [
      { ...item, seq: 2 },
      { ...item, handling: 'RED' as const },
      { ...item, originator: 'c.example' },
      { ...item, body: { b: 2, a: [true, null] } },
    ]) {
      expect(sharedItemLogEntry(changed, salt).toString()).not.toBe(base);
    }
    expect(sharedItemLogEntry(item, Buffer.alloc(32, 8)).toString()).not.toBe(base);
    // Key order does not matter: the commitment is over canonical JSON (RFC 8785).
    expect(sharedItemLogEntry({ ...item, body: { a: [true, null], b: 1 } }, salt).toString()).toBe(base);
  });
});

describe('sealEnvelope', () => {
  it('produces a valid envelope with base64 proofs', () => {
    const envelope = sealEnvelope(item, salt, {
      ...position,
      inclusionProof: [Buffer.alloc(32, 1)],
      consistencyProof: { fromSize: 1, hashes: [Buffer.alloc(32, 2)] },
    });
    expect(FederationEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelope.inclusionProof).toEqual([Buffer.alloc(32, 1).toString('base64')]);
    expect(envelope.salt).toBe('07'.repeat(32));
    expect(envelope.logKey).toBeUndefined();
    const keyed = sealEnvelope(item, salt, { ...position, logKey: 'a.example+01234567+AQID' });
    expect(keyed.logKey).toBe('a.example+01234567+AQID');
  });

  it('refuses a short salt, a bad proof hash and an invalid item', () => {
    expect(() => sealEnvelope(item, Buffer.alloc(16), position)).toThrow(SharingError);
    expect(() => sealEnvelope(item, salt, { ...position, inclusionProof: [Buffer.alloc(31)] })).toThrow(
      '/inclusionProof/0: must be a base64 SHA-256 hash',
    );
    expect(() => sealEnvelope({ ...item, sender: 'A Example' }, salt, position)).toThrow('/sender');
  });
});

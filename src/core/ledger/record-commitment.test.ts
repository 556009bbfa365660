import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import {
  checkRecordAgainstLeaf,
  commitmentLeaf,
  parseCommitmentLeaf,
  recordCommitment,
} from './record-commitment.ts';

const record = canonicalJson({ type: 'decision', declarationId: 'D-1', channel: 'red', signals: ['S1'] });

describe('record commitments', () => {
  const salt = randomBytes(32);
  const leaf = commitmentLeaf(recordCommitment(salt, record));

  it('the public leaf holds no trade data, only a 32-byte commitment', () => {
    expect(leaf).toMatch(/^\{"commitment":"[0-9a-f]{64}"\}$/);
    expect(leaf).not.toContain('D-1');
    expect(parseCommitmentLeaf(leaf)).toEqual(recordCommitment(salt, record));
    expect(parseCommitmentLeaf('{"type":"decision"}')).toBeUndefined();
  });

  it('the same record under another salt gives another leaf (a guess cannot be tested)', () => {
    expect(commitmentLeaf(recordCommitment(randomBytes(32), record))).not.toBe(leaf);
  });

  it('an auditor with record and salt checks it against the leaf', () => {
    expect(checkRecordAgainstLeaf(leaf, record, salt.toString('hex'))).toEqual({ ok: true });
  });

  it('a tampered record, a wrong salt, a non-canonical record or a plain leaf fail, saying why', () => {
    const tampered = record.replace('"red"', '"green"');
    expect(checkRecordAgainstLeaf(leaf, tampered, salt.toString('hex'))).toMatchObject({
      ok: false,
      reason: 'MISMATCH',
    });
    const other = Buffer.from(salt);
    other[0]! ^= 1;
    expect(checkRecordAgainstLeaf(leaf, record, other.toString('hex'))).toMatchObject({ reason: 'MISMATCH' });
    expect(checkRecordAgainstLeaf(leaf, record, 'zz')).toMatchObject({ reason: 'BAD_SALT' });
    expect(checkRecordAgainstLeaf(leaf, ' {}', salt.toString('hex'))).toMatchObject({
      reason: 'NOT_CANONICAL',
    });
    expect(checkRecordAgainstLeaf(record, record, salt.toString('hex'))).toMatchObject({
      reason: 'NOT_A_COMMITMENT',
    });
  });

  it('refuses a salt of the wrong length', () => {
    expect(() => recordCommitment(Buffer.alloc(16), record)).toThrow(/32 bytes/);
  });
});

import { describe, expect, it } from 'vitest';
import { DecisionError } from './decision/decision-error.ts';
import { GreenlaneError } from './error.ts';
import { LedgerError } from './ledger/ledger-error.ts';
import { RulesError } from './rules/rules-error.ts';

describe('GreenlaneError', () => {
  it('carries a code, a plain message, details and the cause', () => {
    const cause = new Error('disk full');
    const details = [{ path: '/items/0/netMass', code: 'type', message: 'must be a number' }];
    const err = new GreenlaneError('INVALID_INPUT', 'the record is not valid', { details, cause });
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.code, err.message, err.details, err.cause]).toEqual([
      'GreenlaneError',
      'INVALID_INPUT',
      'the record is not valid',
      details,
      cause,
    ]);
  });

  it('has no cause or details property unless given, as Error', () => {
    const err = new GreenlaneError('X', 'm');
    expect('cause' in err).toBe(false);
    expect('details' in err).toBe(false);
    expect('cause' in new GreenlaneError('X', 'm', { cause: undefined })).toBe(true);
  });

  it('is the base of the core error types, which keep their names and codes', () => {
    const cause = new Error('origin');
    for (const [err, name, code] of [
      [new LedgerError('SIGNATURE_INVALID', 'bad', { cause }), 'LedgerError', 'SIGNATURE_INVALID'],
      [new DecisionError('INVALID_POLICY', 'bad', { cause }), 'DecisionError', 'INVALID_POLICY'],
      [new RulesError('REFERENCE_MISMATCH', 'bad', { cause }), 'RulesError', 'REFERENCE_MISMATCH'],
    ] as const) {
      expect(err).toBeInstanceOf(GreenlaneError);
      expect([err.name, err.code, err.message, err.cause]).toEqual([name, code, 'bad', cause]);
      expect(String(err)).toBe(`${name}: bad`);
    }
  });
});

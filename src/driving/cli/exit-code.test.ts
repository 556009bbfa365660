import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { GreenlaneError } from '../../core/error.ts';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { StoreError } from '../../driven/database/store-error.ts';
import { ModelRegistryError } from '../../driven/model/model-registry.ts';
import { errorText, exitCodeOf } from './exit-code.ts';
import { UsageError } from './usage-error.ts';

describe('CLI exit codes', () => {
  it.each<[string, unknown, number]>([
    ['a usage error', new UsageError('--limit must be a positive integer'), 2],
    ['any coded error with the USAGE code', new GreenlaneError('USAGE', 'bad flag'), 2],
    ['commander help or version', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 0],
    [
      'a commander usage problem',
      new CommanderError(1, 'commander.unknownOption', "unknown option '--x'"),
      2,
    ],
    ['a store error', new StoreError('NOT_FOUND', 'declaration D1 does not exist'), 1],
    ['a ledger error', new LedgerError('SIGNATURE_INVALID', 'bad signature'), 1],
    ['a model registry error', new ModelRegistryError('NO_ACTIVE_MODEL', 'no active model'), 1],
    ['an unexpected error', new TypeError('x is undefined'), 1],
    ['a thrown string', 'boom', 1],
  ])('%s exits with %i', (_, err, code) => {
    expect(exitCodeOf(err)).toBe(code);
  });

  it('prints the message, each detail, and the stack only when debugging a fatal error', () => {
    const err = new GreenlaneError('INVALID_INPUT', 'the file has 2 problems', {
      details: [
        { path: '/items/0/netMass', code: 'type', message: 'must be a number' },
        { path: '/currency', code: 'unknown', message: 'unknown currency "XXX"' },
      ],
    });
    expect(errorText(err)).toBe(
      'greenlane: the file has 2 problems\n  /items/0/netMass: must be a number\n  /currency: unknown currency "XXX"\n',
    );
    expect(errorText(err, true)).toContain(err.stack!);
    expect(errorText(new UsageError('bad flag'), true)).toBe('greenlane: bad flag\n');
    expect(errorText(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe('');
    expect(errorText('boom')).toBe('greenlane: boom\n');
  });
});

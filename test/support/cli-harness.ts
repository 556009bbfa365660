import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import type { DialectName } from '../../src/driven/database/database.ts';
import type { CliContext } from '../../src/driving/cli/cli-context.ts';
import { main } from '../../src/driving/cli/main.ts';
import { createTestDatabase } from './databases.ts';

export interface CliHarness {
  /** A fresh temporary directory per test. */
  work: string;
  /**
   * A fresh database URL per test for `--db`: a SQLite file in `work`, or a PostgreSQL schema
   * inside a `describe` that called {@link useCliDatabase}.
   */
  db: string;
  /** What the command wrote to stdout / stderr during the current test. */
  stdout: string;
  stderr: string;
  /** Runs `greenlane ...args` in-process and returns its exit code. */
  run(...args: string[]): Promise<number>;
}

/**
 * Runs `greenlane` commands in the test process (no child process, so fast) with stdout and
 * stderr captured and a temporary directory per test. Call at the top of a test file; `context`
 * is what the commands run with (e.g. a recording outbox as `sharing`).
 */
export function useCliHarness(prefix: string, context: CliContext = {}): CliHarness {
  const harness: CliHarness = {
    work: '',
    db: '',
    stdout: '',
    stderr: '',
    async run(...args) {
      process.exitCode = undefined;
      await main(['node', 'greenlane', ...args], context);
      return Number(process.exitCode ?? 0);
    },
  };
  beforeEach(() => {
    harness.work = mkdtempSync(join(tmpdir(), prefix));
    harness.db = `sqlite:${join(harness.work, 'g.db')}`;
    harness.stdout = '';
    harness.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      harness.stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      harness.stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    rmSync(harness.work, { recursive: true, force: true });
  });
  return harness;
}

/**
 * Gives each test of the enclosing `describe` a fresh database of `dialect` as `harness.db`, so
 * the commands run on SQLite and PostgreSQL alike:
 *
 * @example
 * const cli = useCliHarness('greenlane-cli-keys-');
 * for (const dialect of DIALECTS) describe(`greenlane keys (${dialect})`, () => {
 *   useCliDatabase(cli, dialect);
 *   it('...', async () => expect(await cli.run('keys', 'list', '--db', cli.db)).toBe(0));
 * });
 */
export function useCliDatabase(harness: CliHarness, dialect: DialectName): void {
  beforeEach(async () => {
    // SQLite keeps the file in `work` (removed with it); a PostgreSQL schema is dropped at the next run.
    if (dialect === 'postgres') harness.db = (await createTestDatabase(dialect)).url;
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/driving/cli/main.ts';

export interface CliHarness {
  /** A fresh temporary directory per test. */
  work: string;
  /** What the command wrote to stdout / stderr during the current test. */
  stdout: string;
  stderr: string;
  /** Runs `greenlane ...args` in-process and returns its exit code. */
  run(...args: string[]): Promise<number>;
}

/**
 * Runs `greenlane` commands in the test process (no child process, so fast) with stdout and
 * stderr captured and a temporary directory per test. Call at the top of a test file.
 */
export function useCliHarness(prefix: string): CliHarness {
  const harness: CliHarness = {
    work: '',
    stdout: '',
    stderr: '',
    async run(...args) {
      process.exitCode = undefined;
      await main(['node', 'greenlane', ...args]);
      return Number(process.exitCode ?? 0);
    },
  };
  beforeEach(() => {
    harness.work = mkdtempSync(join(tmpdir(), prefix));
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

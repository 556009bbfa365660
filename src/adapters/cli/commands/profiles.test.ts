import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';

let work: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'greenlane-cli-profiles-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(work, { recursive: true, force: true });
});

async function greenlane(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  await main(['node', 'greenlane', ...args]);
  return Number(process.exitCode ?? 0);
}

const profile = (criteria: string) => `id: CHECK-ME
version: 1
title: Check me
reason: A reason.
instructions: Look.
weight: 10
criteria:
${criteria}
`;

describe('greenlane profiles check', () => {
  it('passes the shipped starter set', async () => {
    expect(await greenlane('profiles', 'check', '--strict')).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    expect(report.profiles.length).toBeGreaterThanOrEqual(8);
    expect(report.profiles[0]).toMatchObject({
      version: 1,
      enabled: true,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(stderr).toMatch(/^\d+ profile\(s\) loaded, 0 problem\(s\)\n$/);
  });

  it('reports schema errors with file and line, and lint findings, to stderr and in the JSON report', async () => {
    writeFileSync(join(work, 'bad.yaml'), profile('  hsPrefix: ["30.02"]'));
    writeFileSync(
      join(work, 'typo.yaml'),
      profile('  regulatoryConcern:\n    concern: [ozone_depletion]').replace('CHECK-ME', 'TYPO-ME'),
    );
    const out = join(work, 'report.json');
    expect(await greenlane('profiles', 'check', work, '--out', out)).toBe(0);
    expect(stderr).toContain('bad.yaml:8 /criteria/hsPrefix/0: must be 2 to 10 digits without dots');
    expect(stderr).toContain(
      'typo.yaml /criteria/regulatoryConcern/concern/0: unknown concern "ozone_depletion"',
    );
    expect(stderr).toContain('1 profile(s) loaded, 2 problem(s)');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.ok).toBe(false);
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual(['INVALID_PROFILE', 'NEVER_MATCHES']);
    expect(stdout).toBe('');
    expect(await greenlane('profiles', 'check', work, '--strict')).toBe(1);
  });

  it('has help', async () => {
    expect(await greenlane('profiles', 'check', '--help')).toBe(0);
    expect(stdout).toContain('--strict');
  });
});

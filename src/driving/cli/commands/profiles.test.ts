import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { DeclarationStore } from '../../../driven/store/declaration-store.ts';

const cli = useCliHarness('greenlane-cli-profiles-');
const greenlane = cli.run;

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
    const report = JSON.parse(cli.stdout);
    expect(report.ok).toBe(true);
    expect(report.profiles.length).toBeGreaterThanOrEqual(8);
    expect(report.profiles[0]).toMatchObject({
      version: 1,
      enabled: true,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(cli.stderr).toMatch(/^\d+ profile\(s\) loaded, 0 problem\(s\)\n$/);
  });

  it('reports schema errors with file and line, and lint findings, to cli.stderr and in the JSON report', async () => {
    writeFileSync(join(cli.work, 'bad.yaml'), profile('  hsPrefix: ["30.02"]'));
    writeFileSync(
      join(cli.work, 'typo.yaml'),
      profile('  regulatoryConcern:\n    concern: [ozone_depletion]').replace('CHECK-ME', 'TYPO-ME'),
    );
    const out = join(cli.work, 'report.json');
    expect(await greenlane('profiles', 'check', cli.work, '--out', out)).toBe(0);
    expect(cli.stderr).toContain('bad.yaml:8 /criteria/hsPrefix/0: must be 2 to 10 digits without dots');
    expect(cli.stderr).toContain(
      'typo.yaml /criteria/regulatoryConcern/concern/0: unknown concern "ozone_depletion"',
    );
    expect(cli.stderr).toContain('1 profile(s) loaded, 2 problem(s)');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.ok).toBe(false);
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual(['INVALID_PROFILE', 'NEVER_MATCHES']);
    expect(cli.stdout).toBe('');
    expect(await greenlane('profiles', 'check', cli.work, '--strict')).toBe(1);
  });

  it('has help', async () => {
    expect(await greenlane('profiles', 'check', '--help')).toBe(0);
    expect(cli.stdout).toContain('--strict');
  });
});

for (const dialect of DIALECTS) {
  describe(`greenlane profiles load (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    it("stores the files as one administration's profiles and leaves the others' alone", async () => {
      const db = cli.db;
      const conn = openDatabase(db);
      await migrateToLatest(conn);
      const store = new DeclarationStore(conn);
      for (const admin of ['XA', 'XB']) await store.ensureAdministration(admin, admin);
      const dir = join(cli.work, 'profiles');
      mkdirSync(dir);
      writeFileSync(join(dir, 'p.yaml'), profile('  hsPrefix: ["30"]'));
      try {
        expect(await greenlane('profiles', 'load', dir, '--administration', 'XA', '--db', db)).toBe(0);
        expect(JSON.parse(cli.stdout)).toEqual({ id: 'CHECK-ME', status: 'created', version: 1 });
        expect(cli.stderr).toContain('1 profile(s) for XA, 1 changed');
        expect((await store.activeProfiles('XA')).map((p) => p.id)).toEqual(['CHECK-ME']);
        expect(await store.activeProfiles('XB')).toEqual([]);
        expect(await greenlane('profiles', 'load', dir, '--administration', 'NOBODY', '--db', db)).toBe(2);
        expect(cli.stderr).toContain('administration "NOBODY" does not exist');
      } finally {
        await conn.close();
      }
    });
  });
}

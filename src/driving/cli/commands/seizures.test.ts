import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { GlobalSeizureReportSchema } from '../../../core/sharing/release-policy.ts';
import { makeSeizure } from '../../../core/sharing/test-fixtures.ts';
import { PERSONAL_DATA_READ } from '../../../driven/store/seizure-repository.ts';
import { installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';

const cli = useCliHarness('greenlane-cli-seizures-');
const savedHome = process.env.GREENLANE_HOME;
beforeEach(() => {
  process.env.GREENLANE_HOME = join(cli.work, 'home');
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = savedHome;
});

/** Writes a seizure report file (no administration: the command's --administration says it). */
function reportFile(name: string, overrides: Record<string, unknown> = {}): string {
  const { administration: _, declarationId: __, ...report } = makeSeizure();
  const file = join(cli.work, name);
  writeFileSync(file, JSON.stringify({ ...report, ...overrides }));
  return file;
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

for (const dialect of DIALECTS) {
  describe(`greenlane seizures (${dialect})`, () => {
    useCliDatabase(cli, dialect);

    it('adds a seizure to the log and exports the global form, or the national form as a logged read', async () => {
      const as = ['--administration', 'NL', '--db', cli.db];
      expect(await cli.run('seizures', 'add', reportFile('s.json'), ...as)).toBe(0);
      const added = JSON.parse(cli.stdout);
      expect(added).toMatchObject({ id: 'NL-2026-0001', administration: 'NL', category: 'drugs' });
      expect(added.logIndex).toEqual(expect.any(Number));

      cli.stdout = '';
      expect(await cli.run('seizures', 'add', reportFile('s.json'), ...as)).toBe(2);
      expect(cli.stderr).toContain('already recorded');
      expect(
        await cli.run('seizures', 'add', reportFile('bad.json', { id: 'X-2', category: 'gold' }), ...as),
      ).toBe(2);
      expect(cli.stderr).toContain('/category');

      cli.stdout = '';
      expect(await cli.run('seizures', 'export', ...as)).toBe(0);
      const global = lines(cli.stdout);
      expect(global).toHaveLength(1);
      expect(GlobalSeizureReportSchema.safeParse(global[0]).success).toBe(true);
      expect(cli.stdout).not.toContain('Jan de Vries');

      cli.stdout = '';
      expect(await cli.run('seizures', 'export', '--form', 'national', '--actor', 'auditor-7', ...as)).toBe(
        0,
      );
      expect(lines(cli.stdout)[0]).toMatchObject({ persons: [{ name: 'Jan de Vries' }] });
      const reads = await withInstallation(installationConfig(cli.db), { log: false }, async (inst) =>
        (await inst.store.auditTrail('NL', { limit: 100 })).filter((e) => e.action === PERSONAL_DATA_READ),
      );
      expect(reads.map((r) => [r.actor, r.subject, r.details.via])).toEqual([
        ['auditor-7', 'seizure/NL-2026-0001', 'greenlane seizures export'],
      ]);

      cli.stdout = '';
      expect(await cli.run('seizures', 'export', '--administration', 'BE', '--db', cli.db)).toBe(0);
      expect(cli.stdout).toBe('');
      expect(await cli.run('seizures', 'export', '--form', 'cen', ...as)).toBe(2);
    });
  });
}

describe('greenlane seizures without --db', () => {
  it('keeps its database under GREENLANE_HOME', async () => {
    expect(await cli.run('seizures', 'add', reportFile('s.json'))).toBe(0);
    expect(existsSync(join(cli.work, 'home'))).toBe(true);
    cli.stdout = '';
    expect(await cli.run('seizures', 'export')).toBe(0);
    expect(lines(cli.stdout).map((s) => s.id)).toEqual(['NL-2026-0001']);
  });
});

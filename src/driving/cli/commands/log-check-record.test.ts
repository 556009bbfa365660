import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';

const cli = useCliHarness('greenlane-log-cli-');
const savedHome = process.env.GREENLANE_HOME;
beforeEach(() => {
  process.env.GREENLANE_HOME = join(cli.work, 'home');
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = savedHome;
});

for (const dialect of DIALECTS) {
  describe(`greenlane log check-record (auditor) and verify with records (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    it('an auditor checks the record and salt against the public leaf; a tampered record fails', async () => {
      const db = cli.db;
      await withInstallation(installationConfig(db), { log: true }, (inst) =>
        inst.logRecords([
          {
            kind: 'list-version',
            recordId: 'un:1',
            administration: null,
            content: { type: 'list-version', list: 'un', entities: 1002 },
          },
        ]),
      );
      expect(await cli.run('log', 'entry', '0', '--db', db)).toBe(0);
      const served = JSON.parse(cli.stdout) as { entry: string; record: { content: string; salt: string } };
      expect(JSON.parse(served.record.content)).toMatchObject({ list: 'un', entities: 1002 });

      const file = join(cli.work, 'record.json');
      writeFileSync(file, JSON.stringify(served));
      cli.stdout = '';
      expect(await cli.run('log', 'check-record', file)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({ ok: true });

      const tampered = {
        ...served,
        record: { ...served.record, content: served.record.content.replace('1002', '1001') },
      };
      writeFileSync(file, JSON.stringify(tampered));
      cli.stdout = '';
      expect(await cli.run('log', 'check-record', file)).toBe(1);
      expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, reason: 'MISMATCH' });
      expect(cli.stderr).toContain('record does NOT match the leaf');

      cli.stderr = '';
      expect(await cli.run('log', 'verify', '--db', db)).toBe(0);
      expect(cli.stderr).toContain('1 records, none missing');
    });
  });
}

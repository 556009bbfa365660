import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';

const cli = useCliHarness('greenlane-cli-permits-');

const licence = (number: string, patch: Record<string, unknown> = {}) => ({
  kind: 'ods-licence',
  number,
  direction: 'import',
  trader: 'TR-1',
  issuingCountry: 'NL',
  substance: 'HCFC-22',
  year: 2026,
  quantity: 2000,
  unit: 'kg',
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2026-12-31T00:00:00Z',
  ...patch,
});

function file(name: string, lines: unknown[]): string {
  const path = join(cli.work, name);
  writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return path;
}

for (const dialect of DIALECTS) {
  describe(`greenlane permits (${dialect})`, () => {
    useCliDatabase(cli, dialect);

    it('loads an NDJSON file and shows a document with its balance; a bad file loads nothing and names record and field', async () => {
      const as = ['--administration', 'NL', '--db', cli.db];
      const bad = file('bad.ndjson', [licence('LIC-9'), licence('LIC-8', { quantity: -1 }), '{not json']);
      expect(await cli.run('permits', 'load', bad, ...as)).toBe(2);
      expect(cli.stderr).toContain('record 2/quantity');
      expect(cli.stderr).toContain('record 3');
      expect(await cli.run('permits', 'show', 'LIC-9', ...as)).toBe(1);
      expect(cli.stderr).toContain('LIC-9 is not in the register');

      const good = file('good.ndjson', [
        licence('LIC-1'),
        { kind: 'quota', trader: 'TR-1', year: 2026, control: 'ods', odpTonnes: 1 },
      ]);
      expect(await cli.run('permits', 'load', good, ...as)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({ documents: 1, quotas: 1, unchanged: 0 });
      cli.stdout = '';
      expect(await cli.run('permits', 'show', 'LIC-1', ...as)).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        number: 'LIC-1',
        subject: 'HCFC-22',
        balance: 2000,
        odp: 0.055,
        gwp: 1810,
      });
      cli.stdout = '';
      expect(await cli.run('permits', 'report', 'imports', '--year', '2026', ...as)).toBe(0);
      expect(cli.stdout).toBe('year,substance,control,metricTonnes,odpTonnes,co2eqTonnes,releases\r\n');
      cli.stdout = '';
      expect(
        await cli.run(
          'permits',
          'report',
          'quota',
          '--year',
          '2026',
          '--trader',
          'TR-1',
          '--format',
          'ndjson',
          ...as,
        ),
      ).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        trader: 'TR-1',
        substance: null,
        quotaOdpTonnesLeft: 1,
      });
    });
  });
}

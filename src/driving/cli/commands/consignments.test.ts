import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliHarness } from '../../../../test/support/cli-harness.ts';
import { sampleConsignment } from '../../../../test/support/consignment-fixture.ts';

const cli = useCliHarness('greenlane-consignments-');

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('greenlane consignments assess', () => {
  it('writes one line per record to --out, a reject naming the field, and a summary', async () => {
    const file = join(cli.work, 'parcels.ndjson');
    const out = join(cli.work, 'lanes.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify(sampleConsignment({ id: 'P1' })),
        JSON.stringify({ ...sampleConsignment({ id: 'P2' }), currency: 'EURO' }),
        '{"id": "P3", ',
        JSON.stringify(sampleConsignment({ id: 'P4' })),
      ].join('\n'),
    );
    expect(await cli.run('consignments', 'assess', file, '--no-screening', '--no-model', '--out', out)).toBe(
      0,
    );
    expect(cli.stdout).toBe('');
    const result = lines(readFileSync(out, 'utf8'));
    expect(result.map((l) => (l.rejected ? `rejected ${l.record}` : l.consignmentId))).toEqual([
      'P1',
      'rejected 2',
      'rejected 3',
      'P4',
    ]);
    expect(result[0]!.lane).toBe('release');
    const currency = (result[1]!.errors as Array<{ path: string }>).map((e) => e.path);
    expect(currency).toContain('/currency');
    expect(cli.stderr).toMatch(/assessed 4 consignment record\(s\).*release 2.* 2 rejected/);
  });

  it('is a usage error (exit 2) naming a file it cannot read', async () => {
    expect(await cli.run('consignments', 'assess', join(cli.work, 'missing.ndjson'))).toBe(2);
    expect(cli.stderr).toContain('missing.ndjson');
  });
});

import { describe, expect, it } from 'vitest';
import { useCliHarness } from '../../../../test/support/cli-harness.ts';

const cli = useCliHarness('greenlane-cli-substances-');
/** The last line printed (stdout accumulates over a test). */
const last = () => JSON.parse(cli.stdout.trim().split('\n').at(-1) ?? '');

describe('greenlane substances show', () => {
  it('prints {"name","annex","group","odp","gwp"} for a substance, a common name and a blend', async () => {
    expect(await cli.run('substances', 'show', 'Halon 1301')).toBe(0);
    expect(last()).toEqual({
      name: 'Halon-1301',
      annex: 'A',
      group: 'II',
      odp: 10,
      gwp: null,
    });
    expect(await cli.run('substances', 'show', 'r 22')).toBe(0);
    expect(last()).toEqual({
      name: 'HCFC-22',
      annex: 'C',
      group: 'I',
      odp: 0.055,
      gwp: 1810,
    });
    expect(await cli.run('substances', 'show', 'R-410A')).toBe(0);
    expect(Object.keys(last())).toEqual(['name', 'annex', 'group', 'odp', 'gwp']);
  });

  it('exits 1 with the reason and near names for an unknown name', async () => {
    expect(await cli.run('substances', 'show', 'HFC-134x')).toBe(1);
    expect(cli.stderr).toContain('"HFC-134x" is not a Montreal Protocol controlled substance');
    expect(cli.stderr).toContain('HFC-134a');
    expect(cli.stdout).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { useCliHarness } from '../../../../test/support/cli-harness.ts';

const cli = useCliHarness('greenlane-cli-gs1-');

describe('greenlane gs1 parse', () => {
  it('prints the fields present and exits 0 for every form', async () => {
    const forms = [
      '(01)09506000134352(17)270600(10)A1B2(21)XYZ',
      ']d2010950600013435217270600' + '10A1B2\u001d21XYZ',
      ']d2010950600013435217270600' + '10A1B2\\x1d21XYZ',
      'https://example.com/x/01/09506000134352/10/A1B2/21/XYZ?17=270600',
    ];
    for (const text of forms) {
      cli.stdout = '';
      expect(await cli.run('gs1', 'parse', text)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({
        gtin: '09506000134352',
        lot: 'A1B2',
        expiry: '2027-06-30',
        serial: 'XYZ',
      });
    }
    cli.stdout = '';
    expect(await cli.run('gs1', 'parse', '(01)09506000134352')).toBe(0);
    expect(cli.stdout).toBe('{"gtin":"09506000134352"}\n');
  });

  it('prints the reason and exits 1 for a malformed code', async () => {
    expect(await cli.run('gs1', 'parse', '(01)09506000134353(10)A')).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('AI (01) GTIN "09506000134353" has check digit 3, expected 2');
  });
});

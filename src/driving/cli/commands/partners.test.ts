import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';

const cli = useCliHarness('greenlane-cli-partners-');
const KEY = Buffer.alloc(32, 9).toString('base64');

for (const dialect of DIALECTS) {
  describe(`greenlane identity and partners (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    beforeEach(() => {
      vi.stubEnv('GREENLANE_HOME', cli.work);
      vi.stubEnv('GREENLANE_NAME', '');
      vi.stubEnv('GREENLANE_PUBLIC_URL', '');
    });
    afterEach(() => vi.unstubAllEnvs());

    it('prints a stable identity: exactly name, publicKey and url', async () => {
      expect(await cli.run('identity', '--db', cli.db)).toBe(0);
      const first = JSON.parse(cli.stdout);
      expect(Object.keys(first)).toEqual(['name', 'publicKey', 'url']);
      expect(first.name).toMatch(/^greenlane-[0-9a-f]{12}$/);
      expect(Buffer.from(first.publicKey, 'base64')).toHaveLength(32);
      cli.stdout = '';
      vi.stubEnv('GREENLANE_PUBLIC_URL', 'https://customs.example/');
      expect(await cli.run('identity', '--db', cli.db)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({ ...first, url: 'https://customs.example' });
    });

    it('remembers the name GREENLANE_NAME gave, so later commands without it share under the same name', async () => {
      vi.stubEnv('GREENLANE_NAME', 'a.example');
      expect(await cli.run('identity', '--db', cli.db)).toBe(0);
      const named = JSON.parse(cli.stdout);
      expect(named.name).toBe('a.example');
      cli.stdout = '';
      vi.stubEnv('GREENLANE_NAME', '');
      expect(await cli.run('identity', '--db', cli.db)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual(named);
      cli.stdout = '';
      vi.stubEnv('GREENLANE_NAME', 'Not A Name');
      expect(await cli.run('identity', '--db', cli.db)).toBe(2);
      expect(cli.stderr).toContain('GREENLANE_NAME "Not A Name"');
    });

    it('refuses to add this installation as its own partner, by name or by key', async () => {
      vi.stubEnv('GREENLANE_NAME', 'a.example');
      expect(await cli.run('identity', '--db', cli.db)).toBe(0);
      const self = JSON.parse(cli.stdout) as { name: string; publicKey: string };
      const add = (name: string, key: string) =>
        cli.run(
          'partners',
          'add',
          '--name',
          name,
          '--url',
          'https://x.example',
          '--public-key',
          key,
          '--db',
          cli.db,
        );
      expect(await add('a.example', KEY)).toBe(2);
      expect(cli.stderr).toContain("/name: a.example is this installation's own name");
      expect(await add('b.example', self.publicKey)).toBe(2);
      expect(cli.stderr).toContain("/publicKey: this is this installation's own key");
      cli.stdout = '';
      expect(await cli.run('partners', 'list', '--db', cli.db)).toBe(0);
      expect(cli.stdout).toBe('');
    });

    it('adds partners (default administration: the one assess uses) and lists them one JSON line each', async () => {
      expect(
        await cli.run(
          'partners',
          'add',
          '--name',
          'b.example',
          '--url',
          'http://b.example:8082/',
          '--public-key',
          KEY,
          '--db',
          cli.db,
        ),
      ).toBe(0);
      expect(
        await cli.run(
          'partners',
          'add',
          '--name',
          'c.example',
          '--url',
          'https://c.example',
          '--public-key',
          Buffer.alloc(32, 8).toString('base64'),
          '--administration',
          'NL',
          '--pull',
          '--db',
          cli.db,
        ),
      ).toBe(0);
      cli.stdout = '';
      expect(await cli.run('partners', 'list', '--db', cli.db)).toBe(0);
      const lines = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toMatchObject([
        {
          name: 'b.example',
          administration: 'local',
          url: 'http://b.example:8082',
          publicKey: KEY,
          pull: false,
        },
        { name: 'c.example', administration: 'NL', pull: true, logKey: null, lastSeq: 0 },
      ]);
      expect(cli.stdout).not.toContain('feed');

      // Medical lot usage goes only to partners switched on, per administration.
      cli.stdout = '';
      expect(
        await cli.run(
          'partners',
          'lot-usage',
          '--name',
          'c.example',
          '--administration',
          'NL',
          '--db',
          cli.db,
        ),
      ).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({
        name: 'c.example',
        administration: 'NL',
        shareLotUsage: true,
      });
      expect(await cli.run('partners', 'lot-usage', '--name', 'c.example', '--db', cli.db)).toBe(2);
      expect(cli.stderr).toContain('no partner c.example of administration local');
      cli.stdout = '';
      expect(await cli.run('partners', 'lot-usage', '--name', 'b.example', '--off', '--db', cli.db)).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual({
        name: 'b.example',
        administration: 'local',
        shareLotUsage: false,
      });
    });

    it('refuses a bad key, a bad name and a name added twice with exit code 2', async () => {
      const add = (name: string, key: string) =>
        cli.run('partners', 'add', '--name', name, '--url', 'http://b', '--public-key', key, '--db', cli.db);
      expect(await add('b.example', 'not-a-key')).toBe(2);
      expect(cli.stderr).toContain('/publicKey: must be an Ed25519 public key');
      expect(await add('B Example', KEY)).toBe(2);
      expect(cli.stderr).toContain('/name: must be 1-100 lower-case letters');
      expect(await add('b.example', KEY)).toBe(0);
      expect(await add('b.example', Buffer.alloc(32, 1).toString('base64'))).toBe(2);
      expect(cli.stderr).toContain('a partner named b.example is already added');
    });
  });
}

import { describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { DeclarationStore } from '../../../driven/store/declaration-store.ts';

const cli = useCliHarness('greenlane-cli-keys-');
const greenlane = cli.run;
const dbUrl = () => cli.db;

async function authenticate(secret: string) {
  const conn = openDatabase(dbUrl());
  try {
    return await new DeclarationStore(conn).authenticate(secret);
  } finally {
    await conn.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`greenlane keys (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    it('creates a key bound to an administration and role, then revokes it', async () => {
      const args = [
        'keys',
        'create',
        '--administration',
        'NL',
        '--role',
        'officer',
        '--label',
        'desk 3',
        '--db',
        dbUrl(),
      ];
      expect(await greenlane(...args)).toBe(0);
      const created = JSON.parse(cli.stdout) as { id: string; secret: string };
      expect(created).toMatchObject({ administration: 'NL', role: 'officer', label: 'desk 3' });
      expect(cli.stderr).toContain('shown this once');
      expect(await authenticate(created.secret)).toMatchObject({
        administration: 'NL',
        role: 'officer',
        keyId: created.id,
      });

      expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', dbUrl())).toBe(
        0,
      );
      expect(await authenticate(created.secret)).toBeNull();
      expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', dbUrl())).toBe(
        2,
      );
    });

    it('lists keys with administration, role, name, created, last used and revoked, never the secret', async () => {
      const create = (admin: string, role: string, label: string) =>
        greenlane(
          'keys',
          'create',
          '--administration',
          admin,
          '--role',
          role,
          '--label',
          label,
          '--db',
          dbUrl(),
        );
      expect(await create('NL', 'officer', 'desk 3')).toBe(0);
      expect(await create('BE', 'admin', 'Antwerp admin')).toBe(0);
      const [nl, be] = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; secret: string });
      await authenticate(nl!.secret);
      expect(await greenlane('keys', 'revoke', be!.id, '--administration', 'BE', '--db', dbUrl())).toBe(0);
      cli.stdout = '';
      expect(await greenlane('keys', 'list', '--db', dbUrl())).toBe(0);
      const listed = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(listed).toEqual([
        {
          id: be!.id,
          administration: 'BE',
          role: 'admin',
          name: 'Antwerp admin',
          createdAt: expect.any(String),
          lastUsedAt: null,
          revokedAt: expect.any(String),
        },
        {
          id: nl!.id,
          administration: 'NL',
          role: 'officer',
          name: 'desk 3',
          createdAt: expect.any(String),
          lastUsedAt: expect.stringMatching(/:00\.000Z$/),
          revokedAt: null,
        },
      ]);
      expect(cli.stdout).not.toContain(nl!.secret);
      cli.stdout = '';
      expect(await greenlane('keys', 'list', '--administration', 'NL', '--db', dbUrl())).toBe(0);
      expect(cli.stdout.trim().split('\n')).toHaveLength(1);
    });

    it('refuses an unknown role and a missing label as usage errors', async () => {
      expect(
        await greenlane(
          'keys',
          'create',
          '--administration',
          'NL',
          '--role',
          'root',
          '--label',
          'x',
          '--db',
          dbUrl(),
        ),
      ).toBe(2);
      expect(
        await greenlane('keys', 'create', '--administration', 'NL', '--role', 'admin', '--db', dbUrl()),
      ).toBe(2);
      expect(
        await greenlane(
          'keys',
          'create',
          '--administration',
          'NL',
          '--role',
          'admin',
          '--label',
          ' ',
          '--db',
          dbUrl(),
        ),
      ).toBe(2);
    });
  });
}

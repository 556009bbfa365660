import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliHarness } from '../../../../test/support/cli-harness.ts';
import { openDatabase } from '../../store/database.ts';
import { DeclarationStore } from '../../store/declaration-store.ts';

const cli = useCliHarness('greenlane-cli-keys-');
const greenlane = cli.run;
const dbUrl = () => `sqlite:${join(cli.work, 'g.db')}`;

async function authenticate(secret: string) {
  const conn = openDatabase(dbUrl());
  try {
    return await new DeclarationStore(conn).authenticate(secret);
  } finally {
    await conn.close();
  }
}

describe('greenlane keys', () => {
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

    expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', dbUrl())).toBe(0);
    expect(await authenticate(created.secret)).toBeNull();
    expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', dbUrl())).toBe(2);
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

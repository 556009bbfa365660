import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../store/database.ts';
import { DeclarationStore } from '../../store/declaration-store.ts';
import { main } from '../main.ts';

let work: string;
let db: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'greenlane-cli-keys-'));
  db = `sqlite:${join(work, 'g.db')}`;
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(work, { recursive: true, force: true });
});

async function greenlane(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  await main(['node', 'greenlane', ...args]);
  return Number(process.exitCode ?? 0);
}

async function authenticate(secret: string) {
  const conn = openDatabase(db);
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
      db,
    ];
    expect(await greenlane(...args)).toBe(0);
    const created = JSON.parse(stdout) as { id: string; secret: string };
    expect(created).toMatchObject({ administration: 'NL', role: 'officer', label: 'desk 3' });
    expect(stderr).toContain('shown this once');
    expect(await authenticate(created.secret)).toMatchObject({
      administration: 'NL',
      role: 'officer',
      keyId: created.id,
    });

    expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', db)).toBe(0);
    expect(await authenticate(created.secret)).toBeNull();
    expect(await greenlane('keys', 'revoke', created.id, '--administration', 'NL', '--db', db)).toBe(2);
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
        db,
      ),
    ).toBe(2);
    expect(await greenlane('keys', 'create', '--administration', 'NL', '--role', 'admin', '--db', db)).toBe(
      2,
    );
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
        db,
      ),
    ).toBe(2);
  });
});

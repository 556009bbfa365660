import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectionKeyId } from '../../core/decision/selection-policy.ts';
import { PACKAGE_ROOT } from '../../installation/config.ts';
import { openSelectionKeys, rotateSelectionKey, selectionKeyFile } from './selection-keys.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('selection keys on disk', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'greenlane-selection-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('creates a 32-byte key at first start, owner-only, and finds the same one afterwards', () => {
    const ring = openSelectionKeys(home);
    expect(ring.current.secret).toHaveLength(32);
    expect(ring.current.id).toBe(selectionKeyId(ring.current.secret));
    expect(mode(selectionKeyFile(home))).toBe(0o600);
    expect(mode(join(home, 'selection'))).toBe(0o700);
    expect(openSelectionKeys(home).current).toEqual(ring.current);
    expect(ring.list()).toEqual([{ id: ring.current.id, createdAt: expect.any(String), current: true }]);
    expect(JSON.stringify(ring.list())).not.toContain(Buffer.from(ring.current.secret).toString('base64url'));
  });

  it('rotates to a new current key and keeps the old ones for verification', () => {
    const first = openSelectionKeys(home).current;
    const rotated = rotateSelectionKey(home);
    expect(rotated.current.id).not.toBe(first.id);
    expect(rotated.get(first.id)).toEqual(first);
    expect(rotated.list().map((k) => [k.id, k.current])).toEqual([
      [first.id, false],
      [rotated.current.id, true],
    ]);
    expect(openSelectionKeys(home).current).toEqual(rotated.current);
    expect(mode(selectionKeyFile(home))).toBe(0o600);
    expect(rotated.get('sel_unknown')).toBeUndefined();
  });

  it('refuses a key file others may read, and one whose key does not match its id', () => {
    openSelectionKeys(home);
    const path = selectionKeyFile(home);
    chmodSync(path, 0o644);
    expect(() => openSelectionKeys(home)).toThrow(/readable by others \(mode 644\); chmod 600 it/);
    chmodSync(path, 0o600);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.keys[0].secret = Buffer.alloc(32, 7).toString('base64url');
    rmSync(path);
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    expect(() => openSelectionKeys(home)).toThrow(/does not match its id/);
  });

  it('gives processes starting at once the same key', async () => {
    const script = `import { openSelectionKeys } from ${JSON.stringify(join(PACKAGE_ROOT, 'src/driven/selection/selection-keys.ts'))};
process.stdout.write(openSelectionKeys(${JSON.stringify(home)}).current.id);`;
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: PACKAGE_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
      });
      return once(child, 'exit').then(() => out);
    });
    const ids = await Promise.all(runs);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(openSelectionKeys(home).current.id);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliSourceFingerprint, freshCliBundle } from '../bin/cli-bundle.mjs';
import { PACKAGE_ROOT } from '../src/installation/config.ts';

/**
 * bin/cli-bundle.mjs on a made-up package (inside this one, so esbuild and node find packages the
 * same way): a `src/driving/cli/main.ts` that prints what it was built from.
 */
describe('the CLI bundle users start from (bin/cli-bundle.mjs)', () => {
  let root: string;
  const main = (text: string) => {
    mkdirSync(join(root, 'src', 'driving', 'cli'), { recursive: true });
    writeFileSync(
      join(root, 'src', 'driving', 'cli', 'main.ts'),
      `export async function main(argv: string[]): Promise<void> {\n  console.log(${JSON.stringify(text)}, argv.slice(2).join(' '));\n}\n`,
    );
  };
  const run = (script: string) => spawnSync(process.execPath, [script, 'a', 'b'], { encoding: 'utf8' });
  const bundles = () => readdirSync(join(root, 'node_modules', '.cache', 'greenlane-cli'));

  beforeEach(() => {
    mkdirSync(join(PACKAGE_ROOT, 'node_modules', '.cache'), { recursive: true });
    root = mkdtempSync(join(PACKAGE_ROOT, 'node_modules', '.cache', 'cli-bundle-test-'));
    main('first');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds once, runs the current sources, and rebuilds (dropping the old bundle) when they change', async () => {
    const first = await freshCliBundle(root);
    expect(first).toBeDefined();
    expect(run(first!).stdout).toBe('first a b\n');
    expect(await freshCliBundle(root)).toBe(first);

    main('second');
    const second = await freshCliBundle(root);
    expect(second).not.toBe(first);
    expect(existsSync(first!)).toBe(false);
    expect(bundles()).toHaveLength(1);
    expect(run(second!).stdout).toBe('second a b\n');
  });

  it('fingerprints the sources, not their tests', () => {
    const before = cliSourceFingerprint(root);
    writeFileSync(join(root, 'src', 'driving', 'cli', 'main.test.ts'), 'export {};\n');
    expect(cliSourceFingerprint(root)).toBe(before);
    writeFileSync(join(root, 'src', 'driving', 'cli', 'extra.ts'), 'export const x = 1;\n');
    expect(cliSourceFingerprint(root)).not.toBe(before);
  });

  it('gives up (the entry point then runs tsx) when the sources do not build', async () => {
    writeFileSync(join(root, 'src', 'driving', 'cli', 'main.ts'), 'export async function main( {\n');
    expect(await freshCliBundle(root)).toBeUndefined();
    expect(bundles().filter((d) => !d.startsWith('.tmp-'))).toEqual([]);
    expect(bundles()).toEqual([]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCliHarness } from '../../../../test/support/cli-harness.ts';
import {
  type FixtureServer,
  startFixtureServer,
  writeRegulatoryDir,
} from '../../../../test/support/reference-sources.ts';
import { dataDir } from '../../../installation/config.ts';

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});
const cli = useCliHarness('greenlane-cli-reference-');
const greenlane = cli.run;

describe('greenlane reference', () => {
  it('fetch refuses tiny fixture files with the production row minimums, changing nothing', async () => {
    const to = join(cli.work, 'data');
    const code = await greenlane(
      'reference',
      'fetch',
      '--to',
      to,
      '--base-url',
      server.baseUrl,
      '--only',
      'countries',
    );
    expect(code).toBe(1);
    expect(cli.stderr).toContain('fewer than the 240 expected');
    expect(existsSync(join(to, 'countries'))).toBe(false);
  });

  it('fetch installs a dataset, reports it as JSON and says the directory is still incomplete', async () => {
    // The CLI keeps the production row minimums, which refuse the tiny download fixtures; the
    // copied hs-regulatory table has no such floor. Conversions are covered by official-sources.test.ts.
    const to = join(cli.work, 'data');
    const from = writeRegulatoryDir(join(cli.work, 'old'));
    const out = join(cli.work, 'report.json');
    const code = await greenlane(
      'reference',
      'fetch',
      '--to',
      to,
      '--base-url',
      server.baseUrl,
      '--from',
      from,
      '--only',
      'hs-regulatory',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.datasets[0].files[0]).toMatchObject({
      path: 'hs-regulatory/hs2022-regulatory-flags.csv',
      rows: 2,
    });
    expect(cli.stderr).toContain('hs-regulatory: hs-regulatory/hs2022-regulatory-flags.csv 2 rows');
    expect(cli.stderr).toMatch(/note: .* is not complete yet: reference file .*hs2022\.csv is missing/);
  });

  it('info prints the data directory, version and counts (text and JSON)', async () => {
    const dir = dataDir();
    expect(await greenlane('reference', 'info', '--dir', dir, '--json')).toBe(0);
    const info = JSON.parse(cli.stdout);
    expect(info.dataDir).toBe(dir);
    expect(info.version).toMatch(/^ref-[0-9a-f]{16}$/);
    expect(info.counts).toMatchObject({
      hs2022Chapters: 96,
      hs2022Headings: 1228,
      hs2022Subheadings: 5612,
      countries: 249,
    });
    expect(info.counts.currencies).toBeGreaterThan(150);
    expect(info.counts.locodes).toBeGreaterThan(100_000);
    cli.stdout = '';
    expect(await greenlane('reference', 'info', '--dir', dir)).toBe(0);
    expect(cli.stdout).toContain(`data directory  ${dir}`);
    expect(cli.stdout).toContain(info.version);
  });

  it('bad usage exits 2 with a message', async () => {
    expect(await greenlane('reference', 'fetch', '--to', cli.work, '--only', 'hs,tariffs')).toBe(2);
    expect(cli.stderr).toContain('unknown dataset "tariffs"');
    expect(await greenlane('reference', 'fetch', '--to', cli.work, '--only', 'hs-regulatory')).toBe(2);
    expect(cli.stderr).toContain('--from DIR');
    expect(await greenlane('reference', 'fetch', '--to', cli.work, '--base-url', 'ftp://mirror')).toBe(2);
    expect(await greenlane('reference', 'fetch', '--to', cli.work, '--locode-edition', '2025')).toBe(2);
  });

  it('info on a directory without data exits 1 naming the missing file', async () => {
    expect(await greenlane('reference', 'info', '--dir', cli.work)).toBe(1);
    expect(cli.stderr).toContain('is missing: set GREENLANE_DATA_DIR');
  });
});

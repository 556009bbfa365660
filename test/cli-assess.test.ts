import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREENLANE_BIN, greenlaneScript } from './support/cli-bundle.ts';
import { createTestDatabase, DIALECTS } from './support/databases.ts';
import { sampleDeclaration } from './support/fixtures.ts';

let dir: string;

/** Runs the CLI of this run's bundle; `script` = `GREENLANE_BIN` runs what users run instead. */
function greenlane(
  args: string[],
  input?: string,
  script = greenlaneScript(),
  extraEnv: NodeJS.ProcessEnv = {},
) {
  const res = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    input,
    // Each run loads the sanctions lists: 30-45 s when the shared machine is loaded.
    timeout: 150_000,
    // Keys of the transparency log go to a throw-away installation directory.
    env: { ...process.env, GREENLANE_HOME: join(dir, 'home'), ...extraEnv },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function lines(text: string): Array<Record<string, any>> {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenlane-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('greenlane assess on a mixed file', { timeout: 320_000 }, () => {
  const good = (id: string, patch: Record<string, unknown> = {}) =>
    JSON.stringify({ ...sampleDeclaration(), id, ...patch });
  const item = (patch: Record<string, unknown>) => [{ ...sampleDeclaration().items[0], ...patch }];
  const records = [
    good('OK-1'),
    '{"id": "BROKEN", "type": ',
    good('NEG-MASS', { items: item({ netMass: -5 }) }),
    good('OK-2', { importer: undefined }),
    JSON.stringify({ ...sampleDeclaration(), id: undefined }),
    good('BAD-HS', { items: item({ hsCode: '999999' }) }),
    good('BAD-CODES', { currency: 'XYZ', route: ['ZZZZZ'], dispatchCountry: 'QQ' }),
    good('BAD-DATE', { lodgedAt: '2026-13-01' }),
    '[1,2]',
    good('OK-3', { items: item({ hsCode: '290345', description: 'HFC-134a refrigerant' }) }),
  ];

  it('decides every valid record and rejects every broken one with record number and path', () => {
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${records.join('\n')}\n`);
    const res = greenlane(['assess', file]);
    expect(res.code, res.stderr).toBe(0);
    const out = lines(res.stdout);
    expect(out).toHaveLength(records.length);
    expect(res.stderr).toMatch(/screening: .*un:/);
    const rejected = out.filter((l) => l.rejected);
    const decided = out.filter((l) => !l.rejected);
    expect(decided.map((l) => l.declarationId)).toEqual(['OK-1', 'OK-2', 'OK-3']);
    expect(
      rejected.map((l) => [l.record, l.declarationId, l.errors.map((e: any) => `${e.path} ${e.code}`)]),
    ).toEqual([
      [2, undefined, [' malformed_syntax']],
      [3, 'NEG-MASS', ['/items/0/netMass negative_value']],
      [5, undefined, ['/id required']],
      [6, 'BAD-HS', ['/items/0/hsCode unknown_hs_code']],
      [
        7,
        'BAD-CODES',
        ['/currency unknown_currency', '/dispatchCountry unknown_country', '/route/0 unknown_locode'],
      ],
      [8, 'BAD-DATE', ['/lodgedAt invalid_date']],
      [9, undefined, [' not_an_object']],
    ]);
    for (const l of decided) {
      expect(['green', 'yellow', 'red']).toContain(l.channel);
      expect(typeof l.score).toBe('number');
      expect(Array.isArray(l.reasons)).toBe(true);
      expect(Number.isNaN(Date.parse(l.decidedAt))).toBe(false);
    }
    // The HFC without an ODS licence is stopped with a readable reason.
    const hfc = decided.find((l) => l.declarationId === 'OK-3')!;
    expect(hfc.channel).not.toBe('green');
    expect(hfc.reasons[0].message).toMatch(/licen[cs]e/i);
    expect(res.stderr).toMatch(/assessed 10 record\(s\).*3 decided.*7 rejected/);
  });

  it('reads standard input and writes --out', () => {
    const out = join(dir, 'out.ndjson');
    const res = greenlane(['assess', '-', '--out', out, '--no-screening'], `${good('STDIN-1')}\n`);
    expect(res.code, res.stderr).toBe(0);
    expect(lines(readFileSync(out, 'utf8'))[0]!.declarationId).toBe('STDIN-1');
  });

  for (const dialect of DIALECTS)
    it(`stores decisions on ${dialect}: a re-run is a no-op, changed content is an amendment`, async () => {
      const testDb = await createTestDatabase(dialect);
      const db = testDb.url;
      const file = join(dir, `two-${dialect}.ndjson`);
      writeFileSync(file, `${good('ST-1')}\n${good('ST-2')}\n`);
      const first = lines(greenlane(['assess', file, '--db', db, '--no-screening']).stdout);
      expect(first.map((l) => [l.status, l.version])).toEqual([
        ['created', 1],
        ['created', 1],
      ]);
      const again = lines(greenlane(['assess', file, '--db', db, '--no-screening']).stdout);
      expect(again.map((l) => [l.status, l.version])).toEqual([
        ['unchanged', 1],
        ['unchanged', 1],
      ]);
      writeFileSync(file, `${good('ST-1', { invoiceTotal: 999 })}\n`);
      const amended = lines(greenlane(['assess', file, '--db', db, '--no-screening']).stdout);
      expect(amended.map((l) => [l.status, l.version])).toEqual([['amended', 2]]);
      // The decisions (after the risk profiles in force) went into the transparency log, which verifies.
      const verify = greenlane(['log', 'verify', '--db', db]);
      expect(verify.code, verify.stderr + verify.stdout).toBe(0);
      // C2SP checkpoint: origin, then the tree size; the amendment's decision is the last entry.
      const size = Number(greenlane(['log', 'checkpoint', '--db', db]).stdout.split('\n')[1]);
      const entry = JSON.parse(greenlane(['log', 'entry', String(size - 1), '--db', db]).stdout);
      // The public leaf is a commitment; the operator's view adds the record it commits to.
      const leaf = JSON.parse(Buffer.from(entry.entry, 'base64').toString('utf8'));
      expect(Object.keys(leaf)).toEqual(['commitment']);
      expect(JSON.parse(entry.record.content)).toMatchObject({
        type: 'decision',
        declarationId: 'ST-1',
        version: 2,
      });
      await testDb.dispose();
      // Six CLI processes in a row: allow for a loaded machine (the suite's crash tests run alongside).
    }, 180_000);

  it('sends a declaration with a sanctioned party red, with the hit as the reason', () => {
    const file = join(dir, 'sanctioned.ndjson');
    writeFileSync(
      file,
      `${good('SANC-1', { exporter: { name: 'Banco Nacional de Cuba', country: 'CU' } })}\n`,
    );
    const [line] = lines(greenlane(['assess', file]).stdout);
    expect(line!.channel).toBe('red');
    const hit = line!.reasons.find((r: any) => r.code === 'SANCTIONS_MATCH');
    expect(hit?.message).toMatch(/Exporter "Banco Nacional de Cuba" matches OFAC entry/);
  });

  it('exits 2 on bad usage and 1 on a fatal input problem', () => {
    expect(greenlane(['assess', join(dir, 'missing.json'), '--no-screening']).code).toBe(2);
    expect(greenlane(['assess', '-', '--format', 'xml'], '').code).toBe(2);
    const bad = join(dir, 'bad-header.csv');
    writeFileSync(bad, 'declaration_id,colour\nX,red\n');
    const res = greenlane(['assess', bad, '--no-screening']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/unknown CSV column\(s\): colour/);
  });

  it('prints help for the command, through the entry point users run (bin/greenlane.mjs: its bundle, and tsx)', () => {
    for (const env of [{}, { GREENLANE_CLI_TSX: '1' }]) {
      const res = greenlane(['assess', '--help'], undefined, GREENLANE_BIN, env);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/--format <format>/);
    }
  });
});

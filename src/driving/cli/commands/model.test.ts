import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, DIALECTS } from '../../../../test/support/databases.ts';
import { syntheticRecords } from '../../../core/model/test-records.ts';
import { registerModelCommand } from './model.ts';

const HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';

function customsCsv(n: number, seed: number): string {
  const { records, outcomes } = syntheticRecords(n, seed);
  const lines = records.map((r, i) =>
    [
      r.declarationId,
      r.date,
      r.office,
      r.processType,
      r.importType,
      r.importUse,
      r.paymentType,
      r.transportMode === 'sea' ? '10' : '40',
      r.declarant,
      r.importer,
      r.seller,
      r.courier,
      r.hs6,
      r.departure,
      r.origin,
      r.taxRate,
      r.taxType,
      r.originIndicator,
      r.netMass,
      r.itemPrice,
      outcomes[i]! >= 1 ? 1 : 0,
      outcomes[i],
    ].join(','),
  );
  return `${HEADER}\n${lines.join('\n')}\n`;
}

async function run(args: string[]): Promise<string> {
  const program = new Command('greenlane').exitOverride();
  registerModelCommand(program);
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'greenlane', 'model', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out.join('');
}

describe('greenlane model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlane-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const train = join(dir, 'train.csv');
  const valid = join(dir, 'valid.csv');
  const test = join(dir, 'test.csv');
  const model = join(dir, 'model.json');
  writeFileSync(train, customsCsv(800, 21));
  writeFileSync(valid, customsCsv(300, 22));
  writeFileSync(test, customsCsv(300, 23));

  it('trains, evaluates with the promised JSON shape, and scores to NDJSON', async () => {
    await run(['train', '--data', train, '--valid', valid, '--out', model, '--trees', '60']);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.format).toBe('greenlane-risk-model');
    expect(saved.meta.validation.rows).toBe(300);

    for (const rank of ['probability', 'revenue', 'blend']) {
      const metrics = JSON.parse(await run(['eval', '--model', model, '--data', test, '--rank', rank]));
      expect(Object.keys(metrics)).toEqual(['rows', 'precisionAt', 'recallAt', 'revenueAt', 'auc']);
      expect(Object.keys(metrics.precisionAt)).toEqual(['1', '2', '5', '10']);
      expect(metrics.rows).toBe(300);
      for (const k of ['precisionAt', 'recallAt', 'revenueAt']) {
        expect(Object.keys(metrics[k])).toEqual(['1', '2', '5', '10']);
        for (const v of Object.values(metrics[k]) as number[]) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    const lines = (await run(['score', '--model', model, test, '--top', '3'])).trim().split('\n');
    expect(lines).toHaveLength(300);
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual(['declarationId', 'score', 'contributions']);
    expect(first.declarationId).toBe('100000');
    expect(first.contributions).toHaveLength(3);
    expect(first.contributions[0]).toHaveProperty('reason');
  });

  it('scores Greenlane NDJSON declarations and counts invalid ones', async () => {
    const ndjson = join(dir, 'decls.ndjson');
    const decl = {
      id: 'D1',
      type: 'import',
      customsOffice: '10',
      lodgedAt: '2021-04-01',
      currency: 'KRW',
      importer: { id: 'IMP1' },
      dispatchCountry: 'CN',
      items: [
        { sequence: 1, hsCode: '640399', originCountry: 'CN', netMass: 100, customsValue: 200, dutyRate: 8 },
        { sequence: 2, hsCode: '420231', originCountry: 'IT', netMass: 10, customsValue: 200, dutyRate: 8 },
      ],
    };
    writeFileSync(ndjson, `${JSON.stringify(decl)}\n{"id":"broken"}\n`);
    const lines = (await run(['score', '--model', model, ndjson])).trim().split('\n');
    expect(lines).toHaveLength(1);
    const scored = JSON.parse(lines[0]!);
    expect(scored.declarationId).toBe('D1');
    expect(scored.score).toBeGreaterThan(0);
  });

  for (const dialect of DIALECTS) {
    it(`registers, activates and lists versions in the store on ${dialect}; --from-store needs recorded outcomes`, async () => {
      const db =
        dialect === 'sqlite' ? `sqlite:${join(dir, 'registry.db')}` : (await createTestDatabase(dialect)).url;
      const v = JSON.parse(await run(['register', '--model', model, '--by', 'analyst', '--db', db]));
      expect(v).toMatchObject({ id: 'local:fraud:v1', version: 1, active: false });
      const a = JSON.parse(await run(['activate', v.id, '--by', 'head', '--rank', 'blend', '--db', db]));
      expect(a).toMatchObject({ modelId: v.id, activatedBy: 'head', policy: 'blend' });
      const listed = (await run(['list', '--db', db]))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(listed.map((x) => [x.id, x.active])).toEqual([[v.id, true]]);
      await expect(run(['activate', 'local:fraud:v9', '--by', 'x', '--db', db])).rejects.toThrow(
        /no model version/,
      );
      await expect(run(['train', '--from-store', '--db', db])).rejects.toThrow(/no labelled rows/);
      await expect(run(['train', '--from-store', '--data', train, '--db', db])).rejects.toThrow(/either/);
    });
  }

  it('rejects a bad ranking policy as a usage error', async () => {
    await expect(run(['eval', '--model', model, '--data', test, '--rank', 'luck'])).rejects.toThrow();
  });
});

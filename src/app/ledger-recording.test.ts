import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/store/database.ts';
import { adjudicationEntry, recordInLog } from './ledger-recording.ts';
import { openTransparencyLog } from './transparency-log.ts';

let dir: string;
const home = process.env.GREENLANE_HOME;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenlane-ledger-rec-'));
  process.env.GREENLANE_HOME = join(dir, 'home');
});
afterAll(() => {
  if (home === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = home;
  rmSync(dir, { recursive: true, force: true });
});

describe('recordInLog', () => {
  it('appends model activations, list versions and adjudications durably, readable back by index', async () => {
    const url = `sqlite:${join(dir, 'g.db')}`;
    const entry = adjudicationEntry(
      { adjudicationId: 'adj-1', hit: { id: 'hit-1', list: 'un', entityId: 'KPi.033' } },
      'false_positive',
      'analyst-7',
      'different date of birth',
    );
    const indexes = await recordInLog(url, [
      { type: 'model-activation', administration: 'NL', activation: { id: 'NL:fraud:v2' } },
      entry,
    ]);
    expect(indexes).toEqual([0, 1]);
    expect(await recordInLog(url, [])).toEqual([]);

    const conn = openDatabase(url);
    const log = await openTransparencyLog(conn);
    try {
      const stored = JSON.parse((await log.entry(1)).toString('utf8'));
      expect(stored).toMatchObject({
        type: 'adjudication',
        hitId: 'hit-1',
        verdict: 'false_positive',
        analyst: 'analyst-7',
      });
    } finally {
      await log.close();
      await conn.close();
    }
  });
});

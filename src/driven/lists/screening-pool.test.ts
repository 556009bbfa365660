import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanNames } from '../../../test/support/heavy-screen.ts';
import { buildScreeningIndex, type ScreeningIndex } from '../../core/screening/candidate-index.ts';
import { addName, newEntity, versionLabel } from '../../core/screening/entity.ts';
import { type ScreeningQuery, screenParty } from '../../core/screening/screen.ts';
import { dataDir } from '../../installation/config.ts';
import { loadScreeningTables } from './load-index.ts';
import {
  openScreeningPool,
  type ScreeningPool,
  ScreeningPoolBusyError,
  versionsOf,
} from './screening-pool.ts';

const person = newEntity('un', 'QDi.001', 'person');
addName(person, 'Abdul Rahman Yasin', 'primary');
person.nationalities.push('IQ');
const vessel = newEntity('ofac', '9999', 'vessel');
addName(vessel, 'Sea Star', 'primary');
vessel.identifiers.push({ type: 'imo', value: '9123456' });
const un = {
  list: 'un' as const,
  publishedOn: '2026-02-27',
  sha256: 'a'.repeat(64),
  origin: ['t'],
  entities: [person],
};
const ofac = {
  list: 'ofac' as const,
  publishedOn: '2024-05-03',
  sha256: 'b'.repeat(64),
  origin: ['t'],
  entities: [vessel],
};

describe('screening worker pool', () => {
  let index: ScreeningIndex;
  let pool: ScreeningPool;

  beforeAll(async () => {
    index = buildScreeningIndex([un, ofac], await loadScreeningTables(dataDir()));
    pool = openScreeningPool({ index, dataDirectory: dataDir(), maxQueued: 1 });
    await pool.ready;
  });
  afterAll(async () => {
    await pool.close();
  });

  it('regroups an index into the list versions it was built from, with the same labels', () => {
    const versions = versionsOf(index);
    expect(versions.map(versionLabel)).toEqual(index.versions);
    expect(versions.map((v) => v.entities)).toEqual([[person], [vessel]]);
  });

  it('finds in the worker exactly what screening in this thread finds', async () => {
    const queries: ScreeningQuery[] = [
      { name: 'Abdul Rahman Yassin', type: 'person', country: 'IQ' },
      { name: 'Jane Doe', type: 'any' },
      { name: '', type: 'vessel', imo: '9123456' },
    ];
    const hits = await pool.screen(queries);
    expect(hits).toEqual(queries.map((q) => screenParty(q, index)));
    expect(hits[0]![0]).toMatchObject({ entityId: 'QDi.001', decision: 'match' });
    expect(pool.versions).toEqual(index.versions);
  });

  it('holds requests sent while the workers build their index, and answers them once ready', async () => {
    const fresh = openScreeningPool({ index, dataDirectory: dataDir() });
    try {
      const hits = await fresh.screen([{ name: 'Abdul Rahman Yasin', type: 'person' }]);
      expect(hits[0]![0]).toMatchObject({ entityId: 'QDi.001' });
      await fresh.ready;
    } finally {
      await fresh.close();
    }
  });

  it('keeps the event loop free while it screens, and refuses work past its queue', async () => {
    const heavy = hanNames(30, 200).map((name): ScreeningQuery => ({ name, type: 'any' }));
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const running = pool.screen(heavy);
    const waiting = pool.screen([{ name: 'Jane Doe', type: 'any' }]);
    await expect(pool.screen([{ name: 'John Doe', type: 'any' }])).rejects.toBeInstanceOf(
      ScreeningPoolBusyError,
    );
    expect(await running).toHaveLength(30);
    const took = performance.now() - started;
    expect(await waiting).toEqual([[]]);
    clearInterval(timer);
    // The work took long enough to matter, and the loop never waited for it: timers kept firing
    // every few milliseconds. (Bounds leave room for a 2-core machine shared with other jobs.)
    expect(took).toBeGreaterThan(200);
    gaps.sort((a, b) => a - b);
    expect(gaps.length).toBeGreaterThan(took / 100);
    expect(gaps[Math.floor(gaps.length / 2)]!).toBeLessThan(50);
    expect(gaps.at(-1)!).toBeLessThan(Math.min(took / 2, 1000));
  });
});

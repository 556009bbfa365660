import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import { DashboardReads } from './dashboard-reads.ts';

/*
 * A hand-computed fixture: four red declarations at office O1 whose lodgement→decision times are
 * 60, 120, 180 and 600 s. Linear interpolation between closest ranks (percentile_cont):
 * median = (120 + 180) / 2 = 150; p90 at rank 1 + 0.9 × 3 = 3.7 → 180 + 0.7 × (600 − 180) = 474.
 * Three of them arrived 1, 2 and 3 h before lodgement: median 7200, p90 at 2.8 → 7200 + 0.8 × 3600 = 10080.
 * One of them is released 30 min after its decision (n = 1: both quantiles are the value).
 */
const A = 'DASH';
const day = '2026-11-28'; // a Saturday: its ISO week starts on Monday 2026-11-23
const at = (seconds: number) => new Date(Date.parse(`${day}T08:00:00Z`) + seconds * 1000).toISOString();

async function seed(conn: StoreConnection) {
  const db = conn.db;
  await db
    .insertInto('administrations')
    .values({ id: A, name: 'Dash', created_at: at(0) })
    .execute();
  const decl = (id: string, office: string, channel: string, decidedAt: string) => ({
    administration: A,
    id,
    current_version: 1,
    content_hash: id,
    type: 'import',
    customs_office: office,
    lodged_at: at(0),
    status: 'assessed',
    current_decision_id: `dec-${id}`,
    channel,
    decided_at: decidedAt,
  });
  const explanation = (signals: object[]) => JSON.stringify({ summary: 's', signals });
  const decision = (id: string, channel: string, signals: object[], model: string | null) => ({
    id: `dec-${id}`,
    administration: A,
    declaration_id: id,
    version: 1,
    channel,
    score: 50,
    explanation: explanation(signals),
    profile_versions: '{}',
    reference_version: 'r',
    model_version: model,
    list_versions: null,
    kind: 'auto',
    officer: null,
    reason: null,
    supersedes: null,
    decided_at: at(0),
    log_index: null,
  });
  const event = (id: string, event: string, seconds: number) => ({
    id: `${id}-${event}`,
    administration: A,
    declaration_id: id,
    version: 1,
    event,
    at: at(seconds),
    actor: 'system',
  });
  const profile = { source: 'profile', code: 'P1', message: 'm', score: 60 };
  const model = { source: 'model', code: 'MODEL_SCORE', message: 'm', score: 70 };
  const decisionSeconds = [60, 120, 180, 600];
  const arrivals: Array<number | null> = [3600, 7200, 10800, null];
  const rows = decisionSeconds.map((s, i) => ({ id: `D${i}`, s, arrival: arrivals[i] ?? null }));
  await db
    .insertInto('declarations')
    .values([...rows.map((r) => decl(r.id, 'O1', 'red', at(r.s))), decl('X1', 'O2', 'green', at(5))])
    .execute();
  await db
    .insertInto('decisions')
    .values([
      ...rows.map((r, i) =>
        decision(r.id, 'red', i < 2 ? [profile, model] : [profile], i < 2 ? 'M:v1' : null),
      ),
      decision('X1', 'green', [], null),
    ])
    .execute();
  const events = rows.flatMap((r) => [
    ...(r.arrival === null ? [] : [event(r.id, 'arrival', -r.arrival)]),
    event(r.id, 'lodgement', 0),
    event(r.id, 'decision', r.s),
  ]);
  events.push(event('D0', 'release', 60 + 1800), event('X1', 'lodgement', 0), event('X1', 'decision', 5));
  await db.insertInto('lifecycle_events').values(events).execute();
  const outcome = (id: string, result: string, revenue: number | null) => ({
    id: `o-${id}`,
    administration: A,
    declaration_id: id,
    version: 1,
    decision_id: `dec-${id}`,
    result,
    fraud: result === 'no_discrepancy' ? 0 : 1,
    critical: 0,
    revenue_recovered: revenue,
    notes: null,
    officer: 'o',
    recorded_at: at(4000),
  });
  await db
    .insertInto('inspection_outcomes')
    .values([
      outcome('D0', 'seizure', 1000),
      outcome('D1', 'no_discrepancy', null),
      outcome('D2', 'discrepancy', 250.5),
    ])
    .execute();
}

for (const dialect of DIALECTS) {
  describe(`dashboards on ${dialect}`, () => {
    let tdb: TestDatabase;
    let conn: StoreConnection;
    let reads: DashboardReads;
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      conn = openDatabase(tdb.url);
      await migrateToLatest(conn);
      await seed(conn);
      reads = new DashboardReads(conn);
    });
    afterAll(async () => {
      await conn?.close();
      await tdb?.dispose();
    });

    it('computes Time Release Study medians and 90th percentiles as percentile_cont does', async () => {
      const rows = await reads.timeRelease(A, { period: 'week', office: 'O1' });
      const of = (step: string) => rows.find((r) => r.step === step);
      expect(rows.every((r) => r.period === '2026-11-23' && r.office === 'O1' && r.channel === 'red')).toBe(
        true,
      );
      expect(of('lodgement_to_decision')).toMatchObject({ count: 4 });
      expect(of('lodgement_to_decision')!.medianSeconds).toBeCloseTo(150, 6);
      expect(of('lodgement_to_decision')!.p90Seconds).toBeCloseTo(474, 6);
      expect(of('arrival_to_lodgement')).toMatchObject({ count: 3 });
      expect(of('arrival_to_lodgement')!.medianSeconds).toBeCloseTo(7200, 6);
      expect(of('arrival_to_lodgement')!.p90Seconds).toBeCloseTo(10080, 6);
      expect(of('decision_to_release')).toMatchObject({ count: 1 });
      expect(of('decision_to_release')!.medianSeconds).toBeCloseTo(1800, 6);
      expect(of('arrival_to_release')!.p90Seconds).toBeCloseTo(3600 + 1860, 6);
      const byDay = await reads.timeRelease(A, { period: 'day' });
      expect(new Set(byDay.map((r) => r.period))).toEqual(new Set([day]));
      expect(byDay.some((r) => r.office === 'O2')).toBe(true);
      expect(await reads.timeRelease(A, { period: 'month', from: '2026-12-01T00:00:00.000Z' })).toEqual([]);
      expect(await reads.timeRelease('OTHER', { period: 'week' })).toEqual([]);
    });

    it('counts the channel mix, hit rates per profile and channel, revenue and model precision', async () => {
      expect(await reads.channelMix(A, { period: 'month' })).toEqual([
        { period: '2026-11', office: 'O1', green: 0, yellow: 0, red: 4, total: 4 },
        { period: '2026-11', office: 'O2', green: 1, yellow: 0, red: 0, total: 1 },
      ]);
      expect(await reads.hitRates(A, { period: 'week' }, 'profile')).toEqual([
        { key: 'P1', inspected: 3, positive: 2, rate: 2 / 3 },
      ]);
      expect(await reads.hitRates(A, { period: 'week', channel: 'green' }, 'channel')).toEqual([]);
      expect(await reads.hitRates(A, { period: 'week' }, 'channel')).toEqual([
        { key: 'red', inspected: 3, positive: 2, rate: 2 / 3 },
      ]);
      expect(await reads.revenue(A, { period: 'day' })).toEqual([
        { period: day, office: 'O1', outcomes: 3, revenueRecovered: 1250.5 },
      ]);
      expect(await reads.modelPrecision(A, { period: 'week' })).toEqual([
        {
          period: '2026-11-23',
          modelVersion: 'M:v1',
          selected: 2,
          inspected: 2,
          positive: 1,
          precision: 0.5,
        },
      ]);
      expect(await reads.seizures(A, { period: 'week' })).toEqual([]);
    });
  });
}

/**
 * `POST /v1/declarations` through the message bus (issue 14; `serve --nats`) against real NATS
 * JetStream and PostgreSQL: the API publishes, an intake worker decides, the API answers with the
 * decision (waiting) or a tracking id (`Prefer: respond-async`) read back by
 * `GET /v1/submissions/{trackingId}` — inside the key's administration only — and `/readyz`
 * reports the bus.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createAssessmentService } from '../src/app/assess.ts';
import { deleteBusStreams, NatsBus } from '../src/driven/bus/nats-bus.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { LeaseRepository } from '../src/driven/store/lease-repository.ts';
import { createApp } from '../src/driving/http/app.ts';
import { HttpMetrics } from '../src/driving/http/http-metrics.ts';
import { declarationRoutes } from '../src/driving/http/routes/declarations.ts';
import { healthRoutes } from '../src/driving/http/routes/health.ts';
import { submissionRoutes } from '../src/driving/http/routes/submissions.ts';
import { busIntake } from '../src/installation/bus-intake.ts';
import { ClusterMetrics } from '../src/installation/cluster-metrics.ts';
import { IntakeWorker } from '../src/installation/intake-worker.ts';
import { assessmentDeps } from '../src/installation/runtime.ts';
import { testDeclaration } from './support/api-test-kit.ts';
import { createTestDatabase } from './support/databases.ts';

const NATS = process.env.GREENLANE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `scale_test_api${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  await deleteBusStreams(NATS, prefix);
});

describe('POST /v1/declarations through the bus (postgres, real NATS)', () => {
  it('answers with the decision when it comes within the wait, else with tracking ids read back per administration', async () => {
    const db = await createTestDatabase('postgres');
    const conn = openDatabase(db.url);
    await migrateToLatest(conn);
    const store = new DeclarationStore(conn);
    await store.ensureAdministration('XA', 'A');
    await store.ensureAdministration('XB', 'B');
    const keyA = (await store.createApiKey('XA', 'ingest', 'ingest')).secret;
    const keyB = (await store.createApiKey('XB', 'officer', 'officer')).secret;
    const bus = await NatsBus.open({ url: NATS, prefix, partitions: 2, ackWaitMs: 1000 });
    const stream = prefix.toUpperCase();
    const assess = createAssessmentService({ ...assessmentDeps({ store }), store }).assess;
    const worker = new IntakeWorker({
      bus,
      assess,
      ensureAdministration: (id, name) => store.ensureAdministration(id, name),
      db: conn.db,
      leases: new LeaseRepository(conn.db),
      holder: 'test/1/api',
      stream,
      leaseMs: 1000,
      ackWaitMs: 1000,
      fetchWaitMs: 1000,
      metrics: new ClusterMetrics(),
    });
    const intake = busIntake({ bus, db: conn.db, stream });
    const metrics = new HttpMetrics({ intakeDepth: () => bus.intakeDepth() });
    const app = createApp({
      authenticate: store.authenticate,
      metrics,
      routes: [
        healthRoutes({
          ping: async () => void (await sql`select 1`.execute(conn.db)),
          busPing: () => bus.ping(),
        }),
        declarationRoutes({ assess, store, intake }),
        submissionRoutes({ intake }),
      ],
    });
    const post = (body: unknown, key: string, prefer?: string) =>
      app.request('/v1/declarations', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(prefer ? { prefer } : {}),
        },
        body: JSON.stringify(body),
      });
    const json = async (res: Response): Promise<any> => res.json();
    const track = (id: string, key: string) =>
      app.request(`/v1/submissions/${id}`, { headers: { authorization: `Bearer ${key}` } });

    // Asynchronous first (no worker yet): 202, one tracking id per readable record.
    const accepted = await post(
      [testDeclaration('BUS-1'), testDeclaration('BUS-2', 'CN'), { id: 'BUS-BAD' }],
      keyA,
      'respond-async',
    );
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('preference-applied')).toBe('respond-async');
    const body = (await accepted.json()) as {
      submissions: Array<{ record: number; trackingId: string; status: string }>;
      summary: { pending: number };
    };
    expect(body.summary.pending).toBe(3);
    const [first, , bad] = body.submissions;
    expect(first).toMatchObject({ record: 1, declarationId: 'BUS-1', status: 'pending' });
    expect((await json(await track(first!.trackingId, keyA))).status).toBe('pending');

    worker.start();
    const until = async (id: string) => {
      for (let i = 0; i < 100; i += 1) {
        const s = await json(await track(id, keyA));
        if (s.status !== 'pending') return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`submission ${id} still pending`);
    };
    expect(await until(first!.trackingId)).toMatchObject({
      status: 'decided',
      declarationId: 'BUS-1',
      result: { declarationId: 'BUS-1', version: 1, status: 'created' },
    });
    expect(await until(bad!.trackingId)).toMatchObject({ status: 'rejected', declarationId: 'BUS-BAD' });
    // Another administration's key: the same answer as a tracking id nobody has.
    const foreign = await track(first!.trackingId, keyB);
    expect(foreign.status).toBe(404);
    expect((await track('999999999', keyB)).status).toBe(404);
    expect((await track('0x10', keyA)).status).toBe(400);

    // Synchronous: the in-process mode's 200 answer, from the results stream.
    const amended = await post(testDeclaration('BUS-1', 'CN'), keyA, 'wait=10');
    expect(amended.status).toBe(200);
    expect(amended.headers.get('preference-applied')).toBe('wait=10');
    expect((await json(amended)).results[0]).toMatchObject({
      record: 1,
      declarationId: 'BUS-1',
      version: 2,
      status: 'amended',
    });
    // The same content again (a duplicate the bus drops): answered from what is stored.
    const again = await post(testDeclaration('BUS-1', 'CN'), keyA);
    expect(again.status).toBe(200);
    expect((await json(again)).results[0]).toMatchObject({ declarationId: 'BUS-1', version: 2 });
    // A body the reader cannot read is refused as before; a bad Prefer names the header.
    expect((await post({ id: 'X' }, keyA, 'wait=soon')).status).toBe(400);

    expect((await app.request('/readyz')).status).toBe(200);
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ok', database: 'ok', bus: 'ok' });
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain(
      'greenlane_http_requests_total{method="POST",route="/v1/declarations",status="202"} 1',
    );
    expect(scraped).toContain('greenlane_intake_queue_depth{partition="0"} 0');

    await worker.stop();
    await bus.close();
    await conn.close();
    await db.dispose();
  }, 30_000);
});

import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS } from '../../test/support/databases.ts';
import { makeDeclaration } from '../../test/support/declaration-fixture.ts';
import type { AssessmentService } from '../app/assess.ts';
import { createAssessmentService } from '../app/assess.ts';
import { busNames, deleteBusStreams, NatsBus } from '../driven/bus/nats-bus.ts';
import { openDatabase } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import { LeaseRepository } from '../driven/store/lease-repository.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import { IntakeWorker } from './intake-worker.ts';
import { assessmentDeps } from './runtime.ts';

const NATS = process.env.GREENLANE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await deleteBusStreams(NATS, p);
});

const until = async (what: () => Promise<boolean>) => {
  for (let i = 0; i < 300 && !(await what()); i += 1) await new Promise((r) => setTimeout(r, 100));
};

for (const dialect of DIALECTS) {
  describe(`IntakeWorker (${dialect}, real NATS)`, () => {
    it('decides each message once in order, publishes results, and sets a poison message aside with its error', async () => {
      const db = await createTestDatabase(dialect);
      const conn = openDatabase(db.url);
      await migrateToLatest(conn);
      const prefix = `scale_test_w${randomBytes(4).toString('hex')}`;
      prefixes.push(prefix);
      const bus = await NatsBus.open({ url: NATS, prefix, partitions: 2, ackWaitMs: 1000 });
      const store = new DeclarationStore(conn);
      const real = createAssessmentService({ ...assessmentDeps({ store }), store }).assess;
      // The pipeline throws on one record: the poison message of this test.
      const assess: AssessmentService['assess'] = async (admin, records, options) => {
        if (records.some((r) => (r.value as { id?: string } | undefined)?.id === 'POISON'))
          throw new Error('cannot assess POISON');
        return real(admin, records, options);
      };
      const metrics = new ClusterMetrics();
      const worker = new IntakeWorker({
        bus,
        assess,
        ensureAdministration: (id, name) => store.ensureAdministration(id, name),
        db: conn.db,
        leases: new LeaseRepository(conn.db),
        holder: 'test/1/a',
        stream: prefix.toUpperCase(),
        leaseMs: 1000,
        ackWaitMs: 1000,
        metrics,
      });
      const bodies = [
        makeDeclaration({ id: 'A-1', invoiceTotal: 100 }),
        makeDeclaration({ id: 'POISON' }),
        makeDeclaration({ id: 'A-1', invoiceTotal: 200 }),
        makeDeclaration({ id: 'A-2' }),
      ];
      for (const [k, d] of bodies.entries())
        await bus.publishDeclaration({
          administration: 'NL',
          declarationId: d.id,
          body: JSON.stringify(d),
          messageId: `NL/${k}`,
        });
      // The same message id again: JetStream drops it.
      const again = await bus.publishDeclaration({
        administration: 'NL',
        declarationId: 'A-2',
        body: JSON.stringify(bodies[3]),
        messageId: 'NL/3',
      });
      expect(again.duplicate).toBe(true);
      worker.start();
      const nc = await connect({ servers: NATS });
      const jsm = await jetstreamManager(nc);
      const names = busNames(prefix);
      await until(async () => (await jsm.streams.info(names.dead)).state.messages >= 1);
      await until(async () => (await jsm.streams.info(names.results)).state.messages >= 3);
      await worker.stop();

      const versions = await conn.db
        .selectFrom('declaration_versions')
        .select(['declaration_id', 'version', 'content'])
        .orderBy('declaration_id')
        .orderBy('version')
        .execute();
      expect(
        versions.map((v) => [v.declaration_id, v.version, JSON.parse(v.content).invoiceTotal as number]),
      ).toEqual([
        ['A-1', 1, 100],
        ['A-1', 2, 200],
        ['A-2', 1, bodies[3]!.invoiceTotal],
      ]);
      const dead = await jsm.streams.getMessage(names.dead, { seq: 1 });
      expect(dead?.header.get('Greenlane-Error')).toContain('cannot assess POISON');
      expect(JSON.parse(dead!.string()).id).toBe('POISON');
      const results = await jsm.streams.info(names.results);
      expect(results.state.messages).toBe(3);
      const first = await jsm.streams.getMessage(names.results, { seq: 1 });
      expect(JSON.parse(first!.string())).toMatchObject({
        type: 'decision',
        administration: 'NL',
        declarationId: 'A-1',
        version: 1,
        status: 'created',
      });
      expect((await bus.intakeDepth()).reduce((a, b) => a + b, 0)).toBe(0);
      await nc.close();
      await bus.close();
      await conn.close();
      await db.dispose();
    }, 60_000);
  });
}

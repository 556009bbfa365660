/**
 * Fault tests of the cluster mode (issue 14) against real NATS JetStream and PostgreSQL, on
 * PostgreSQL only: the cluster mode is PostgreSQL's (SQLite is the single-process mode, and its
 * one writer cannot be shared by processes on several machines).
 *
 * The small version runs in `npm test`; `npm run test:faults` runs the same scenario at full size
 * (GREENLANE_FAULTS=full: 100,000 declarations, 20 kills, the NATS server restarted once).
 */
import { describe, expect, it } from 'vitest';
import { type FaultParameters, runFaults } from './support/cluster-faults.ts';
import { createTestDatabase } from './support/databases.ts';

const full = process.env.GREENLANE_FAULTS === 'full';

const SMALL: Omit<FaultParameters, 'dbUrl'> = {
  declarations: 2000,
  amendEvery: 10,
  workers: 2,
  kills: 3,
  restartNats: false,
  publishRate: 400,
  seed: 14,
  settleMs: 60_000,
};

/**
 * The full run; `GREENLANE_FAULTS_DECLARATIONS` and `GREENLANE_FAULTS_KILLS` make it smaller when a
 * machine has no hours to spare (a run reports the size it ran: docs/SCALING.md, "Fault tests").
 */
const FULL: Omit<FaultParameters, 'dbUrl'> = {
  declarations: Number(process.env.GREENLANE_FAULTS_DECLARATIONS ?? 100_000),
  amendEvery: 10,
  workers: 2,
  kills: Number(process.env.GREENLANE_FAULTS_KILLS ?? 20),
  restartNats: true,
  publishRate: 1200,
  seed: 1400,
  settleMs: 600_000,
};

describe('cluster under faults (postgres)', () => {
  it(
    `decides every declaration exactly once, amendments in order, one verified log (${full ? 'full' : 'small'})`,
    async () => {
      const db = await createTestDatabase('postgres');
      const report = await runFaults({ ...(full ? FULL : SMALL), dbUrl: db.url });
      process.stdout.write(`fault run: ${JSON.stringify({ ...report, verify: report.verify.code })}\n`);
      const params = full ? FULL : SMALL;
      expect(report.kills).toBe(params.kills);
      expect(report.sequencerKills).toBe(1);
      expect(report.natsRestarts).toBe(params.restartNats ? 1 : 0);
      expect(report.notExactlyOnce.slice(0, 10)).toEqual([]);
      expect(report.outOfOrder.slice(0, 10)).toEqual([]);
      expect(report.wrongHead.slice(0, 10)).toEqual([]);
      expect(report.logProblems.slice(0, 10)).toEqual([]);
      expect(report.verify.code, report.verify.output).toBe(0);
      expect(report.missingResults).toBe(0);
      await db.dispose();
    },
    full ? 3_600_000 : 600_000,
  );
});

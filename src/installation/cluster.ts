import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { contentHash } from '../core/declaration/content-hash.ts';
import { checkAdministrationToken, NatsBus, type NatsBusOptions } from '../driven/bus/nats-bus.ts';
import type { InputFormat } from '../driven/input/input-record.ts';
import { readRecords } from '../driven/input/read-records.ts';
import { LeaseRepository } from '../driven/store/lease-repository.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import type { InstallationConfig } from './config.ts';
import { type AssessmentOptions, openInstallation } from './installation.ts';
import { IntakeWorker } from './intake-worker.ts';
import { Sequencer } from './sequencer.ts';

/** A process's id in leases and audit entries: host, pid and a random part (a restart is a new holder). */
export function processHolder(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

export interface ClusterWorkerOptions {
  bus: NatsBusOptions;
  assessment: AssessmentOptions;
  /** Screen parties against the sanctions lists (default true). */
  screening?: boolean;
  /** Compete for the sequencer lease (default true); false: only decide. */
  sequencer?: boolean;
  batchSize?: number;
  leaseMs?: number;
  onError?: (err: unknown, context: string) => void;
}

/** A running worker process: its parts, readiness and one graceful `stop()`. */
export interface ClusterWorker {
  holder: string;
  bus: NatsBus;
  metrics: ClusterMetrics;
  worker: IntakeWorker;
  sequencer?: Sequencer;
  /** Database and bus reachable. */
  ready(): Promise<{ database: boolean; bus: boolean }>;
  /** Finishes the batches in hand, hands the leases over, closes bus and installation. */
  stop(): Promise<void>;
}

/**
 * Opens a worker of the cluster: the installation (database, screening, assessment pipeline; no
 * log of its own: decisions are appended by the sequencer), the bus, the intake worker, and the
 * sequencer candidate. `greenlane worker` runs it until SIGTERM.
 *
 * @example
 * const w = await openClusterWorker(installationConfig(db), { bus: { url }, assessment: { profilesDir, profiles: 'stored' } });
 * process.once('SIGTERM', () => void w.stop());
 */
export async function openClusterWorker(
  config: InstallationConfig,
  options: ClusterWorkerOptions,
): Promise<ClusterWorker> {
  const holder = processHolder();
  const onError = options.onError ?? (() => undefined);
  const inst = await openInstallation(config, {
    log: false,
    screening: options.screening ?? true,
    assessment: { contextRefreshMs: 1000, ...options.assessment },
  });
  let bus: NatsBus;
  try {
    bus = await NatsBus.open(options.bus);
  } catch (err) {
    await inst.close();
    throw err;
  }
  const metrics = new ClusterMetrics(bus);
  const leases = new LeaseRepository(inst.conn.db);
  const leaseMs = options.leaseMs ?? 3000;
  const sequencer =
    options.sequencer === false
      ? undefined
      : new Sequencer({
          conn: inst.conn,
          leases,
          holder,
          env: config.env,
          leaseMs,
          metrics,
          onError: (err) => onError(err, 'sequencer'),
        });
  const worker = new IntakeWorker({
    bus,
    assess: inst.assessment.assess,
    ensureAdministration: (id, name) => inst.store.ensureAdministration(id, name),
    db: inst.conn.db,
    leases,
    holder,
    stream: (options.bus.prefix ?? 'greenlane').toUpperCase(),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    leaseMs,
    ackWaitMs: options.bus.ackWaitMs ?? 10_000,
    metrics,
    onError,
  });
  sequencer?.start();
  worker.start();
  let stopping: Promise<void> | undefined;
  return {
    holder,
    bus,
    metrics,
    worker,
    ...(sequencer ? { sequencer } : {}),
    ready: async () => ({
      database: await sql`select 1`
        .execute(inst.conn.db)
        .then(() => true)
        .catch(() => false),
      bus: await bus.ping(),
    }),
    stop: () => {
      stopping ??= (async () => {
        await worker.stop();
        await sequencer?.stop();
        await bus.close();
        await inst.close();
      })();
      return stopping;
    },
  };
}

/** Tries of one publication before `greenlane publish` gives up (10 s each at most, then a pause of up to 2 s). */
const PUBLISH_ATTEMPTS = 40;

/** What `greenlane publish` did. */
export interface PublishSummary {
  published: number;
  duplicates: number;
  rejected: number;
}

/**
 * Puts each record of a file on the intake stream (`greenlane publish`): message id
 * `<administration>/<content hash>`, so a republished record counts as a duplicate; a record its
 * reader cannot read is rejected (its reasons go to `onReject`) and not published.
 */
export async function publishRecords(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  format: InputFormat,
  options: {
    bus: NatsBusOptions;
    administration: string;
    sourceName: string;
    onReject: (record: number, reasons: string) => void;
    /** Publications in flight at once (default 256). */
    window?: number;
  },
): Promise<PublishSummary> {
  const administration = checkAdministrationToken(options.administration);
  const bus = await NatsBus.open(options.bus);
  const summary: PublishSummary = { published: 0, duplicates: 0, rejected: 0 };
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const rec of readRecords(source, format)) {
      if (rec.errors || rec.value === undefined) {
        summary.rejected += 1;
        options.onReject(
          rec.record,
          (rec.errors ?? []).map((e) => `${e.path || '/'}: ${e.message}`).join('; ') || 'no value',
        );
        continue;
      }
      const value = rec.value as { id?: unknown };
      const hash = contentHash(rec.value);
      const message = {
        administration,
        declarationId: typeof value.id === 'string' ? value.id : hash,
        body: JSON.stringify(rec.value),
        messageId: `${administration}/${hash}`,
        source: options.sourceName,
      };
      const p = (async () => {
        // A publication without its acknowledgement (NATS restarting, a timeout) is sent again:
        // the message id makes that safe, and a duplicate after a retry is this record landing.
        for (let attempt = 1; ; attempt += 1) {
          try {
            const ack = await bus.publishDeclaration(message);
            if (ack.duplicate && attempt === 1) summary.duplicates += 1;
            else summary.published += 1;
            return;
          } catch (err) {
            if (attempt >= PUBLISH_ATTEMPTS) throw err;
            await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
          }
        }
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => undefined);
      if (inFlight.size >= (options.window ?? 256)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await bus.close();
  }
  return summary;
}

import type { StoreConnection } from '../driven/database/database.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import type { LeaseRepository } from '../driven/store/lease-repository.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { openTransparencyLog } from './transparency-log.ts';

/** The lease the one appender of the transparency log holds. */
export const SEQUENCER_LEASE = 'sequencer';

export interface SequencerOptions {
  conn: StoreConnection;
  leases: LeaseRepository;
  /** This process (`host/pid/random`). */
  holder: string;
  env: NodeJS.ProcessEnv;
  /** The lease lapses this long after the holder's last renewal (default 3000 ms): the takeover time. */
  leaseMs?: number;
  /** How often the holder renews and drains pending entries (default 100 ms). */
  intervalMs?: number;
  metrics?: ClusterMetrics;
  onError?: (err: unknown) => void;
}

/**
 * One linear transparency log for many workers: workers only commit decisions with their pending
 * log entries (`ledger_records`, same transaction); the process holding the `sequencer` lease
 * turns pending entries into leaves, and signs a checkpoint every second. When the holder dies, the
 * lease lapses after `leaseMs` and the next process to renew takes over; the log's compare-and-set
 * on its size (`LogStore.appendBatch`) and the claim of each record keep even a lapsed holder that
 * still finishes an append from forking the tree or logging a record twice.
 *
 * @example
 * const sequencer = new Sequencer({ conn, leases, holder, env: process.env });
 * sequencer.start();
 * // ... on SIGTERM:
 * await sequencer.stop();
 */
export class Sequencer {
  private log: TransparencyLog | undefined;
  private leader = false;
  private stopping = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SequencerOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    const interval = this.options.intervalMs ?? 100;
    while (!this.stopping) {
      try {
        await this.tick();
      } catch (err) {
        this.setLeader(false);
        this.options.onError?.(err);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, interval).unref();
      });
    }
  }

  /** Renews (or tries to take) the lease; as the holder, appends every pending entry. */
  async tick(): Promise<void> {
    const { leases, holder } = this.options;
    const grant = await leases.acquire(SEQUENCER_LEASE, holder, this.options.leaseMs ?? 3000);
    this.setLeader(grant.held);
    if (!grant.held) return;
    if (!this.log) {
      // Opening drains what is pending (the start-up catch-up of the log).
      this.log = await openTransparencyLog(this.options.conn, {
        env: this.options.env,
        ...(this.options.onError ? { onError: this.options.onError } : {}),
      });
    } else {
      await this.log.drainRecords();
    }
    this.options.metrics?.logAppended.inc();
  }

  private setLeader(leader: boolean): void {
    this.leader = leader;
    this.options.metrics?.sequencerLeader.set(leader ? 1 : 0);
  }

  /** Stops: as the holder, a last drain and checkpoint, then the lease is released for a clean handover. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    if (this.log) {
      if (this.leader) await this.log.close();
      else await this.log.settle();
    }
    if (this.leader) await this.options.leases.release(SEQUENCER_LEASE, this.options.holder);
    this.setLeader(false);
  }
}

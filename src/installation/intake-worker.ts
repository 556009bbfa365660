import { type Kysely, sql } from 'kysely';
import type { AssessmentLine, AssessmentService } from '../app/assess.ts';
import type { DeclarationBus, IntakeMessage, ResultPublish } from '../app/ports/declaration-bus.ts';
import type { InputRecord } from '../app/ports/input-record.ts';
import { GreenlaneError } from '../core/error.ts';
import type { Database } from '../driven/database/schema.ts';
import { IntakeReads, streamSource, versionDecisions } from '../driven/store/intake-reads.ts';
import type { LeaseRepository } from '../driven/store/lease-repository.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';

export interface IntakeWorkerOptions {
  bus: DeclarationBus;
  assess: AssessmentService['assess'];
  ensureAdministration(id: string, name: string): Promise<unknown>;
  db: Kysely<Database>;
  leases: LeaseRepository;
  /** This process (`host/pid/random`). */
  holder: string;
  /** The intake stream's name (versions and rejects record `stream:<stream>@<sequence>`). */
  stream: string;
  /** Most messages taken per fetch (default 500); with `maxAckPending` of the bus, the memory bound. */
  batchSize?: number;
  /**
   * How long one pull stays open (default 5000 ms; NATS allows 1000 at least). The bus's
   * heartbeats come every half of it; a process that misses two fails its pull.
   */
  fetchWaitMs?: number;
  /** Partition and membership leases lapse this long after the last renewal (default 3000 ms). */
  leaseMs?: number;
  /** The bus's ack wait: a partition taken from a crashed owner is read after it (its messages come back first). */
  ackWaitMs: number;
  /** A message that fails alone this many deliveries goes to the dead-letter stream (default 3). */
  maxDeliveries?: number;
  metrics: ClusterMetrics;
  onError?: (err: unknown, context: string) => void;
}

/** How long one pull stays open by default: long enough that a starved process rarely misses its heartbeats. */
const DEFAULT_FETCH_WAIT_MS = 5000;

/** Passes at once: while one commits and publishes, the next is read and decided. */
const PASSES_AT_ONCE = 2;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The results stream's message for one line (format: docs/SCALING.md, "Results stream"). */
function resultOf(admin: string, message: IntakeMessage, line: AssessmentLine): ResultPublish {
  if ('rejected' in line) {
    return {
      administration: admin,
      messageId: `${admin}/reject/${message.sequence}`,
      body: JSON.stringify({
        type: 'reject',
        administration: admin,
        ...(line.declarationId ? { declarationId: line.declarationId } : {}),
        errors: line.errors,
        intakeSequence: message.sequence,
      }),
    };
  }
  return {
    administration: admin,
    messageId: `${admin}/${line.declarationId}/${line.version}`,
    body: JSON.stringify({
      type: 'decision',
      administration: admin,
      declarationId: line.declarationId,
      version: line.version,
      status: line.status,
      channel: line.channel,
      score: line.score,
      summary: line.summary,
      reasons: line.reasons,
      decidedAt: line.decidedAt,
      intakeSequence: message.sequence,
    }),
  };
}

/** A partition this worker holds: whether to give it up, its loop, and when its lease was last renewed. */
interface PartitionState {
  release: boolean;
  loop: Promise<void>;
  /** `performance.now()` of the last renewal that held. */
  renewedAt: number;
}

/** A partition's run waiting for the worker's next pass, and how to tell its pull the outcome. */
interface QueuedRun {
  partition: number;
  batch: readonly IntakeMessage[];
  state: PartitionState;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * A run that must not go on: a message failed (and is delivered again before anything after it),
 * the results could not be published, or the partition's lease was lost.
 */
class PartitionStall extends GreenlaneError<'PARTITION_STALL'> {
  override name = 'PartitionStall';
  constructor(message: string) {
    super('PARTITION_STALL', message);
  }
}

/**
 * A worker of the cluster (`greenlane worker`): owns a fair share of the intake partitions (one
 * lease each, shared out by the live members), takes each partition's messages a batch after the
 * other, assesses them with the installation's pipeline (which commits each administration's
 * group in one transaction with the decisions' pending log entries), publishes the decisions on
 * the results stream and acknowledges the messages only then.
 *
 * Exactly once: every stored version records the message it came from (`stream:<stream>@<seq>`),
 * so a redelivered message whose version is stored, or an older amendment than one stored, is not
 * applied again (its result is published again; the results stream drops the duplicate). A
 * message that fails alone `maxDeliveries` times goes to the dead-letter stream with the error.
 */
export class IntakeWorker {
  private readonly reads: IntakeReads;
  private readonly owned = new Map<number, PartitionState>();
  private readonly administrations = new Set<string>();
  private readonly queued: QueuedRun[] = [];
  private passing = 0;
  private stopping = false;
  private balancing: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly leaseMs: number;

  constructor(private readonly options: IntakeWorkerOptions) {
    this.reads = new IntakeReads(options.db);
    this.leaseMs = options.leaseMs ?? 3000;
  }

  private get memberLease() {
    return `member:${this.options.stream}:${this.options.holder}`;
  }

  private partitionLease(p: number) {
    return `partition:${this.options.stream}:${p}`;
  }

  start(): void {
    this.balancing ??= this.balanceLoop();
  }

  /** Partitions this worker holds now. */
  get partitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  private async balanceLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.balance();
      } catch (err) {
        this.options.onError?.(err, 'partition leases');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.leaseMs / 3).unref();
      });
    }
  }

  /** Renews membership and owned partitions; takes or gives up partitions towards a fair share. */
  private async balance(): Promise<void> {
    const { leases, holder, bus } = this.options;
    await leases.acquire(this.memberLease, holder, this.leaseMs);
    const members = [...(await leases.live(`member:${this.options.stream}:`)).values()].sort();
    const share = Math.ceil(bus.partitions / Math.max(1, members.length));
    const held = [...this.owned].filter(([, s]) => !s.release);
    const asked = performance.now();
    const renewed = await leases.renew(
      held.map(([p]) => this.partitionLease(p)),
      holder,
      this.leaseMs,
    );
    for (const [p, state] of held) {
      if (renewed.has(this.partitionLease(p))) state.renewedAt = asked;
      else state.release = true;
    }
    const kept = [...this.owned].filter(([, s]) => !s.release).map(([p]) => p);
    for (const p of kept.slice(share)) this.owned.get(p)!.release = true;
    if (kept.length >= share) return;
    // Start looking at a different partition on each member, so they do not all race for the same.
    const offset = Math.max(0, members.indexOf(holder)) * share;
    let have = kept.length;
    for (let k = 0; k < bus.partitions && have < share && !this.stopping; k += 1) {
      const p = (offset + k) % bus.partitions;
      if (this.owned.has(p)) continue;
      const asked = performance.now();
      const grant = await leases.acquire(this.partitionLease(p), holder, this.leaseMs);
      if (!grant.held) continue;
      have += 1;
      const state: PartitionState = { release: false, loop: Promise.resolve(), renewedAt: asked };
      this.owned.set(p, state);
      state.loop = this.runPartition(p, state, grant.tookOverLapsed);
    }
    this.options.metrics.partitionsOwned.set(this.owned.size);
  }

  private async runPartition(p: number, state: PartitionState, tookOverLapsed: boolean): Promise<void> {
    const { bus } = this.options;
    // The crashed owner's unacknowledged messages are delivered again after the ack wait, and
    // before anything newer: reading earlier would take newer messages of the partition first.
    // A lapsed owner that is only slow may still commit what it decided under its last renewal
    // (up to a lease later), so the wait is a lease longer.
    if (tookOverLapsed) await sleep(this.leaseMs + this.options.ackWaitMs + 250);
    while (!this.stopping && !state.release) {
      try {
        await bus.pullIntake(
          p,
          { max: this.options.batchSize ?? 500, waitMs: this.options.fetchWaitMs ?? DEFAULT_FETCH_WAIT_MS },
          async (run) => {
            const started = performance.now();
            await this.enqueue(p, run, state);
            this.options.metrics.batchSeconds.observe((performance.now() - started) / 1000);
          },
        );
      } catch (err) {
        this.options.onError?.(err, `partition ${p}`);
        await this.afterFailedPull(p);
      }
    }
    this.owned.delete(p);
    this.options.metrics.partitionsOwned.set(this.owned.size);
    await this.options.leases.release(this.partitionLease(p), this.options.holder).catch(() => undefined);
  }

  /**
   * What was not acknowledged comes back after the ack wait, ahead of newer messages, so pulling
   * again before it would take newer messages first. But a pull that failed with everything it
   * delivered acknowledged (missed heartbeats of a process starved of CPU, a reconnect) leaves
   * nothing behind: once the bus has no pull of the partition open and nothing unacknowledged,
   * the next pull continues in order at once. Otherwise the ack wait is waited out.
   */
  private async afterFailedPull(p: number): Promise<void> {
    const { bus, ackWaitMs } = this.options;
    const deadline = performance.now() + (this.options.fetchWaitMs ?? DEFAULT_FETCH_WAIT_MS) + 500;
    const started = performance.now();
    while (performance.now() < deadline && !this.stopping) {
      if (await bus.settled(p).catch(() => false)) return;
      await sleep(250);
    }
    await sleep(Math.max(0, ackWaitMs + 250 - (performance.now() - started)));
  }

  /**
   * Hands a partition's run to the worker's passes; settles when the run is decided, committed,
   * published and acknowledged (or failed: the partition's pull stops behind it). A partition has
   * at most one run queued, since its pull hands over the next only once this one settled, so each
   * partition's order is kept.
   */
  private enqueue(partition: number, batch: readonly IntakeMessage[], state: PartitionState): Promise<void> {
    for (const m of batch) if (m.deliveries > 1) this.options.metrics.redeliveries.inc();
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ partition, batch, state, resolve, reject });
      if (this.passing < PASSES_AT_ONCE) void this.passes();
    });
  }

  /**
   * Passes over everything the partitions delivered meanwhile, {@link PASSES_AT_ONCE} at a time.
   * A run's fixed costs (the sequence checks, heads and parties read, one commit, the audit entry)
   * are paid once per pass and administration instead of once per partition's run, and eight
   * partitions' runs no longer compete for the event loop and the database at once: that
   * competition, not the work, set the latency at half of peak (runs averaged 56 messages).
   */
  private async passes(): Promise<void> {
    this.passing += 1;
    try {
      while (this.queued.length > 0) await this.pass(this.takeRuns());
    } finally {
      this.passing -= 1;
    }
  }

  /**
   * Whole runs off the queue, oldest first, up to about `batchSize` messages (one run at least):
   * a pass's transaction stays as large as one partition's run could be, and a second pass can
   * start on the rest at once.
   */
  private takeRuns(): QueuedRun[] {
    const most = this.options.batchSize ?? 500;
    let k = 0;
    let messages = 0;
    while (k < this.queued.length && (k === 0 || messages + this.queued[k]!.batch.length <= most)) {
      messages += this.queued[k]!.batch.length;
      k += 1;
    }
    return this.queued.splice(0, k);
  }

  /**
   * The runs' messages as one group per administration, each partition's messages in their order
   * (messages of different partitions are different declarations). A group that fails sends each
   * run it took messages from through {@link processBatch} on its own, as a lone run would go: what
   * was committed meanwhile is recognised as applied, a failing message is retried alone and in
   * the end set aside, a lost lease stalls only its partition.
   */
  private async pass(runs: readonly QueuedRun[]): Promise<void> {
    const groups = new Map<string, { messages: IntakeMessage[]; runs: QueuedRun[] }>();
    for (const run of runs) {
      for (const m of run.batch) {
        let group = groups.get(m.administration);
        if (!group) {
          group = { messages: [], runs: [] };
          groups.set(m.administration, group);
        }
        group.messages.push(m);
        if (group.runs.at(-1) !== run) group.runs.push(run);
      }
    }
    const states = new Map(runs.map((r) => [r.partition, r.state]));
    const failed = new Set<QueuedRun>();
    if (runs.length > 1) {
      for (const group of groups.values()) {
        try {
          await this.processGroup(group.messages, states);
        } catch {
          for (const run of group.runs) failed.add(run);
        }
      }
    }
    await Promise.all(
      runs.map(async (run) => {
        try {
          if (runs.length === 1 || failed.has(run)) await this.processBatch(run.batch, run.state);
          run.resolve();
        } catch (err) {
          run.reject(err);
        }
      }),
    );
  }

  /** Each administration's run of consecutive messages in order; a failing group is retried message by message. */
  private async processBatch(batch: readonly IntakeMessage[], state: PartitionState): Promise<void> {
    const states = new Map([[batch[0]!.partition, state]]);
    let i = 0;
    while (i < batch.length) {
      let j = i + 1;
      while (j < batch.length && batch[j]!.administration === batch[i]!.administration) j += 1;
      const group = batch.slice(i, j);
      try {
        await this.processGroup(group, states);
      } catch (err) {
        if (err instanceof PartitionStall || group.length === 1) await this.failAlone(group[0]!, err);
        else for (const m of group) await this.processGroup([m], states).catch((e) => this.failAlone(m, e));
      }
      i = j;
    }
  }

  /**
   * A message that failed on its own: delivered again, or after `maxDeliveries` set aside as poison
   * — unless the failure was the outside world (bus, database), which no message is to blame for.
   */
  private async failAlone(m: IntakeMessage, err: unknown): Promise<void> {
    if (err instanceof PartitionStall) throw err;
    if (m.deliveries < (this.options.maxDeliveries ?? 3) || !(await this.databaseAnswers()))
      throw new PartitionStall((err as Error).message);
    await this.options.bus.deadLetter(m, (err as Error).message ?? String(err));
    this.options.metrics.deadLetters.inc();
    this.options.metrics.messages.inc({ outcome: 'dead_letter' });
  }

  /**
   * Fencing: the partition's lease held within the last third of its length (renewed now when it
   * was not), so no other worker can have taken it over and started on later messages before this
   * run commits (a taker waits out the lease and then a lease and the ack wait more); the unique
   * index on the message's source backs it up.
   */
  private async holdLease(partition: number, state: PartitionState): Promise<void> {
    if (performance.now() - state.renewedAt < this.leaseMs / 3) return;
    const asked = performance.now();
    const grant = await this.options.leases.acquire(
      this.partitionLease(partition),
      this.options.holder,
      this.leaseMs,
    );
    if (!grant.held) throw new PartitionStall('the partition lease was lost');
    state.renewedAt = asked;
  }

  /** Decides, commits, publishes and acknowledges one administration's messages (of the partitions in `states`). */
  private async processGroup(
    group: readonly IntakeMessage[],
    states: ReadonlyMap<number, PartitionState>,
  ): Promise<void> {
    const { bus, metrics } = this.options;
    const admin = group[0]!.administration;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(admin)) throw new Error(`no administration in the subject`);
    if (!this.administrations.has(admin)) {
      await this.options.ensureAdministration(admin, admin);
      this.administrations.add(admin);
    }
    const parsed = group.map((m) => {
      try {
        const value: unknown = JSON.parse(m.body);
        const id =
          value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string'
            ? (value as { id: string }).id
            : undefined;
        return { m, value, id };
      } catch (err) {
        return { m, value: undefined, id: undefined, error: (err as Error).message };
      }
    });
    const sources = group.map((m) => streamSource(this.options.stream, m.sequence));
    // Independent reads at once: on a busy machine each round trip waits for the scheduler.
    const [applied, rejected] = await Promise.all([
      this.reads.appliedSequences(
        admin,
        this.options.stream,
        parsed.flatMap((p) => (p.id ? [p.id] : [])),
      ),
      this.reads.rejectedSources(admin, sources),
      ...[...new Set(group.map((m) => m.partition))].map((p) => this.holdLease(p, states.get(p)!)),
    ]);
    const fresh: typeof parsed = [];
    const again: Array<{ declarationId: string; version: number; m: IntakeMessage }> = [];
    for (const p of parsed) {
      const versions = p.id ? applied.get(p.id) : undefined;
      const stored = versions?.get(p.m.sequence);
      if (stored !== undefined) again.push({ declarationId: p.id!, version: stored, m: p.m });
      else if (versions && Math.max(...versions.keys()) > p.m.sequence) {
        // An amendment older than one already stored: applying it now would put it on top.
      } else if (!rejected.has(streamSource(this.options.stream, p.m.sequence))) fresh.push(p);
    }
    const results: ResultPublish[] = [];
    if (fresh.length > 0) {
      const records: InputRecord[] = fresh.map((p, k) => ({
        record: k + 1,
        source: streamSource(this.options.stream, p.m.sequence),
        ...(p.error === undefined
          ? { value: p.value }
          : { raw: p.m.body, errors: [{ path: '', code: 'malformed_syntax' as const, message: p.error }] }),
      }));
      const lines = await this.options.assess(admin, records, {
        source: `stream:${this.options.stream}`,
        actor: `worker ${this.options.holder}`,
      });
      const now = Date.now();
      lines.forEach((line, k) => {
        const m = fresh[k]!.m;
        results.push(resultOf(admin, m, line));
        metrics.messages.inc({
          outcome: 'rejected' in line ? 'rejected' : line.status === 'unchanged' ? 'unchanged' : 'decided',
        });
        metrics.latency.observe(Math.max(0, now - m.publishedAt) / 1000);
      });
    }
    if (again.length > 0) {
      const decisions = await versionDecisions(this.options.db, admin, again);
      const byKey = new Map(decisions.map((d) => [`${d.declarationId}\u0000${d.version}`, d]));
      for (const a of again) {
        const d = byKey.get(`${a.declarationId}\u0000${a.version}`);
        if (!d) continue;
        const { decisionId: _id, ...line } = d;
        results.push(
          resultOf(admin, a.m, {
            ...line,
            status: a.version === 1 ? 'created' : 'amended',
          } as AssessmentLine),
        );
      }
    }
    metrics.messages.inc({ outcome: 'already_applied' }, group.length - fresh.length);
    try {
      if (results.length > 0) await bus.publishResults(results);
      for (const m of group) await m.ack();
    } catch (err) {
      // Decided and committed: delivered again, the messages are recognised as applied.
      throw new PartitionStall(`publishing the results failed: ${(err as Error).message}`);
    }
  }

  private databaseAnswers(): Promise<boolean> {
    return sql`select 1`
      .execute(this.options.db)
      .then(() => true)
      .catch(() => false);
  }

  /**
   * Graceful stop: no new fetches, the batches in hand finish (decided, committed, published,
   * acknowledged), then the partition and membership leases are released for a clean handover.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.balancing;
    await Promise.all([...this.owned.values()].map((s) => s.loop));
    await this.options.leases.release(this.memberLease, this.options.holder).catch(() => undefined);
  }
}

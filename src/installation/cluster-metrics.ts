import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeclarationBus } from '../app/ports/declaration-bus.ts';
import { intakeDepthGauge } from '../driven/bus/intake-depth-gauge.ts';

/** What happened to an intake message (label `outcome` of `greenlane_intake_messages_total`). */
export type IntakeOutcome = 'decided' | 'unchanged' | 'rejected' | 'already_applied' | 'dead_letter';

/**
 * The Prometheus metrics of a worker process (`GET /metrics` on its operations port): throughput
 * and outcomes, redeliveries, dead letters, end-to-end latency (publication to committed decision)
 * as a histogram, the intake depth read from the bus at each scrape, and the roles it holds.
 * Names and their meaning: docs/SCALING.md, "Metrics".
 */
export class ClusterMetrics {
  readonly registry = new Registry();
  readonly messages: Counter<'outcome'>;
  readonly redeliveries: Counter;
  readonly deadLetters: Counter;
  readonly latency: Histogram;
  readonly batchSeconds: Histogram;
  readonly sequencerLeader: Gauge;
  readonly partitionsOwned: Gauge;
  readonly logAppended: Counter;

  constructor(bus?: DeclarationBus) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'greenlane_process_' });
    this.messages = new Counter({
      name: 'greenlane_intake_messages_total',
      help: 'Intake messages processed, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.redeliveries = new Counter({
      name: 'greenlane_intake_redeliveries_total',
      help: 'Intake messages received again after a delivery that was not acknowledged',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'greenlane_dead_letters_total',
      help: 'Intake messages moved to the dead-letter stream',
      registers,
    });
    this.latency = new Histogram({
      name: 'greenlane_decision_latency_seconds',
      help: 'From publication on the intake stream to the committed decision',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'greenlane_worker_batch_seconds',
      help: 'Time to assess, commit and acknowledge one fetched batch',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.sequencerLeader = new Gauge({
      name: 'greenlane_sequencer_leader',
      help: '1 while this process holds the sequencer lease (appends to the transparency log)',
      registers,
    });
    this.partitionsOwned = new Gauge({
      name: 'greenlane_partitions_owned',
      help: 'Intake partitions this worker holds the lease of',
      registers,
    });
    this.logAppended = new Counter({
      name: 'greenlane_log_drains_total',
      help: 'Drains of pending log entries run by this process as the sequencer',
      registers,
    });
    if (bus) intakeDepthGauge(registers, () => bus.intakeDepth());
  }
}

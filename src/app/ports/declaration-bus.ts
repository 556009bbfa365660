/**
 * The message bus a cluster of Greenlane processes shares (issue 14): declarations in on an intake
 * stream, decisions out on a results stream, poison messages aside on a dead-letter stream.
 * `driven/bus/nats-bus.ts` implements it over NATS JetStream; a Kafka adapter would implement the
 * same four verbs (partitions map to Kafka partitions, the sequence to the offset).
 *
 * Intake is partitioned by a hash of the declaration id, so every version of one declaration is in
 * one partition, in the order it was published; a worker owns a partition at a time (a lease) and
 * takes its messages one batch after the other, which keeps amendments in order.
 *
 * @example
 * const bus = await openNatsBus({ url: 'nats://127.0.0.1:4222' });
 * await bus.publishDeclaration({ administration: 'NL', declarationId: 'D1', body, messageId: hash });
 * await bus.pullIntake(3, { max: 200, waitMs: 1000 }, async (run) => {
 *   for (const m of run) await m.ack();
 * });
 */
export interface DeclarationBus {
  /** Partitions of the intake stream (fixed when the stream is created). */
  readonly partitions: number;
  /**
   * Puts one declaration on the intake stream. `messageId` (the content hash) makes a republish
   * within the bus's duplicate window a no-op that reports `duplicate: true`.
   */
  publishDeclaration(message: IntakePublish): Promise<{ sequence: number; duplicate: boolean }>;
  /**
   * One pull of up to `max` messages of a partition, open for at most `waitMs` (at least 1 s):
   * messages are handed to `handle` in order, in runs of whatever has arrived while the previous
   * run was handled, so a lone message waits for nothing. Resolves when the pull is over and every
   * run handled; when `handle` throws, the rest of the pull is left unacknowledged (delivered again
   * after the bus's ack wait) and the error rejects. When the pull itself fails (missed
   * heartbeats, a reconnect), what it delivered is still handled before the error rejects.
   */
  pullIntake(
    partition: number,
    options: { max: number; waitMs: number },
    handle: (run: IntakeMessage[]) => Promise<void>,
  ): Promise<void>;
  /**
   * Whether a partition has no pull request open on the bus and nothing delivered but
   * unacknowledged: after a failed pull (missed heartbeats on a starved machine), nothing can
   * still arrive out of order, so the owner may pull again at once instead of waiting the ack wait.
   */
  settled(partition: number): Promise<boolean>;
  /** Publishes one decision on the administration's results stream. */
  publishResults(messages: readonly ResultPublish[]): Promise<void>;
  /** Moves a message that cannot be processed aside with the error, then acknowledges it. */
  deadLetter(message: IntakeMessage, error: string): Promise<void>;
  /**
   * Listens to an administration's results stream as decisions are published (no replay): how an
   * API server answers a submission synchronously. Returns the function that stops listening.
   */
  onResults(administration: string, listener: (body: string) => void): () => void;
  /** The intake message at a stream sequence (a tracking id), or undefined when there is none. */
  intakeAt(sequence: number): Promise<Omit<IntakeMessage, 'ack' | 'deliveries'> | undefined>;
  /** The highest sequence up to which every message of the partition is acknowledged (decided). */
  acknowledgedThrough(partition: number): Promise<number>;
  /** Messages waiting or unacknowledged on the intake stream, per partition. */
  intakeDepth(): Promise<number[]>;
  /** Whether the bus answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface IntakePublish {
  administration: string;
  /** Chooses the partition; the message id's hash when the record has no readable id. */
  declarationId: string;
  /** The record as JSON text. */
  body: string;
  /** The bus's dedupe key: `<administration>/<content hash>`. */
  messageId: string;
  /** Where the record came from (`api`, `file:<name>`), kept with the stored version. */
  source?: string;
}

/** One intake message as a worker holds it. */
export interface IntakeMessage {
  administration: string;
  partition: number;
  /** The stream sequence: increases with publication order, the same on every redelivery. */
  sequence: number;
  /** 1 on the first delivery. */
  deliveries: number;
  body: string;
  messageId: string;
  source?: string;
  /** Publication time (ms since the epoch), for end-to-end latency. */
  publishedAt: number;
  ack(): Promise<void>;
}

/** One decision on the results stream (format: docs/SCALING.md, "Results stream"). */
export interface ResultPublish {
  administration: string;
  body: string;
  /** Dedupe key: the decision id (a redelivered message republishes the same decision). */
  messageId: string;
}

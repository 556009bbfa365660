import { createHash } from 'node:crypto';
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import type {
  DeclarationBus,
  IntakeMessage,
  IntakePublish,
  ResultPublish,
} from '../../app/ports/declaration-bus.ts';
import { BusError } from './bus-error.ts';

/** How the bus is laid out on the NATS server; every name is derived from `prefix`. */
export interface NatsBusOptions {
  /** `nats://host:port` (several comma-separated for a cluster). */
  url: string;
  /**
   * Prefix of the stream, consumer and subject names (default `greenlane`): streams
   * `<PREFIX>_INTAKE`, `<PREFIX>_RESULTS`, `<PREFIX>_DEAD`; subjects `<prefix>.intake.<admin>.<p>`,
   * `<prefix>.results.<admin>`, `<prefix>.dead.<admin>`. Tests use their own (`scale_test_…`).
   */
  prefix?: string;
  /** Partitions of a new intake stream (default 8); an existing stream keeps its own. */
  partitions?: number;
  /** Unacknowledged messages a partition may have out at once (default 1000): the back-pressure. */
  maxAckPending?: number;
  /** How long a delivered message may stay unacknowledged before it is delivered again (default 10 s). */
  ackWaitMs?: number;
  /** JetStream's dedupe window for message ids (default 2 minutes). */
  duplicateWindowMs?: number;
}

const PUBLISHED_AT = 'Greenlane-Published-At';
const SOURCE = 'Greenlane-Source';
const ERROR = 'Greenlane-Error';
const ORIGINAL_SUBJECT = 'Greenlane-Subject';
const ORIGINAL_SEQUENCE = 'Greenlane-Sequence';
const PARTITIONS_TAG = /partitions=(\d+)/;

/** A subject token: administrations are codes (`NL`, `demo-ke`), never dots or wildcards. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function checkAdministrationToken(administration: string): string {
  if (!TOKEN.test(administration))
    throw new BusError(
      'INVALID_SUBJECT',
      `administration "${administration}" cannot be a subject token (letters, digits, _ and - only)`,
    );
  return administration;
}

/** The intake partition of a declaration id: the first 32 bits of its SHA-256, modulo the count. */
export function partitionOf(declarationId: string, partitions: number): number {
  return createHash('sha256').update(declarationId).digest().readUInt32BE(0) % partitions;
}

/** The stream and subject names of a prefix (see {@link NatsBusOptions.prefix}). */
export function busNames(prefix = 'greenlane') {
  const upper = prefix.toUpperCase();
  return {
    intake: `${upper}_INTAKE`,
    results: `${upper}_RESULTS`,
    dead: `${upper}_DEAD`,
    intakeSubject: (admin: string, partition: number) => `${prefix}.intake.${admin}.${partition}`,
    resultsSubject: (admin: string) => `${prefix}.results.${admin}`,
    deadSubject: (admin: string) => `${prefix}.dead.${admin}`,
    consumer: (partition: number) => `${prefix}_p${partition}`,
    prefix,
  };
}

/**
 * The {@link DeclarationBus} over NATS JetStream: three file-backed streams (intake with limits
 * retention, results and dead letters), one durable pull consumer per intake partition with explicit
 * acks and `max_ack_pending` as back-pressure. Streams and consumers are created when missing.
 */
export class NatsBus implements DeclarationBus {
  private readonly consumers = new Map<number, Consumer>();
  private readonly names: ReturnType<typeof busNames>;

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly partitions: number,
    private readonly options: NatsBusOptions,
  ) {
    this.names = busNames(options.prefix);
  }

  static async open(options: NatsBusOptions): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: options.url.split(','),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        name: 'greenlane',
        // A stack trace captured per request (every JetStream publish) costs more CPU than the
        // publish itself at thousands a second; errors still say what failed.
        noAsyncTraces: true,
      });
    } catch (cause) {
      throw new BusError('UNREACHABLE', `cannot connect to NATS at ${options.url}`, { cause });
    }
    try {
      const jsm = await jetstreamManager(nc);
      const partitions = await ensureStreams(jsm, options);
      const bus = new NatsBus(nc, jetstream(nc), jsm, partitions, options);
      return bus;
    } catch (err) {
      await nc.close();
      throw err instanceof BusError
        ? err
        : new BusError('UNREACHABLE', `JetStream is not available at ${options.url}`, { cause: err });
    }
  }

  async publishDeclaration(message: IntakePublish): Promise<{ sequence: number; duplicate: boolean }> {
    const admin = checkAdministrationToken(message.administration);
    const h = headers();
    h.set(PUBLISHED_AT, String(Date.now()));
    if (message.source) h.set(SOURCE, message.source);
    const ack = await this.js.publish(
      this.names.intakeSubject(admin, partitionOf(message.declarationId, this.partitions)),
      message.body,
      { msgID: message.messageId, headers: h, timeout: 10_000 },
    );
    return { sequence: ack.seq, duplicate: ack.duplicate };
  }

  async pullIntake(
    partition: number,
    options: { max: number; waitMs: number },
    handle: (run: IntakeMessage[]) => Promise<void>,
  ): Promise<void> {
    const consumer = await this.consumer(partition);
    const iterator = await consumer.fetch({
      max_messages: options.max,
      expires: Math.max(1000, options.waitMs),
    });
    const buffer: IntakeMessage[] = [];
    let failure: { error: unknown } | undefined;
    let handling: Promise<void> = Promise.resolve();
    let busy = false;
    const kick = () => {
      if (busy || failure || buffer.length === 0) return;
      busy = true;
      const run = buffer.splice(0);
      handling = handle(run).then(
        () => {
          busy = false;
          kick();
        },
        (error: unknown) => {
          failure = { error };
          busy = false;
          // Stop pulling: what arrives from now on stays unacknowledged, behind the failed run.
          iterator.stop();
        },
      );
    };
    let pullFailure: { error: unknown } | undefined;
    try {
      for await (const m of iterator) {
        if (failure) break;
        buffer.push(this.intakeMessage(m, partition));
        kick();
      }
    } catch (error) {
      // The pull failed (heartbeats missed by a process short of CPU, a reconnect). What it did
      // deliver are still the partition's next messages, in order: handled and acknowledged, they
      // leave the partition settled, so the next pull goes on at once instead of after the ack wait.
      pullFailure = { error };
    }
    for (;;) {
      await handling;
      if (failure) throw failure.error;
      if (buffer.length === 0 && !busy) break;
      kick();
    }
    if (pullFailure) throw pullFailure.error;
  }

  private intakeMessage(m: JsMsg, partition: number): IntakeMessage {
    const tokens = m.subject.split('.');
    const source = m.headers?.get(SOURCE);
    const publishedAt = Number(m.headers?.get(PUBLISHED_AT));
    return {
      administration: tokens[tokens.length - 2] ?? '',
      partition,
      sequence: m.seq,
      deliveries: m.info.deliveryCount,
      body: m.string(),
      messageId: m.headers?.get('Nats-Msg-Id') ?? '',
      ...(source ? { source } : {}),
      publishedAt:
        Number.isFinite(publishedAt) && publishedAt > 0 ? publishedAt : m.info.timestampNanos / 1e6,
      ack: async () => m.ack(),
    };
  }

  async settled(partition: number): Promise<boolean> {
    const info = await (await this.consumer(partition)).info();
    return info.num_waiting === 0 && info.num_ack_pending === 0;
  }

  onResults(administration: string, listener: (body: string) => void): () => void {
    const sub = this.nc.subscribe(this.names.resultsSubject(checkAdministrationToken(administration)), {
      callback: (err, msg) => {
        if (!err) listener(msg.string());
      },
    });
    return () => sub.unsubscribe();
  }

  async intakeAt(sequence: number): Promise<Omit<IntakeMessage, 'ack' | 'deliveries'> | undefined> {
    if (!Number.isSafeInteger(sequence) || sequence < 1) return undefined;
    const m = await this.jsm.streams.getMessage(this.names.intake, { seq: sequence });
    if (!m) return undefined;
    const tokens = m.subject.split('.');
    const publishedAt = Number(m.header?.get(PUBLISHED_AT));
    const source = m.header?.get(SOURCE);
    return {
      administration: tokens[tokens.length - 2] ?? '',
      partition: Number(tokens[tokens.length - 1]),
      sequence: m.seq,
      body: m.string(),
      messageId: m.header?.get('Nats-Msg-Id') ?? '',
      ...(source ? { source } : {}),
      publishedAt: Number.isFinite(publishedAt) && publishedAt > 0 ? publishedAt : Date.parse(m.timestamp),
    };
  }

  async acknowledgedThrough(partition: number): Promise<number> {
    return (await (await this.consumer(partition)).info()).ack_floor.stream_seq;
  }

  async publishResults(messages: readonly ResultPublish[]): Promise<void> {
    await Promise.all(
      messages.map((r) =>
        this.js.publish(this.names.resultsSubject(checkAdministrationToken(r.administration)), r.body, {
          msgID: r.messageId,
          timeout: 10_000,
        }),
      ),
    );
  }

  async deadLetter(message: IntakeMessage, error: string): Promise<void> {
    const h = headers();
    h.set(ERROR, error.slice(0, 2000).replace(/[\r\n]+/g, ' '));
    h.set(ORIGINAL_SUBJECT, this.names.intakeSubject(message.administration || '_', message.partition));
    h.set(ORIGINAL_SEQUENCE, String(message.sequence));
    const admin = TOKEN.test(message.administration) ? message.administration : '_';
    await this.js.publish(this.names.deadSubject(admin), message.body, {
      headers: h,
      msgID: `dead/${message.sequence}`,
      timeout: 10_000,
    });
    await message.ack();
  }

  async intakeDepth(): Promise<number[]> {
    const depths: number[] = [];
    for (let p = 0; p < this.partitions; p += 1) {
      const info = await (await this.consumer(p)).info();
      depths.push(info.num_pending + info.num_ack_pending);
    }
    return depths;
  }

  async ping(): Promise<boolean> {
    try {
      await this.jsm.getAccountInfo();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
  }

  private async consumer(partition: number): Promise<Consumer> {
    let consumer = this.consumers.get(partition);
    if (!consumer) {
      const name = this.names.consumer(partition);
      await this.jsm.consumers.add(this.names.intake, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.names.intakeSubject('*', partition),
        max_ack_pending: this.options.maxAckPending ?? 1000,
        ack_wait: nanos(this.options.ackWaitMs ?? 10_000),
        max_deliver: -1,
      });
      consumer = await this.js.consumers.get(this.names.intake, name);
      this.consumers.set(partition, consumer);
    }
    return consumer;
  }
}

/** Creates the three streams when missing; returns the intake stream's partition count. */
async function ensureStreams(jsm: JetStreamManager, options: NatsBusOptions): Promise<number> {
  const names = busNames(options.prefix);
  const window = nanos(options.duplicateWindowMs ?? 120_000);
  let partitions = options.partitions ?? 8;
  try {
    const info = await jsm.streams.info(names.intake);
    const tagged = PARTITIONS_TAG.exec(info.config.description ?? '');
    if (tagged) partitions = Number(tagged[1]);
  } catch (err) {
    if (!(err instanceof JetStreamApiError) || !/not found/i.test(err.message)) throw err;
    await jsm.streams.add({
      name: names.intake,
      description: `Greenlane declarations in, partitions=${partitions}`,
      subjects: [`${names.prefix}.intake.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: window,
    });
  }
  for (const [name, subject, description] of [
    [names.results, `${names.prefix}.results.>`, 'Greenlane decisions out, one subject per administration'],
    [
      names.dead,
      `${names.prefix}.dead.>`,
      'Greenlane intake messages that could not be processed, with the error',
    ],
  ] as const) {
    try {
      await jsm.streams.info(name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || !/not found/i.test(err.message)) throw err;
      await jsm.streams.add({
        name,
        description,
        subjects: [subject],
        storage: StorageType.File,
        duplicate_window: window,
      });
    }
  }
  return partitions;
}

/** Deletes a prefix's streams (tests and benchmarks clean up after themselves). */
export async function deleteBusStreams(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const names = busNames(prefix);
    for (const stream of [names.intake, names.results, names.dead]) {
      try {
        await jsm.streams.delete(stream);
      } catch {
        // Not there: nothing to delete.
      }
    }
  } finally {
    await nc.close();
  }
}

import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { formatCheckpoint } from '../../core/ledger/checkpoint.ts';
import { cosignatureVerifier, verifiedCosigners } from '../../core/ledger/cosignature.ts';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { hashLeaf } from '../../core/ledger/merkle-hash.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../../core/ledger/merkle-proof.ts';
import { type NoteSigner, noteSigner, signNote } from '../../core/ledger/signed-note.ts';
import type { TileAppender } from '../../core/ledger/tile-layout.ts';
import type { StoreConnection } from '../database/database.ts';
import { type LedgerRecord, LedgerRecordStore, leafOf } from '../store/ledger-records.ts';
import { type AuditReport, auditLog } from './log-audit.ts';
import { AppendConflictError, LogStore, type StoredCheckpoint } from './log-store.ts';
import type { KeyPair } from './signing-keys.ts';
import { type CosignResult, requestCosignature, type WitnessTarget } from './witness-client.ts';

/** Thrown in an append transaction when another appender already gave a record its index. */
class RecordsClaimedError extends GreenlaneError<'RECORDS_CLAIMED'> {
  override name = 'RecordsClaimedError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('RECORDS_CLAIMED', message, options);
  }
}

/** How the log is run. */
export interface TransparencyLogOptions {
  conn: StoreConnection;
  /** The log's Ed25519 note key; its name is the checkpoint origin. */
  key: KeyPair;
  /** Witnesses asked to cosign every new checkpoint. */
  witnesses?: WitnessTarget[];
  /** Cosignatures (k of the n witnesses) a checkpoint needs to be final; default: all witnesses. */
  quorum?: number;
  /** A new checkpoint at least this often while entries arrive (default 1000 ms). */
  checkpointIntervalMs?: number;
  /** Most entries per append transaction (default 5000). */
  maxBatch?: number;
  /** Called with background failures (checkpoint signing, witness requests). */
  onError?: (err: unknown) => void;
  fetch?: typeof fetch;
}

interface PendingAppend {
  texts: string[];
  /** Stored records these leaves commit to: claimed (given their index) in the append transaction. */
  records?: LedgerRecord[];
  resolve: (v: { index: number }[]) => void;
  reject: (err: unknown) => void;
}

/**
 * The tamper-evident record: an RFC 9162 Merkle log of canonical-JSON entries with signed,
 * witnessed C2SP checkpoints. Appends from concurrent callers are grouped into one transaction
 * (group commit); each promise resolves only after its entries are committed.
 *
 * @example
 * const log = await TransparencyLog.open({ conn, key });
 * const [{ index }] = await log.append([{ kind: 'decision', declarationId: 'D1', channel: 'red' }]);
 */
export class TransparencyLog {
  readonly store: LogStore;
  private readonly signer: NoteSigner;
  private readonly interval: number;
  private readonly maxBatch: number;
  private readonly witnesses: WitnessTarget[];
  private readonly quorum: number;
  private readonly queue: PendingAppend[] = [];
  private appender: TileAppender | undefined;
  private draining: Promise<void> | undefined;
  private checkpointing: Promise<StoredCheckpoint | undefined> = Promise.resolve(undefined);
  private witnessing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastCheckpointAt = 0;
  private closed = false;
  readonly records: LedgerRecordStore;
  private recordsRunning: Promise<void> | undefined;
  private recordsQueued: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: TransparencyLogOptions,
    readonly origin: string,
    readonly verifierKey: string,
  ) {
    this.store = new LogStore(options.conn);
    this.records = new LedgerRecordStore(options.conn);
    this.signer = noteSigner(options.key.privateKey);
    this.interval = options.checkpointIntervalMs ?? 1000;
    this.maxBatch = options.maxBatch ?? 5000;
    this.witnesses = options.witnesses ?? [];
    this.quorum = options.quorum ?? this.witnesses.length;
  }

  /** Opens the log, binding the database to the key on first start and refusing another key later. */
  static async open(options: TransparencyLogOptions): Promise<TransparencyLog> {
    const store = new LogStore(options.conn);
    const state = await store.initialise(options.key.name, options.key.verifierKey);
    if (state.verifierKey !== options.key.verifierKey) {
      throw new LedgerError(
        'KEY_MISMATCH',
        `this database's log is signed by ${state.verifierKey}, not by the key in the state directory`,
      );
    }
    const log = new TransparencyLog(options, state.origin, state.verifierKey);
    // Start-up catch-up: records committed before a crash whose entries were not appended yet.
    await log.drainRecordsOnce();
    return log;
  }

  /**
   * Appends the entries of every pending stored record (the outbox written in the records' own
   * transactions), each claimed in the same transaction as its leaf so it is logged exactly
   * once, even with several processes draining. Never rejects: a failure goes to `onError` and
   * the drain is retried a second later (and at the next start), so the record is never lost.
   * Concurrent calls share one drain that starts after the running one.
   */
  drainRecords(): Promise<void> {
    if (this.recordsQueued) return this.recordsQueued;
    const previous = this.recordsRunning ?? Promise.resolve();
    const next: Promise<void> = previous.then(async () => {
      this.recordsQueued = undefined;
      this.recordsRunning = next;
      try {
        await this.drainRecordsOnce();
      } catch (err) {
        this.options.onError?.(err);
        this.retryDrain();
      } finally {
        if (this.recordsRunning === next) this.recordsRunning = undefined;
      }
    });
    this.recordsQueued = next;
    return next;
  }

  private retryDrain(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.drainRecords();
    }, 1000);
    this.retryTimer.unref();
  }

  private async drainRecordsOnce(): Promise<void> {
    for (;;) {
      const records = await this.records.pending(this.maxBatch);
      if (records.length === 0) return;
      const texts = records.map(leafOf);
      try {
        await new Promise<{ index: number }[]>((resolve, reject) => {
          this.queue.push({ texts, records, resolve, reject });
          this.kick();
        });
      } catch (err) {
        // Another process appended some of them first: read what is still pending and go on.
        if (!(err instanceof RecordsClaimedError)) throw err;
      }
    }
  }

  /**
   * Appends entries as RFC 8785 canonical JSON; resolves with their log indexes once they are
   * committed (durable). Non-JSON input rejects with `NOT_CANONICAL_JSON` and appends nothing.
   */
  append(entries: readonly object[]): Promise<{ index: number }[]> {
    if (this.closed) return Promise.reject(new LedgerError('INVALID_ARGUMENT', 'the log is closed'));
    let texts: string[];
    try {
      texts = entries.map((e) => canonicalJson(e));
    } catch (err) {
      return Promise.reject(err);
    }
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: PendingAppend[] = [];
      let count = 0;
      // Record drains get a transaction of their own: a claim conflict must not fail other appends.
      while (
        this.queue.length > 0 &&
        (batch.length === 0 ||
          (!batch[0]!.records &&
            !this.queue[0]!.records &&
            count + this.queue[0]!.texts.length <= this.maxBatch))
      ) {
        const next = this.queue.shift()!;
        batch.push(next);
        count += next.texts.length;
      }
      try {
        let at = await this.commit(
          batch.flatMap((p) => p.texts),
          batch[0]!.records,
        );
        for (const p of batch) {
          p.resolve(p.texts.map((_, k) => ({ index: at + k })));
          at += p.texts.length;
        }
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
      this.scheduleCheckpoint();
    }
  }

  /** One durable transaction; retried from the stored state if another writer appended meanwhile. */
  private async commit(texts: string[], records?: LedgerRecord[]): Promise<number> {
    for (let attempt = 0; ; attempt += 1) {
      const appender = this.appender ?? (await this.store.appender());
      this.appender = undefined;
      const from = appender.size;
      const tiles = appender.append(texts.map((t) => hashLeaf(Buffer.from(t, 'utf8'))));
      try {
        await this.store.appendBatch(
          from,
          texts,
          tiles,
          records &&
            (async (trx) => {
              if (!(await this.records.claim(trx, records, from)))
                throw new RecordsClaimedError('another appender logged these records first');
            }),
        );
        this.appender = appender;
        return from;
      } catch (err) {
        if (!(err instanceof AppendConflictError) || attempt >= 10) throw err;
      }
    }
  }

  private scheduleCheckpoint(): void {
    const due = this.lastCheckpointAt + this.interval - Date.now();
    if (due <= 0) {
      this.publishInBackground();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishInBackground();
    }, due);
    this.timer.unref();
  }

  private publishInBackground(): void {
    this.lastCheckpointAt = Date.now();
    this.publishCheckpoint().catch((err) => this.options.onError?.(err));
  }

  /**
   * Signs a checkpoint of the committed tree if it grew since the last one (every checkpoint is
   * kept), asks the witnesses to cosign it in the background, and returns the newest checkpoint.
   */
  publishCheckpoint(): Promise<StoredCheckpoint | undefined> {
    this.checkpointing = this.checkpointing
      .catch(() => undefined)
      .then(async () => {
        const size = await this.store.size();
        const last = await this.store.checkpoint();
        if (last && last.size >= size) return last;
        const rootHash = await treeRoot(this.store, size);
        const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash, extensions: [] }), [
          this.signer,
        ]);
        await this.store.saveCheckpoint({ size, rootHash, note, createdAt: new Date().toISOString() });
        this.lastCheckpointAt = Date.now();
        const stored = await this.store.checkpoint(size);
        if (stored && this.witnesses.length > 0) {
          this.witnessing = this.witnessing
            .then(() => this.requestCosignatures(stored))
            .catch((err) => this.options.onError?.(err));
        }
        return stored;
      });
    return this.checkpointing;
  }

  /** Asks every witness to cosign `checkpoint` (default: the newest) and stores the valid cosignatures. */
  async requestCosignatures(checkpoint?: StoredCheckpoint): Promise<CosignResult[]> {
    const cp = checkpoint ?? (await this.store.checkpoint());
    if (!cp) return [];
    return Promise.all(
      this.witnesses.map(async (w) => {
        const old = await this.store.lastCosignedSize(w.name);
        const result = await requestCosignature(
          w,
          cp.note,
          old,
          (from, to) => consistencyProof(this.store, from, to),
          this.options.fetch,
        );
        if (result.ok)
          await this.store.saveCosignature(cp.size, w.name, result.line, new Date().toISOString());
        else
          this.options.onError?.(
            new Error(`witness ${w.name} refused checkpoint ${cp.size}: ${result.reason}`),
          );
        return result;
      }),
    );
  }

  /** Waits for record drains, queued appends, checkpoints and witness requests started so far. */
  async settle(): Promise<void> {
    while (this.recordsRunning || this.recordsQueued) await (this.recordsQueued ?? this.recordsRunning);
    while (this.draining) await this.draining;
    await this.checkpointing.catch(() => undefined);
    await this.witnessing;
  }

  /** The witnesses this log asks to cosign (name, verifier key, URL), and how many a checkpoint needs. */
  witnessPolicy(): { witnesses: readonly WitnessTarget[]; quorum: number } {
    return { witnesses: this.witnesses, quorum: this.quorum };
  }

  /** The newest signed checkpoint, with the cosignature lines received for it appended. */
  async latestCheckpoint(): Promise<{ checkpoint: StoredCheckpoint; note: string } | undefined> {
    const cp = await this.store.checkpoint();
    if (!cp) return undefined;
    const cosigs = await this.store.cosignatures(cp.size);
    return { checkpoint: cp, note: cp.note + cosigs.map((c) => c.line).join('') };
  }

  /** The newest checkpoint cosigned by at least `quorum` of the configured witnesses, if any. */
  async finalCheckpoint(): Promise<{ checkpoint: StoredCheckpoint; witnesses: string[] } | undefined> {
    const verifiers = this.witnesses.map((w) => cosignatureVerifier(w.verifierKey));
    const sizes = await this.store.cosignedSizes();
    for (const size of sizes) {
      const cp = await this.store.checkpoint(size);
      if (!cp) continue;
      const text = cp.note.slice(0, cp.note.indexOf('\n\n') + 1);
      const names = verifiedCosigners(
        text,
        (await this.store.cosignatures(size)).map((c) => c.line),
        verifiers,
      );
      if (names.length >= this.quorum) return { checkpoint: cp, witnesses: names };
    }
    return undefined;
  }

  /** The exact leaf bytes of entry `index`. */
  async entry(index: number): Promise<Buffer> {
    const text = await this.store.entry(index);
    if (text === undefined) throw new LedgerError('NOT_FOUND', `no entry ${index}`);
    return Buffer.from(text, 'utf8');
  }

  /** Inclusion proof of entry `index` in the tree of `size` (default: the newest checkpoint's size). */
  async proveInclusion(
    index: number,
    size?: number,
  ): Promise<{ index: number; size: number; hashes: Buffer[] }> {
    const n = await this.proofSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
      throw new LedgerError('INVALID_ARGUMENT', `index ${index} is not in a tree of size ${n}`);
    }
    return { index, size: n, hashes: await inclusionProof(this.store, index, n) };
  }

  /** Consistency proof between two tree sizes (0 < from ≤ to ≤ committed size). */
  async proveConsistency(from: number, to: number): Promise<{ from: number; to: number; hashes: Buffer[] }> {
    const committed = await this.store.size();
    if (!Number.isSafeInteger(to) || to > committed) {
      throw new LedgerError('INVALID_ARGUMENT', `size ${to} exceeds the tree size ${committed}`);
    }
    return { from, to, hashes: await consistencyProof(this.store, from, to) };
  }

  private async proofSize(size: number | undefined): Promise<number> {
    const committed = await this.store.size();
    if (size === undefined) {
      const cp = await this.store.checkpoint();
      if (!cp || cp.size === 0) throw new LedgerError('NOT_FOUND', 'the log has no checkpoint yet');
      return cp.size;
    }
    if (!Number.isSafeInteger(size) || size < 1 || size > committed) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `size ${size} is not between 1 and the tree size ${committed}`,
      );
    }
    return size;
  }

  /** Recomputes the whole tree from the stored entries and checks every checkpoint (`log verify`). */
  verify(): Promise<AuditReport> {
    return auditLog(this.store, this.origin, this.verifierKey, this.records);
  }

  /** Flushes pending appends, signs a final checkpoint and waits for witnesses. Does not close the connection. */
  async close(): Promise<void> {
    await this.drainRecords();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
    while (this.draining) await this.draining;
    await this.publishCheckpoint().catch((err) => this.options.onError?.(err));
    await this.settle();
  }
}

import { Worker } from 'node:worker_threads';
import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import type { ScreeningIndex } from '../../core/screening/candidate-index.ts';
import type { ListSource, ListVersion } from '../../core/screening/entity.ts';
import { type ScreeningHit, type ScreeningQuery, screenParty } from '../../core/screening/screen.ts';
import type { IndexSnapshotRef } from './index-snapshot.ts';

/**
 * Screens batches of parties (before the good-party list is applied): in this thread, or in
 * worker threads so that the HTTP server's event loop stays free while names are scored.
 */
export interface PartyScreener {
  /** Hits of each query, in query order. */
  screen(queries: readonly ScreeningQuery[]): Promise<ScreeningHit[][]>;
}

/** Screening on the calling thread: for the CLI and tests, where nothing else waits on the loop. */
export function inThreadScreener(index: () => ScreeningIndex): PartyScreener {
  return {
    screen: async (queries) => {
      const ix = index();
      return queries.map((q) => screenParty(q, ix));
    },
  };
}

/** Thrown when more requests wait for the workers than the pool accepts (the API answers 503). */
export class ScreeningPoolBusyError extends GreenlaneError<'BUSY'> {
  override name = 'ScreeningPoolBusyError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('BUSY', message, options);
  }
}

/** What a worker thread is started with (`workerData`). */
export interface ScreeningWorkerData {
  entry: string;
  dataDirectory: string;
  /**
   * The lists to build from. Absent when `snapshot` is given: the worker reads the snapshot and asks
   * for the versions (`needVersions`) only when it cannot, so they are not cloned into every
   * thread and kept there beside the snapshot's own copy.
   */
  versions?: ListVersion[];
  /** A snapshot of the same index: read instead of building when it is still there and intact. */
  snapshot?: IndexSnapshotRef;
}
/** The list versions, sent to a worker that asked for them. */
export interface WorkerVersions {
  versions: ListVersion[];
}
/** A batch of queries sent to a worker. */
export interface WorkerRequest {
  id: number;
  queries: readonly ScreeningQuery[];
}
/** What a worker sends back: its index is built (or failed), or the answer to one request. */
export type WorkerReply =
  | { ready: string[] }
  | { needVersions: true }
  | { failed: string }
  | { id: number; hits: ScreeningHit[][] }
  | { id: number; error: string };

export interface ScreeningPool extends PartyScreener {
  /** Version labels of the workers' index (the same as the index the pool was opened with). */
  versions: string[];
  /** Resolves when every worker has built its index; rejects when one could not. */
  ready: Promise<void>;
  /** Requests waiting for a free worker. */
  queued(): number;
  close(): Promise<void>;
}

export interface ScreeningPoolOptions {
  /** The index whose lists the workers index again (each worker holds its own copy). */
  index: ScreeningIndex;
  /** Where the name tables are read from (`dataDir()`). */
  dataDirectory: string;
  /** A snapshot holding `index` (`ScreeningContext.snapshot`): workers read it instead of building. */
  snapshot?: IndexSnapshotRef;
  /** Worker threads (default 1: each holds a copy of the index). */
  size?: number;
  /** Requests allowed to wait for a worker; past that `screen` throws {@link ScreeningPoolBusyError}. */
  maxQueued?: number;
}

/**
 * The list versions an index was built from, regrouped from its entities: what a worker needs to
 * build the same index (`versionLabel` of each is the label the index quotes).
 */
export function versionsOf(index: ScreeningIndex): ListVersion[] {
  const byLabel = new Map<string, ListVersion>();
  index.entities.forEach((entity, e) => {
    const label = index.entityVersion[e]!;
    let version = byLabel.get(label);
    if (!version) {
      const [list, publishedOn, sha] = label.split(':') as [ListSource, string, string];
      version = { list, publishedOn, sha256: sha, origin: [], entities: [] };
      byLabel.set(label, version);
    }
    version.entities.push(entity);
  });
  return [...byLabel.values()];
}

interface Job {
  request: WorkerRequest;
  resolve(hits: ScreeningHit[][]): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

const WORKER_ENTRY = new URL('./screening-worker-thread.mjs', import.meta.url);
const WORKER_BODY = new URL('./screening-worker.ts', import.meta.url).href;

/**
 * Starts `size` screening worker threads, each building its own index from the lists of
 * `options.index`, and returns at once: requests wait in the queue until a worker is ready
 * (`ready` resolves then), so the server can listen while the workers build. Requests are served
 * first come, first served, one batch per worker at a time; a worker that dies fails its batch and
 * is replaced.
 *
 * @example
 * const pool = openScreeningPool({ index: context.index, dataDirectory: dataDir() });
 * const [hits] = await pool.screen([{ name: 'Abdul Rahman Yasin', type: 'person' }]);
 */
export function openScreeningPool(options: ScreeningPoolOptions): ScreeningPool {
  let versions: ListVersion[] | undefined;
  const versionsOnce = () => {
    versions ??= versionsOf(options.index);
    return versions;
  };
  const data: ScreeningWorkerData = {
    entry: WORKER_BODY,
    dataDirectory: options.dataDirectory,
    ...(options.snapshot ? { snapshot: options.snapshot } : { versions: versionsOnce() }),
  };
  const maxQueued = options.maxQueued ?? 32;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  let failure: Error | undefined;

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.job || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.request);
    }
  }

  /** Starts a worker; resolves with it once its index is built. */
  function start(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_ENTRY, { workerData: data, execArgv: [] });
      worker.unref();
      const slot: Slot = { worker };
      let ready = false;
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          ready = true;
          resolve(slot);
        } else if ('needVersions' in reply) {
          worker.postMessage({ versions: versionsOnce() } satisfies WorkerVersions);
        } else if ('failed' in reply) {
          reject(new Error(`screening worker could not build its index: ${reply.failed}`));
        } else if (slot.job && reply.id === slot.job.request.id) {
          const job = slot.job;
          slot.job = undefined;
          if ('hits' in reply) job.resolve(reply.hits);
          else job.reject(new Error(`screening failed in the worker: ${reply.error}`));
          dispatch();
        }
      });
      worker.on('error', (err) => {
        if (!ready) reject(err);
        slot.job?.reject(err);
        slot.job = undefined;
      });
      worker.on('exit', () => {
        if (!ready) reject(new Error('screening worker stopped before its index was built'));
        slot.job?.reject(new Error('the screening worker stopped'));
        slot.job = undefined;
        const at = slots.indexOf(slot);
        if (at < 0 || closed) return;
        slots.splice(at, 1);
        start().then(add, () => undefined);
      });
    });
  }

  function add(slot: Slot): void {
    if (closed) {
      void slot.worker.terminate();
      return;
    }
    slots.push(slot);
    dispatch();
  }

  const ready = Promise.all(Array.from({ length: options.size ?? 1 }, () => start().then(add))).then(
    () => undefined,
    async (err: Error) => {
      failure = err;
      for (const job of queue.splice(0)) job.reject(err);
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw err;
    },
  );
  // A failed start is reported through `ready` and to every request; never unhandled.
  ready.catch(() => undefined);

  return {
    versions: options.index.versions,
    ready,
    queued: () => queue.length,
    screen(queries) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('the screening pool is closed'));
      if (queue.length >= maxQueued)
        return Promise.reject(
          new ScreeningPoolBusyError(`${queue.length} screening requests are already waiting`),
        );
      return new Promise((resolve, reject) => {
        queue.push({ request: { id: nextId++, queries }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the screening pool is closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

import { type Kysely, sql } from 'kysely';
import type { StoreConnection } from './database.ts';
import type { Database } from './schema.ts';

/** Writes one shared transaction holds at most: a group keeps the connection for about this many writes. */
const MAX_GROUP = 64;

interface Job {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for small writes that each must be atomic (a release: its event, permit balance,
 * quota, consumption and log record). On SQLite, every commit writes the pages it dirtied to the
 * write-ahead log, and a dozen pages per release cost more than the release's statements; writes
 * that arrive while a transaction runs therefore wait and share the next one. Each write runs in its
 * own SAVEPOINT: a write that throws is rolled back to it (nothing of it stays) and its caller gets
 * the error at once; the others' callers are answered after the COMMIT, so an answer is never given
 * for something not yet committed. If the COMMIT fails, every write of the group fails with it.
 * SQLite has one connection and one writer, so this changes neither order nor isolation: each write
 * sees the ones before it, as it would in transactions of its own.
 *
 * On PostgreSQL each write is a transaction of its own (its connections write in parallel, and a
 * shared transaction would hold every row lock of the group until the last write).
 */
export class GroupCommit {
  private readonly queue: Job[] = [];
  private running = false;

  private constructor(private readonly conn: StoreConnection) {}

  private static readonly groups = new WeakMap<StoreConnection, GroupCommit>();

  /** The one group committer of a connection (writes share transactions only on the same connection). */
  static of(conn: StoreConnection): GroupCommit {
    let group = GroupCommit.groups.get(conn);
    if (!group) {
      group = new GroupCommit(conn);
      GroupCommit.groups.set(conn, group);
    }
    return group;
  }

  /** Runs `work` atomically, alone or with the writes queued beside it; resolves once committed. */
  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.conn.dialect !== 'sqlite') return this.conn.db.transaction().execute(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.commitGroup(this.queue.splice(0, MAX_GROUP));
    } finally {
      this.running = false;
    }
  }

  private async commitGroup(group: readonly Job[]): Promise<void> {
    const committed: Array<() => void> = [];
    const failed = new Set<Job>();
    try {
      await this.conn.db.transaction().execute(async (trx) => {
        for (const job of group) {
          await sql`savepoint group_write`.execute(trx);
          try {
            const value = await job.work(trx);
            await sql`release savepoint group_write`.execute(trx);
            committed.push(() => job.resolve(value));
          } catch (error) {
            // If the rollback itself fails, the whole transaction fails below: all of the group.
            await sql`rollback to savepoint group_write`.execute(trx);
            await sql`release savepoint group_write`.execute(trx);
            failed.add(job);
            job.reject(error);
          }
        }
      });
    } catch (error) {
      for (const job of group) if (!failed.has(job)) job.reject(error);
      return;
    }
    for (const answer of committed) answer();
  }
}

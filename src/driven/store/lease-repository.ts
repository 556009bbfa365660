import type { Kysely } from 'kysely';
import type { Database } from '../database/schema.ts';

/** What {@link LeaseRepository.acquire} found and did. */
export interface LeaseGrant {
  /** The caller holds the lease until `expiresAt`. */
  held: boolean;
  /** Whether the caller took it over from another holder whose lease lapsed (a crash, not a handover). */
  tookOverLapsed: boolean;
  expiresAt: string;
}

/**
 * Leases in the database (`leases`): a role held by one process at a time, renewed before it
 * expires, taken by another when the holder stops renewing. Acquire and renew are one
 * compare-and-set upsert, so two processes never both get it; clocks of the processes are trusted
 * to within the lease's length (docs/SCALING.md). A lapsed holder can still finish a write it had
 * started, so what a lease guards must also be safe against that (the log's compare-and-set on its
 * size, the store's sequence check on intake messages).
 *
 * @example
 * const leases = new LeaseRepository(conn.db);
 * if ((await leases.acquire('sequencer', me, 3000)).held) await log.drainRecords();
 */
export class LeaseRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Takes the lease if it is free, lapsed or already the caller's (then renews it) for `ttlMs`. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant> {
    const now = this.now();
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const before = await this.db
      .selectFrom('leases')
      .select(['holder', 'expires_at', 'released'])
      .where('name', '=', name)
      .executeTakeFirst();
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: expiresAt, acquired_at: at, released: 0 })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
            released: 0,
            acquired_at: eb
              .case()
              .when('leases.holder', '=', holder)
              .then(eb.ref('leases.acquired_at'))
              .else(eb.ref('excluded.acquired_at'))
              .end(),
          }))
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', at)])),
      )
      .returning('holder')
      .executeTakeFirst();
    const held = row?.holder === holder;
    return {
      held,
      tookOverLapsed:
        held && before !== undefined && before.holder !== holder && Number(before.released) === 0,
      expiresAt,
    };
  }

  /**
   * Renews, in one statement, every lease of `names` the caller still holds (not lapsed, not
   * taken); returns the names renewed. A worker renews all its partitions at once, so a busy
   * database or machine does not let some lapse while the others are renewed one by one.
   */
  async renew(names: readonly string[], holder: string, ttlMs: number): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const now = this.now();
    const rows = await this.db
      .updateTable('leases')
      .set({ expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .where('name', 'in', names)
      .where('holder', '=', holder)
      .where('released', '=', 0)
      .where('expires_at', '>=', now.toISOString())
      .returning('name')
      .execute();
    return new Set(rows.map((r) => r.name));
  }

  /** Gives the lease up at once (a clean handover: the next holder need not wait for anything). */
  async release(name: string, holder: string): Promise<void> {
    await this.db
      .updateTable('leases')
      .set({ expires_at: this.now().toISOString(), released: 1 })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  /** Leases under a name prefix that are held now: name → holder. */
  async live(prefix: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('leases')
      .select(['name', 'holder'])
      .where('name', 'like', `${prefix}%`)
      .where('expires_at', '>=', this.now().toISOString())
      .execute();
    return new Map(rows.map((r) => [r.name, r.holder]));
  }
}

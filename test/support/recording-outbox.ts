import type { Kysely } from 'kysely';
import { GreenlaneError } from '../../src/core/error.ts';
import type { Database } from '../../src/driven/database/schema.ts';
import { timeOrderedId } from '../../src/driven/database/time-ordered-id.ts';
import type {
  Outbox,
  OutgoingShare,
  ReceivedItemHandlers,
  ReceiveResult,
  ShareReceipt,
} from '../../src/driven/federation/sharing-port.ts';

/** A share as the outbox was given it, with its receipt. */
export type RecordedShare = OutgoingShare & ShareReceipt & { originator: string };

/**
 * The federation seam (`Outbox`) in memory, for tests of what shares: it records each share with
 * a sequence number and a log index, refuses partners it was not told about (`UNKNOWN_PARTNER`,
 * as the real outbox does), and delivers what was addressed to a partner to that partner's
 * handlers as the inbox would (in a transaction of the receiving database). It does not sign, log
 * or retry: that is the federation's, tested there. A share made in a transaction that then rolls
 * back stays recorded here; tests of the rollback look at the database.
 */
export class RecordingOutbox implements Outbox {
  readonly shares: RecordedShare[] = [];
  private readonly delivered = new Set<string>();

  /** `sender`: this installation's name; `partners`: the names `to` may use. */
  constructor(
    readonly sender: string,
    private readonly partners: readonly string[],
  ) {}

  async share(_trx: Kysely<Database>, share: OutgoingShare): Promise<ShareReceipt> {
    const unknown = share.to.filter((p) => !this.partners.includes(p));
    if (unknown.length > 0)
      throw new GreenlaneError(
        'UNKNOWN_PARTNER',
        `unknown partner ${unknown.join(', ')} of ${share.administration}`,
      );
    const receipt = { itemId: share.itemId ?? timeOrderedId(), seq: this.shares.length + 1 };
    this.shares.push({ ...share, ...receipt, originator: share.originator ?? this.sender });
    return receipt;
  }

  async logIndexOf(itemId: string): Promise<number> {
    const at = this.shares.findIndex((s) => s.itemId === itemId);
    if (at < 0) throw new Error(`no item ${itemId}`);
    return 100 + at;
  }

  /**
   * Hands every share addressed to `to` and not yet delivered there to `handlers`, in order, as
   * received by `administration` from a partner named `as` (default this outbox's sender).
   */
  async deliver(
    db: Kysely<Database>,
    handlers: ReceivedItemHandlers,
    target: { to: string; administration: string; as?: string },
  ): Promise<ReceiveResult[]> {
    const results: ReceiveResult[] = [];
    for (const s of this.shares) {
      const key = `${target.to}\u0000${s.itemId}`;
      if (!s.to.includes(target.to) || this.delivered.has(key)) continue;
      this.delivered.add(key);
      results.push(await this.redeliver(db, handlers, s, target));
    }
    return results;
  }

  /** Delivers one recorded share again (a replay, or a copy to another administration). */
  redeliver(
    db: Kysely<Database>,
    handlers: ReceivedItemHandlers,
    s: RecordedShare,
    target: { administration: string; as?: string },
  ): Promise<ReceiveResult> {
    const handler = handlers[s.kind];
    if (!handler) throw new Error(`no handler for ${s.kind}`);
    const partner = target.as ?? this.sender;
    const item = {
      itemId: s.itemId,
      sender: partner,
      kind: s.kind,
      seq: s.seq,
      handling: s.handling,
      originator: s.originator,
      // What travels is JSON.
      body: JSON.parse(JSON.stringify(s.body)) as unknown,
    };
    return db
      .transaction()
      .execute((trx) =>
        handler(trx, { administration: target.administration, partner, item, logIndex: 100 + s.seq - 1 }),
      );
  }
}

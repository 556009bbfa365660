import type { Kysely } from 'kysely';
import { GreenlaneError } from '../../src/core/error.ts';
import { parseSharedBody } from '../../src/core/sharing/shared-bodies.ts';
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

/** The names `to` may use: the same for every administration, or each administration's own. */
export type RecordingPartners = readonly string[] | Readonly<Record<string, readonly string[]>>;

/**
 * The federation seam (`Outbox`, src/driven/federation/sharing-port.ts) in memory, for tests of
 * the capabilities that share: it checks what the real outbox checks up front (each partner
 * belongs to the sending administration: `UNKNOWN_PARTNER`; the body is valid for its kind:
 * `INVALID_INPUT`), records each share with a sequence number and a log index, and delivers what
 * was addressed to a partner to that partner's handlers as the inbox would (in a transaction of
 * the receiving database). It does not sign, log or retry: that is federation's, tested there. A
 * share made in a transaction that then rolls back stays recorded; rollback tests look at the database.
 */
export class RecordingOutbox implements Outbox {
  readonly shares: RecordedShare[] = [];
  private readonly delivered = new Set<string>();

  /** `sender`: this installation's name; `partners`: the names `to` may use. */
  constructor(
    readonly sender: string,
    private readonly partners: RecordingPartners,
  ) {}

  private partnersOf(administration: string): readonly string[] {
    return Array.isArray(this.partners)
      ? (this.partners as readonly string[])
      : ((this.partners as Readonly<Record<string, readonly string[]>>)[administration] ?? []);
  }

  async share(_trx: Kysely<Database>, share: OutgoingShare): Promise<ShareReceipt> {
    const own = this.partnersOf(share.administration);
    const unknown = share.to.filter((name) => !own.includes(name));
    if (unknown.length > 0) {
      // As the real outbox words it (src/driven/federation/outbox.ts).
      throw new GreenlaneError(
        'UNKNOWN_PARTNER',
        `/to: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a partner' : 'are not partners'} of administration ${share.administration} (greenlane partners list)`,
      );
    }
    const parsed = parseSharedBody(share.kind, share.body);
    if (!parsed.ok) {
      throw new GreenlaneError(
        'INVALID_INPUT',
        parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      );
    }
    const receipt = { itemId: share.itemId ?? timeOrderedId(), seq: this.shares.length + 1 };
    this.shares.push({ ...share, ...receipt, originator: share.originator ?? this.sender });
    return receipt;
  }

  async logIndexOf(itemId: string): Promise<number> {
    const at = this.shares.findIndex((s) => s.itemId === itemId);
    if (at < 0) throw new GreenlaneError('NOT_FOUND', `item ${itemId} was never shared`);
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

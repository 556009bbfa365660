import type { Kysely } from 'kysely';
import { GreenlaneError } from '../../src/core/error.ts';
import { parseSharedBody } from '../../src/core/sharing/shared-bodies.ts';
import type { Database } from '../../src/driven/database/schema.ts';
import { timeOrderedId } from '../../src/driven/database/time-ordered-id.ts';
import type { Outbox, OutgoingShare, ShareReceipt } from '../../src/driven/federation/sharing-port.ts';

/** A share as the outbox took it. */
export type RecordedShare = OutgoingShare & ShareReceipt;

/**
 * The federation seam (`Outbox`, src/driven/federation/sharing-port.ts) for tests of the
 * capabilities that share: it checks what the real outbox checks up front (each partner belongs
 * to the sending administration, the body is valid for its kind) and records the share instead
 * of delivering it. A share of a transaction that later rolls back stays recorded: tests of
 * atomicity look at the database, not here.
 */
export class RecordingOutbox implements Outbox {
  readonly shares: RecordedShare[] = [];
  private seq = 0;

  /** `partners`: each administration's partner names. */
  constructor(private readonly partners: Readonly<Record<string, readonly string[]>>) {}

  async share(_trx: Kysely<Database>, share: OutgoingShare): Promise<ShareReceipt> {
    const own = this.partners[share.administration] ?? [];
    for (const [i, name] of share.to.entries()) {
      if (!own.includes(name)) {
        throw new GreenlaneError(
          'UNKNOWN_PARTNER',
          `/to/${i}: ${name} is not a partner of this administration`,
        );
      }
    }
    const parsed = parseSharedBody(share.kind, share.body);
    if (!parsed.ok) {
      throw new GreenlaneError(
        'INVALID_INPUT',
        parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      );
    }
    const receipt = { itemId: share.itemId ?? timeOrderedId(), seq: ++this.seq };
    this.shares.push({ ...share, ...receipt });
    return receipt;
  }

  async logIndexOf(itemId: string): Promise<number> {
    const index = this.shares.findIndex((s) => s.itemId === itemId);
    if (index < 0) throw new GreenlaneError('NOT_FOUND', `item ${itemId} was never shared`);
    return index;
  }
}

import type { ReceivedItemHandlers } from '../federation/sharing-port.ts';
import type { GroupRepository } from '../store/group-repository.ts';
import type { SeizureRepository } from '../store/seizure-repository.ts';

/**
 * The inbox's handlers for what partners share about seizures and closed groups, for the
 * federation's `ReceivedItemHandlers` (src/driven/federation/sharing-port.ts). Each runs in the
 * inbox transaction after the envelope verified; content that is valid as an envelope but not
 * acceptable here comes back `refused` with the reason.
 *
 * @example
 * const handlers = {
 *   ...seizureReceivedHandlers(new SeizureRepository(conn)),
 *   ...groupReceivedHandlers(new GroupRepository(conn), { memberName: () => identity.name }),
 * };
 */
export function seizureReceivedHandlers(seizures: SeizureRepository): ReceivedItemHandlers {
  return {
    seizure: (trx, { administration, partner, item }) =>
      seizures.receive(trx, administration, {
        partner,
        itemId: item.itemId,
        handling: item.handling,
        body: item.body,
      }),
  };
}

export interface GroupHandlerOptions {
  /**
   * The name the administration has among group members: the name partners know it by (the
   * installation's identity name when it serves one administration).
   */
  memberName: (administration: string) => string;
  /** The receiver's clock, for the operation window (default `Date.now`). */
  now?: () => number;
}

/** Handlers for `group` (a group a partner coordinates) and `group-post` (a member's post). */
export function groupReceivedHandlers(
  groups: GroupRepository,
  opts: GroupHandlerOptions,
): ReceivedItemHandlers {
  const now = opts.now ?? Date.now;
  return {
    group: (trx, { administration, partner, item }) =>
      groups.receiveGroup(trx, administration, {
        partner,
        memberName: opts.memberName(administration),
        handling: item.handling,
        body: item.body,
      }),
    'group-post': (trx, { administration, partner, item }) =>
      groups.receivePost(trx, administration, { partner, itemId: item.itemId, body: item.body, now: now() }),
  };
}

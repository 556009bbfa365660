import type { RouteKey } from '../../src/adapters/server/route-access.ts';

/** Who calls, in the tenancy suite (`test/api-tenancy.test.ts`): a role's key, no key, or a revoked key. */
export type CallerKind = 'admin' | 'analyst' | 'officer' | 'ingest' | 'no key' | 'revoked key';
/** Which object a case is about: its own administration's, another's, one that does not exist, or none. */
export type CaseTarget = 'own' | 'foreign' | 'missing' | 'collection';

export interface AwaitedCase {
  route: RouteKey;
  /** Only these targets (all when absent). */
  targets?: readonly CaseTarget[];
  /** Only these callers (all when absent). */
  callers?: readonly CallerKind[];
  /** The branch whose change makes the case pass. */
  branch: 'tenancy-screen' | 'ledger';
  /** What goes wrong today. */
  reason: string;
}

/**
 * Cases of the tenancy suite that fail on today's code and are fixed by another branch of issue 8.
 * The suite keeps their correct expectation, lists them as skipped with the reason in the test
 * name, and fails if an entry here matches no case. The lead empties this list when merging those
 * branches: every case must then pass.
 */
export const AWAITING_OTHER_BRANCHES: readonly AwaitedCase[] = [];

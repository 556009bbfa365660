import type { Consignment } from '../../core/ecommerce/consignment.ts';
import type { LaneDecision } from '../../core/ecommerce/lane.ts';

/** A consignment with the lane decided for it, as the store keeps it. */
export interface AssessedConsignment {
  consignment: Consignment;
  decision: LaneDecision;
  /** Intrinsic value in euro, when the lane had an exchange rate. */
  valueEur: number | undefined;
  /** ISO 8601 UTC instant of the decision. */
  decidedAt: string;
}

/** Where the e-commerce lane keeps its decisions (implemented by `driven/store/consignment-repository.ts`). */
export interface ConsignmentStore {
  /** Saves a batch in one transaction, all or nothing; a consignment id seen before is replaced. */
  saveConsignments(
    administration: string,
    actor: string,
    rows: readonly AssessedConsignment[],
  ): Promise<void>;
}

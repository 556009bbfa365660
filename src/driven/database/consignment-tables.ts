/**
 * Low-value consignments (issue 14, the e-commerce lane): each administration's consignments with
 * the lane decided for them. One row per consignment id; a consignment lodged again replaces its
 * row (the latest data and decision count). JSON as text, instants as ISO 8601 UTC text.
 */
export interface ConsignmentsTable {
  administration: string;
  /** H7 12 09 000 LRN: the consignment id. */
  id: string;
  regime: string;
  lodged_at: string;
  seller_name: string;
  seller_country: string;
  buyer_country: string;
  platform: string | null;
  /** Intrinsic value in its currency, and in euro when the lane had a rate (null otherwise). */
  value: number;
  currency: string;
  value_eur: number | null;
  gross_mass_kg: number;
  /** `release`, `hold` or `inspect`. */
  lane: string;
  score: number;
  /** JSON array of the reasons (`check`, `code`, `message`, `lane`, `score`). */
  reasons: string;
  /** JSON of the validated consignment. */
  content: string;
  decided_at: string;
  /** Who submitted it (`api:<key id>`, `cli`, a worker's name). */
  decided_by: string;
}

export interface ConsignmentTables {
  consignments: ConsignmentsTable;
}

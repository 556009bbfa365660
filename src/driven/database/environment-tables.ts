/**
 * Tables of the permit and licence register (issue 15, docs/ENVIRONMENT.md). Each row belongs to
 * one administration. Quantities are doubles in the document's unit (balances) or metric tonnes
 * (quotas); every change of a balance or quota is a conditional UPDATE in the transaction of the
 * release, amendment or cancellation that causes it, with a `permit_consumptions` row and its log entry.
 */
export interface EnvironmentTables {
  permits: {
    administration: string;
    number: string;
    /** `cites-permit`, `ods-licence`, ... (`DOCUMENT_KINDS`). */
    kind: string;
    direction: string;
    trader: string;
    issuing_country: string;
    partner_country: string | null;
    /** Species, substance, waste code or chemical. */
    subject: string;
    appendix: string | null;
    unit: string;
    quantity: number;
    balance: number;
    valid_from: string;
    valid_until: string;
    status: string;
    year: number | null;
    /** Per-unit ODP and GWP of an ODS licence's substance (blend: mass-weighted), fixed at registration. */
    odp: number | null;
    gwp: number | null;
    /** `ods` or `hfc`: the quota an ODS licence counts against. */
    control: string | null;
    /** The record as loaded (JSON). */
    record: string;
    created_at: string;
    created_by: string;
  };
  permit_quotas: {
    administration: string;
    trader: string;
    year: number;
    control: string;
    limit_tonnes: number | null;
    limit_odp_tonnes: number | null;
    limit_co2eq_tonnes: number | null;
    used_tonnes: number;
    used_odp_tonnes: number;
    used_co2eq_tonnes: number;
    created_at: string;
    created_by: string;
  };
  permit_consumptions: {
    administration: string;
    id: string;
    permit_number: string;
    declaration_id: string;
    version: number;
    item_sequence: number;
    trader: string;
    subject: string;
    quantity: number;
    unit: string;
    tonnes: number;
    odp_tonnes: number;
    co2eq_tonnes: number;
    year: number;
    control: string | null;
    direction: string;
    partner_country: string | null;
    consumed_at: string;
    consumed_by: string;
    /** Set when an amendment or cancellation gave the quantity back. */
    returned_at: string | null;
    returned_by: string | null;
    return_reason: string | null;
  };
}

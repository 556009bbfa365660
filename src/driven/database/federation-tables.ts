/**
 * Tables of federation (issue 11): partners, what this installation shared and its deliveries
 * (the outbox), what partners sent (the inbox), their signature nonces and every refusal.
 * Sequence numbers and tree sizes are bigint; instants are ISO 8601 text; booleans 0/1.
 */
export interface FederationTables {
  /** Other installations this one shares with; each belongs to one administration. */
  federation_partners: {
    /** The partner's installation name (its envelopes' `sender`). */
    name: string;
    administration: string;
    /** Base URL; its inbox is `<url>/v1/federation/inbox`. */
    url: string;
    /** Ed25519 HTTP signing key, raw 32 bytes base64 (also the signature keyid). */
    public_key: string;
    /** The partner's log verifier key, pinned from its first accepted envelope. */
    log_key: string | null;
    /** 1: the partner pulls what is shared with it from the feed (it accepts no inbound connection). */
    pull: number;
    /** 1: this installation pulls the partner's feed (this side accepts no inbound connection). */
    pull_from: number;
    /** A `partner`-role API key of the partner's installation, for pulling its feed. */
    feed_key: string | null;
    /** Highest seq accepted from the partner (0 before the first). */
    last_seq: number;
    /** The partner's checkpoint last accepted (this installation witnesses its log). */
    checkpoint_size: number | null;
    checkpoint_root: string | null;
    /** Size of this installation's checkpoint the partner last accepted (consistency proofs start there). */
    acked_size: number | null;
    /** Highest seq read from the partner's feed. */
    feed_cursor: number;
    /** 1: the administration sends this partner its cumulative medical lot usage (migration 0018). */
    share_lot_usage: number;
    added_at: string;
    added_by: string;
  };
  /** The one row counting this installation's sequence numbers (id 1). */
  federation_sequence: { id: number; last_seq: number };
  /** What this installation shared: the item exactly as its log record commits to it. */
  federation_shared_items: {
    item_id: string;
    administration: string;
    kind: string;
    seq: number;
    handling: string;
    /** The SharedItem, canonical JSON (the `shared-item` ledger record's content). */
    item: string;
    created_at: string;
  };
  /** One per item and partner: the outbox. */
  federation_deliveries: {
    item_id: string;
    partner: string;
    seq: number;
    /** `pending`, `delivered` (accepted or duplicate), `refused` (by the partner, with its reason). */
    state: string;
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
    delivered_at: string | null;
    /** The last sealed, signed request sent or served (JSON `{method,url,headers,body}`). */
    request: string | null;
  };
  /** What partners sent and this installation verified: accepted, or refused by its handler. */
  federation_inbox: {
    partner: string;
    item_id: string;
    administration: string;
    commitment: string;
    seq: number;
    kind: string;
    handling: string;
    log_index: number;
    /** `accepted` or `refused` (valid envelope, content refused by the capability). */
    status: string;
    reason: string | null;
    item: string;
    received_at: string;
  };
  /** Signature nonces accepted per partner, kept for the freshness window (replay protection). */
  federation_nonces: { partner: string; nonce: string; received_at: string };
  /** Every refused envelope or feed item: who (when known), the refusal code and why. */
  federation_refusals: {
    id: string;
    partner: string | null;
    administration: string | null;
    code: string;
    message: string;
    at: string;
  };
}

import type { Generated } from 'kysely';

/**
 * Tables of the transparency log (issue 5). Hashes and tiles are binary (BLOB / bytea); entries are
 * the exact canonical-JSON text whose UTF-8 bytes are the leaves; sizes and indexes are bigint.
 */
export interface LedgerTables {
  /** One row per log: its origin, verifier key and committed tree size (the append lock row). */
  ledger_state: { id: number; origin: string; verifier_key: string; size: number };
  /** Leaf `idx` of the tree: the canonical JSON entry. */
  ledger_entries: { idx: number; entry: string };
  /** Node-hash tiles (C2SP tlog-tiles layout, every row kept): see src/core/ledger/tile-layout.ts. */
  ledger_tiles: { level: number; idx: number; width: number; hashes: Buffer };
  /** Every signed checkpoint, by tree size. */
  ledger_checkpoints: { size: number; root_hash: Buffer; note: string; created_at: string };
  /** Cosignature lines returned by witnesses for a checkpoint. */
  ledger_cosignatures: { size: number; witness: string; line: string; created_at: string };
  /**
   * Every stored record that belongs in the log, written in the record's own transaction (the
   * outbox): `log_index` null = pending. `content` is the record's canonical JSON and `salt` (hex)
   * the secret the public leaf commitment is salted with; both are confidential.
   */
  ledger_records: {
    kind: string;
    record_id: string;
    administration: string | null;
    content: string | null;
    salt: string | null;
    log_index: number | null;
    /** 1 for records stored before record commitments existed (no content or salt kept). */
    legacy: Generated<number>;
    created_at: string;
  };
  /** Witness side: the logs this installation witnesses and the latest checkpoint it cosigned of each. */
  ledger_witnessed_logs: {
    origin: string;
    verifier_keys: string;
    size: number;
    root_hash: Buffer | null;
    updated_at: string;
  };
}

/**
 * Tables of the cluster mode (issue 14): leases that elect one holder of a role among many
 * processes (the log sequencer, the owner of each intake partition, a worker's membership).
 * Timestamps are ISO 8601 UTC text, as everywhere, so they compare as text.
 */
export interface LeasesTable {
  /** The role: `sequencer`, `partition:<prefix>:<n>`, `member:<prefix>:<holder>`. */
  name: string;
  /** Who holds it (a process id chosen at start: host, pid and a random part). */
  holder: string;
  /** The holder keeps it while it renews before this instant; afterwards anyone may take it. */
  expires_at: string;
  /** When the current holder took it. */
  acquired_at: string;
  /** 1 when the holder gave it up on purpose (a clean handover), 0 while held or when it lapsed. */
  released: number;
}

export interface ClusterTables {
  leases: LeasesTable;
}

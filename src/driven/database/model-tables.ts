/**
 * Tables of the model registry: every trained model file is kept as a version with its metrics
 * and training window; activations are an append-only history of who put which version in force.
 */
export interface ModelVersionsTable {
  /** `<administration>:<target>:v<version>`. */
  id: string;
  administration: string;
  /** `fraud` or `critical`. */
  target: string;
  version: number;
  /** The model file (JSON text, src/driven/model/model-file.ts). */
  content: string;
  /** `sha256:<hex>` of `content`, what decisions and the ledger cite. */
  content_hash: string;
  /** JSON: selection metrics on the validation rows, when known. */
  metrics: string | null;
  window_from: string;
  window_to: string;
  window_rows: number;
  created_by: string;
  created_at: string;
  /** 1 for the version in force for its administration and target, else 0. */
  active: number;
}

export interface ModelActivationsTable {
  id: string;
  administration: string;
  target: string;
  model_id: string;
  /** 1, 2, 3... per administration and target: the order of activations, even within a millisecond. */
  seq: number;
  /** Ranking policy the administration chose with this activation. */
  policy: string;
  activated_by: string;
  activated_at: string;
}

export interface ModelTables {
  model_versions: ModelVersionsTable;
  model_activations: ModelActivationsTable;
}

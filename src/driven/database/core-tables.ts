/**
 * Tables of the declarations core (declarations, versions, decisions, rejects, events, outcomes,
 * API keys, profiles, audit). Column types are the portable subset SQLite and PostgreSQL share:
 * JSON is stored as text, booleans as integer 0/1, timestamps as ISO 8601 text in UTC
 * (`2026-11-28T20:10:00.000Z`), so they compare correctly as strings on both.
 *
 * Every tenant-owned row carries its `administration`; every store query is scoped by it.
 */

/** A customs administration (tenant). */
export interface AdministrationsTable {
  id: string;
  name: string;
  created_at: string;
}

/** API keys: only the SHA-256 of the secret is kept, so a database leak does not leak keys. */
export interface ApiKeysTable {
  id: string;
  administration: string;
  label: string;
  role: string;
  /** Lower-case hex SHA-256 of the whole secret. */
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
  /** Last successful authentication, to the minute (written at most once a minute per key). */
  last_used_at: string | null;
}

/** One row per declaration id: the head of its version chain and the current decision (queue). */
export interface DeclarationsTable {
  administration: string;
  id: string;
  current_version: number;
  content_hash: string;
  type: string;
  customs_office: string;
  lodged_at: string;
  status: string;
  current_decision_id: string;
  channel: string;
  decided_at: string;
}

/** Every content version ever received for a declaration (WCO DM amendments). */
export interface DeclarationVersionsTable {
  administration: string;
  declaration_id: string;
  version: number;
  /** The validated declaration as JSON text. */
  content: string;
  content_hash: string;
  received_at: string;
  /** Where it came from: `api`, `file:<name>`, `stream:<subject>`... */
  source: string;
}

/** Parties of the current version, for first-time-trader checks and screening of stored parties. */
export interface DeclarationPartiesTable {
  administration: string;
  declaration_id: string;
  role: string;
  party_id: string | null;
  party_name: string | null;
  country: string | null;
}

/** Channel decisions with the full explanation and the versions of everything that decided them. */
export interface DecisionsTable {
  id: string;
  administration: string;
  declaration_id: string;
  version: number;
  channel: string;
  score: number;
  /** JSON: `{ signals, selection }`. */
  explanation: string;
  /** JSON: profile id -> version. */
  profile_versions: string;
  reference_version: string;
  model_version: string | null;
  /** JSON: list id -> version, when screening ran. */
  list_versions: string | null;
  kind: string;
  officer: string | null;
  reason: string | null;
  /** The decision an override replaces. */
  supersedes: string | null;
  decided_at: string;
  /** Leaf index in the transparency log once appended (RFC 9162 §2.1). */
  log_index: number | null;
}

/** Records that failed validation, kept with their errors so nothing is silently dropped. */
export interface RejectsTable {
  id: string;
  administration: string;
  source: string;
  batch_id: string | null;
  record_number: number;
  declaration_id: string | null;
  /** JSON array of validation issues. */
  errors: string;
  /** The raw record, truncated to a bound. */
  raw: string;
  /** Length of the raw record before truncation, in characters. */
  raw_length: number;
  received_at: string;
}

/** Time Release Study milestones (WCO TRS Guide) of a declaration. */
export interface LifecycleEventsTable {
  id: string;
  administration: string;
  declaration_id: string;
  version: number | null;
  event: string;
  at: string;
  actor: string;
}

/** What an inspection found; the label the model learns from. */
export interface InspectionOutcomesTable {
  id: string;
  administration: string;
  declaration_id: string;
  version: number;
  decision_id: string;
  result: string;
  fraud: number;
  critical: number;
  revenue_recovered: number | null;
  notes: string | null;
  officer: string;
  recorded_at: string;
}

/** A risk profile being edited: the analyst's YAML, applied to nothing until activated (migration 0015). */
export interface RiskProfileDraftsTable {
  administration: string;
  id: string;
  yaml: string;
  updated_at: string;
  updated_by: string;
}

/** Versioned risk profiles: a changed content or enabled flag is a new version, never an update. */
/** Risk profile versions of one administration (migration 0006). */
export interface RiskProfilesTable {
  administration: string;
  id: string;
  version: number;
  content: string;
  content_hash: string;
  enabled: number;
  created_at: string;
  created_by: string;
}

/** Who did what, when. `administration` is null for installation-wide actions. */
export interface AuditLogTable {
  id: string;
  administration: string | null;
  actor: string;
  action: string;
  subject: string;
  at: string;
  /** JSON object. */
  details: string;
}

/** One-time facts of the installation, by name (`demo_key`: id of the key `serve --demo` minted). */
export interface InstallationStateTable {
  name: string;
  value: string;
  set_at: string;
}

export interface CoreTables {
  administrations: AdministrationsTable;
  api_keys: ApiKeysTable;
  declarations: DeclarationsTable;
  declaration_versions: DeclarationVersionsTable;
  declaration_parties: DeclarationPartiesTable;
  decisions: DecisionsTable;
  rejects: RejectsTable;
  lifecycle_events: LifecycleEventsTable;
  inspection_outcomes: InspectionOutcomesTable;
  risk_profiles: RiskProfilesTable;
  risk_profile_drafts: RiskProfileDraftsTable;
  audit_log: AuditLogTable;
  installation_state: InstallationStateTable;
}

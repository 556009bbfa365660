/**
 * Tables of party screening: list versions (dated, hashed) with their entities, shared by the
 * installation; and, per administration, the parties screened, the hits raised, analysts'
 * adjudications (who, when, verdict) and the good-party list of cleared party-entity pairs.
 * Timestamps are ISO 8601 text (portable between SQLite and PostgreSQL); JSON columns are text.
 */
export interface ScreeningListVersionsTable {
  /** Version label `<list>:<publishedOn>:<sha256 prefix>` (src/core/screening/entity.ts). */
  id: string;
  list: string;
  published_on: string;
  sha256: string;
  /** JSON array of the paths or URLs read. */
  origin: string;
  entity_count: number;
  loaded_at: string;
  loaded_by: string;
}

export interface ScreeningEntitiesTable {
  version_id: string;
  entity_id: string;
  /** SHA-256 of the entity's screening data (src/core/screening/delta.ts). */
  fingerprint: string;
  /** JSON of the SanctionedEntity. */
  data: string;
}

export interface ScreeningPartiesTable {
  administration: string;
  /** Party fingerprint: changes when the party's data changes. */
  party_key: string;
  /** JSON of the ScreeningQuery. */
  query: string;
  first_seen_at: string;
  last_screened_at: string;
}

export interface ScreeningHitsTable {
  id: string;
  administration: string;
  party_key: string;
  list: string;
  entity_id: string;
  entity_fingerprint: string;
  version_id: string;
  score: number;
  /** Name score before evidence: 1 is an exact name match (its clearance needs two analysts). */
  name_score: number;
  decision: string;
  /** JSON array of reason sentences. */
  reasons: string;
  /** `open`, `pending_clearance` (a first analyst cleared it), `true_positive` or `false_positive`. */
  status: string;
  /** `screen` (a party screened) or `delta` (raised by a list update). */
  cause: string;
  raised_at: string;
}

export interface ScreeningAdjudicationsTable {
  id: string;
  administration: string;
  hit_id: string;
  /** `true_positive` or `false_positive`. */
  verdict: string;
  /** `final`; or `pending` and `confirmation`, the two halves of a four-eyes clearance. */
  stage: string;
  analyst: string;
  /** The API key that made it (null from the CLI, where the analyst names themself). */
  analyst_key: string | null;
  note: string;
  decided_at: string;
}

export interface ScreeningGoodPartiesTable {
  administration: string;
  party_key: string;
  list: string;
  entity_id: string;
  entity_fingerprint: string;
  adjudication_id: string;
  cleared_at: string;
}

export interface ScreeningTables {
  screening_list_versions: ScreeningListVersionsTable;
  screening_entities: ScreeningEntitiesTable;
  screening_parties: ScreeningPartiesTable;
  screening_hits: ScreeningHitsTable;
  screening_adjudications: ScreeningAdjudicationsTable;
  screening_good_parties: ScreeningGoodPartiesTable;
}

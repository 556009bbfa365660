/** What the API key repository returns: never a stored hash, the secret only once. */

/**
 * What an API key may do; the HTTP layer maps roles to routes. `auditor` reads (decisions, alerts,
 * seizures, groups, who read personal data) and changes nothing; `partner` is a federated peer's
 * key (information sharing, docs/SHARING.md): it reaches only the federation routes.
 */
export const API_KEY_ROLES = ['admin', 'analyst', 'officer', 'ingest', 'auditor', 'partner'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface CreatedApiKey {
  id: string;
  /** Shown once; only its SHA-256 is stored. */
  secret: string;
}

/** An API key as `greenlane keys list` shows it: never the secret, nor its hash. */
export interface ApiKeySummary {
  id: string;
  administration: string;
  role: ApiKeyRole;
  /** Who or what holds the key. */
  name: string;
  createdAt: string;
  /** Last successful authentication, to the minute; null when never used. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiPrincipal {
  administration: string;
  keyId: string;
  role: ApiKeyRole;
  /** The key's label, used as the actor name. */
  name: string;
}

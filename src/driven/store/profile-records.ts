import type { SaveStatus } from '../../app/ports/assessment-store.ts';

/** What the profile repository takes and returns (stored versions: `StoredProfile`, an app port record). */

export interface ProfileInput {
  id: string;
  /**
   * The version the analyst gave the profile. With it, (id, version) names one content: the same
   * content again is a no-op and different content under a stored version is refused. Without it,
   * changed content gets the next version.
   */
  version?: number;
  /** The profile definition (JSON-serialisable). */
  content: unknown;
  /** Default true. */
  enabled?: boolean;
}

export interface ProfileSaveResult {
  id: string;
  status: SaveStatus;
  version: number;
}

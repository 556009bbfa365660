/**
 * Where an administration's stored risk profiles come from (`administrationProfiles`).
 * `DeclarationStore` (driven/store) implements it.
 */
export interface ProfileVersionStore {
  /**
   * Every stored version of an administration's profiles, by id and version: what its assessments
   * apply (each declaration gets the newest version enabled and valid at its lodgement time).
   */
  profileVersions(admin: string): Promise<StoredProfile[]>;
}

/** A risk profile version as stored: the validated definition and who stored it when. */
export interface StoredProfile {
  id: string;
  version: number;
  content: unknown;
  contentHash: string;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
}

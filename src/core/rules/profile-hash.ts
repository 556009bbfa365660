import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical-json.ts';
import type { RiskProfile } from './risk-profile.ts';

/**
 * SHA-256 (lower-case hex) of the RFC 8785 canonical JSON of a validated profile, defaults filled
 * in: the same profile written in YAML or JSON, with or without `enabled: true`, hashes the same,
 * and any change of meaning changes the hash. Recorded with decisions and in the ledger.
 */
export function profileContentHash(profile: RiskProfile): string {
  return createHash('sha256').update(canonicalJson(profile), 'utf8').digest('hex');
}

import { createHash } from 'node:crypto';
import type { SanctionedEntity } from './entity.ts';
import type { ScreeningQuery } from './screen.ts';

/**
 * Fingerprints and differences that make screening incremental: a new list version is compared
 * entity by entity with the previous one, and only parties are re-screened against what was added
 * or changed (delta screening). The same fingerprints key the good-party list, so a cleared
 * party-entity pair comes back as soon as either side's data changes.
 */

/** SHA-256 (hex) of an entity's screening-relevant data, independent of field and list order. */
export function entityFingerprint(entity: SanctionedEntity): string {
  const canonical = {
    type: entity.type,
    names: entity.names.map((n) => `${n.quality}:${n.value}`).sort(),
    birthDates: entity.birthDates
      .map((d) => JSON.stringify([d.year, d.month, d.day, d.toYear, d.approximate]))
      .sort(),
    nationalities: [...entity.nationalities].sort(),
    countries: [...entity.countries].sort(),
    identifiers: entity.identifiers.map((i) => `${i.type}:${i.value}:${i.country ?? ''}`).sort(),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** SHA-256 (hex) of a screened party's data: name (case- and space-folded), type, country, dob, IMO. */
export function partyFingerprint(query: ScreeningQuery): string {
  const canonical = [
    query.name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim(),
    query.type,
    query.country?.toUpperCase() ?? '',
    query.dob ?? '',
    query.imo ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export interface ListDelta {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Entity ids added, changed or removed between two versions, given id -> fingerprint maps. */
export function diffFingerprints(
  previous: ReadonlyMap<string, string>,
  next: ReadonlyMap<string, string>,
): ListDelta {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [id, fp] of next) {
    const old = previous.get(id);
    if (old === undefined) added.push(id);
    else if (old !== fp) changed.push(id);
  }
  for (const id of previous.keys()) if (!next.has(id)) removed.push(id);
  return { added, changed, removed };
}

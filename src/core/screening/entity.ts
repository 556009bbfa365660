/**
 * The one entity model every sanctions list is loaded into (UN Security Council Consolidated List,
 * OFAC SDN / consolidated, UK Sanctions List, EU Financial Sanctions File). It keeps what matters
 * for screening and for an officer checking a hit on the official list: names with their quality,
 * dates of birth with their precision, countries, identifiers (passport, national id, IMO number),
 * and the list's own reference.
 */

/** The lists Greenlane loads; also the `list` field of a screening hit. */
export const LIST_SOURCES = ['un', 'ofac', 'eu', 'uk'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];

export const ENTITY_TYPES = ['person', 'organization', 'vessel', 'aircraft'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * How much a name can be trusted to identify the entity. `primary` is the listed name; `strong` the
 * good-quality aliases (UN "Good", OFAC "strong", UK "Good quality", EU `strong="true"`); `weak` the
 * low-quality aliases (UN "Low", OFAC weak a.k.a. in remarks, UK "Low quality"), which lists
 * themselves say are too vague to identify anyone on their own.
 */
export type NameQuality = 'primary' | 'strong' | 'weak';

export interface EntityName {
  value: string;
  quality: NameQuality;
  /** True for a name in its original (non-Latin) script as published by the list. */
  originalScript?: boolean;
}

/**
 * A date of birth at the precision the list gives it. `toYear` is set for a range (UN
 * `TYPE_OF_DATE` BETWEEN); `approximate` for UN APPROXIMATELY / EU circa.
 */
export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
  toYear?: number;
  approximate?: boolean;
}

export const IDENTIFIER_TYPES = ['passport', 'national-id', 'imo', 'registration', 'other'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export interface EntityIdentifier {
  type: IdentifierType;
  value: string;
  /** ISO 3166-1 alpha-2 code of the issuing country, when known. */
  country?: string;
}

/** One listed person, organisation, vessel or aircraft. */
export interface SanctionedEntity {
  list: ListSource;
  /**
   * The list's own identifier of the entry, so an officer can look it up on the official list:
   * UN reference number (or DATAID), OFAC entry number, UK unique id, EU logical id.
   */
  entityId: string;
  type: EntityType;
  names: EntityName[];
  birthDates: PartialDate[];
  birthPlaces: string[];
  /** ISO 3166-1 alpha-2 codes where the list's value could be resolved, else the value as listed. */
  nationalities: string[];
  /** Countries of address or registration (same convention as `nationalities`). */
  countries: string[];
  identifiers: EntityIdentifier[];
  addresses: string[];
  /** Sanctions programmes / regimes (OFAC `SDGT`, UN `Al-Qaida`, UK regime prefix...). */
  programmes: string[];
  /** Date of listing (ISO date) when the list gives it. */
  listedOn?: string;
  /**
   * The same party on other lists, as the list itself states it (`un:QDi.017` from a UK or EU
   * entry's UN reference number, `ofac:25685` from a UK entry's OFAC UID): screening merges such
   * entries into one hit carrying every list's id.
   */
  sameAs?: string[];
}

/** A loaded list: its entities and the version that identifies exactly what was screened against. */
export interface ListVersion {
  list: ListSource;
  /** Publication date of the list (ISO date) as stated by the file, or the load date if absent. */
  publishedOn: string;
  /** SHA-256 of the source files' bytes, hex. */
  sha256: string;
  /** Where the list was read from (paths or URLs). */
  origin: string[];
  entities: SanctionedEntity[];
}

/** The version label quoted in screening results: `un:2026-02-27:1a2b3c4d`. */
export function versionLabel(v: Pick<ListVersion, 'list' | 'publishedOn' | 'sha256'>): string {
  return `${v.list}:${v.publishedOn}:${v.sha256.slice(0, 12)}`;
}

/** An empty entity of a list, to be filled in by a parser. */
export function newEntity(list: ListSource, entityId: string, type: EntityType): SanctionedEntity {
  return {
    list,
    entityId,
    type,
    names: [],
    birthDates: [],
    birthPlaces: [],
    nationalities: [],
    countries: [],
    identifiers: [],
    addresses: [],
    programmes: [],
  };
}

/** Adds a name unless the same value with an equal or better quality is already there. */
export function addName(
  entity: SanctionedEntity,
  value: string,
  quality: NameQuality,
  originalScript = false,
): void {
  const v = value.replace(/\s+/g, ' ').trim();
  if (!v) return;
  const rank: Record<NameQuality, number> = { primary: 0, strong: 1, weak: 2 };
  const existing = entity.names.find((n) => n.value.toLowerCase() === v.toLowerCase());
  if (existing) {
    if (rank[quality] < rank[existing.quality]) existing.quality = quality;
    return;
  }
  entity.names.push(originalScript ? { value: v, quality, originalScript } : { value: v, quality });
}

/** Records that an entry is the same party as `id` (`list:entityId`) on another list. */
export function addSameAs(entity: SanctionedEntity, id: string): void {
  if (id.startsWith(`${entity.list}:`)) return;
  entity.sameAs ??= [];
  if (!entity.sameAs.includes(id)) entity.sameAs.push(id);
}

/** Adds a value to a string list once. */
export function addUnique(list: string[], value: string | undefined): void {
  const v = value?.replace(/\s+/g, ' ').trim();
  if (v && !list.includes(v)) list.push(v);
}

/** Normalises an IMO ship identification number: 7 digits, or undefined when malformed. */
export function normaliseImo(raw: string | undefined): string | undefined {
  const digits = raw?.replace(/^\s*IMO\s*/i, '').replace(/\D/g, '');
  return digits && digits.length === 7 ? digits : undefined;
}

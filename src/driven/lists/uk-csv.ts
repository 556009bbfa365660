import { parse } from 'csv-parse/sync';
import {
  addName,
  addSameAs,
  addUnique,
  type EntityType,
  type NameQuality,
  newEntity,
  normaliseImo,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';

/**
 * Parser for the UK Sanctions List (FCDO) in the normalised relational form of the data
 * directory (`uk/subjects.csv`, `subject_names.csv`, `subject_dobs.csv`, `subject_identifiers.csv`,
 * `subject_countries.csv`; see its SOURCE.md). The entity id is the list's `Unique ID` (e.g.
 * `AFG0001`). Name types: `primary`, `primary_variation` (a spelling of the primary name: strong)
 * and `alias` with strength `good_quality_aka` (strong) or `low_quality_aka` (weak); aliases with
 * no stated strength are kept as strong, as the list publishes them as identifying.
 */
export interface UkFiles {
  subjects: string;
  names: string;
  dobs?: string;
  identifiers?: string;
  countries?: string;
}

export function parseUkCsv(files: UkFiles): { publishedOn?: string; entities: SanctionedEntity[] } {
  const byId = new Map<string, SanctionedEntity>();
  let latest = '';
  for (const row of records(files.subjects)) {
    const id = row.unique_id;
    if (!id) continue;
    const entity = newEntity('uk', id, subjectType(row.subject_type ?? ''));
    const designated = ukDate(row.date_designated);
    if (designated) entity.listedOn = designated;
    const updated = ukDate(row.last_updated);
    if (updated && updated > latest) latest = updated;
    addUnique(entity.programmes, id.replace(/\d+$/, ''));
    if (row.un_reference_number?.trim()) addSameAs(entity, `un:${row.un_reference_number.trim()}`);
    byId.set(id, entity);
  }
  for (const row of records(files.names)) {
    const entity = byId.get(row.unique_id ?? '');
    if (!entity || !row.full_name) continue;
    const quality: NameQuality =
      row.name_type === 'primary' ? 'primary' : row.alias_strength === 'low_quality_aka' ? 'weak' : 'strong';
    addName(
      entity,
      row.full_name,
      quality,
      /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(row.full_name),
    );
  }
  for (const row of records(files.dobs ?? '')) {
    const entity = byId.get(row.unique_id ?? '');
    const year = Number(row.year);
    if (!entity || !year) continue;
    const month = Number(row.month) || undefined;
    const day = Number(row.day) || undefined;
    entity.birthDates.push({ year, ...(month ? { month } : {}), ...(month && day ? { day } : {}) });
  }
  for (const row of records(files.identifiers ?? '')) {
    const entity = byId.get(row.unique_id ?? '');
    const value = row.raw_value?.trim();
    if (!entity || !value) continue;
    for (const ofac of ofacUids(row.raw_value)) addSameAs(entity, `ofac:${ofac}`);
    if (row.identifier_type === 'imo') {
      const imo = normaliseImo(value);
      if (imo && !entity.identifiers.some((i) => i.type === 'imo' && i.value === imo)) {
        entity.identifiers.push({ type: 'imo', value: imo });
      }
      continue;
    }
    const type =
      row.identifier_type === 'passport'
        ? 'passport'
        : row.identifier_type === 'national'
          ? 'national-id'
          : 'registration';
    if (!entity.identifiers.some((i) => i.type === type && i.value === value))
      entity.identifiers.push({ type, value });
  }
  for (const row of records(files.countries ?? '')) {
    const entity = byId.get(row.unique_id ?? '');
    if (!entity) continue;
    const value = row.iso || row.raw_value;
    if (row.country_type === 'nationality') addUnique(entity.nationalities, value);
    else if (row.country_type === 'birth') addUnique(entity.birthPlaces, row.raw_value);
    else addUnique(entity.countries, value);
  }
  return { ...(latest ? { publishedOn: latest } : {}), entities: [...byId.values()] };
}

function subjectType(raw: string): EntityType {
  if (raw === 'individual') return 'person';
  if (raw === 'ship') return 'vessel';
  return 'organization';
}

/** UK dates are `dd/mm/yyyy`. */
function ukDate(raw: string | undefined): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(raw?.trim() ?? '');
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

function records(text: string): Array<Record<string, string>> {
  if (!text) return [];
  return parse(text, {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as Array<Record<string, string>>;
}

/** OFAC UIDs a UK entry quotes among its identifiers ("USA OFAC UID Number - 25685"). */
export function ofacUids(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/OFAC\s+UID(?:\s+Number)?\s*[-:]?\s*(\d+)/gi)].map((m) => m[1]!);
}

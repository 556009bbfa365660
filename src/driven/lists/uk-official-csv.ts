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
import type { CountryResolver } from './country-resolver.ts';
import { ofacUids } from './uk-csv.ts';

/**
 * Parser for the UK Sanctions List as the FCDO publishes it on gov.uk (`UK-Sanctions-List.csv`):
 * one row per name of a designation, keyed by `Unique ID`, with `Name 1`..`Name 6` (`Name 6` is
 * the surname or entity name), `Name type` (Primary Name / Primary Name Variation / Alias),
 * `Alias strength`, `Name non-latin script`, `D.O.B` (`dd/mm/yyyy`, unknown parts as `dd`/`mm`),
 * `Nationality(/ies)`, passport and national identifier numbers and, for ships, `IMO number`.
 * Preamble lines before the header (`Report Date: ...`) are skipped; several values in one cell
 * are numbered `(1) ... (2) ...`.
 */
export function parseUkOfficialCsv(
  text: string,
  resolveCountry: CountryResolver,
): { publishedOn?: string; entities: SanctionedEntity[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.includes('Unique ID') && l.includes('Name 6'));
  if (headerAt < 0) throw new Error('not the UK Sanctions List CSV: no header with "Unique ID" and "Name 6"');
  const rows = parse(lines.slice(headerAt).join('\n'), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
  }) as Array<Record<string, string>>;
  const byId = new Map<string, SanctionedEntity>();
  let latest = '';
  for (const row of rows) {
    const id = row['Unique ID'];
    if (!id) continue;
    let entity = byId.get(id);
    if (!entity) {
      entity = newEntity(
        'uk',
        id,
        designationType(row['Individual, Entity, Ship'] ?? row['Designation Type'] ?? ''),
      );
      addUnique(entity.programmes, row['Regime Name']);
      const un = row['UN Reference Number']?.trim();
      if (un) addSameAs(entity, `un:${un}`);
      const designated = ukDate(row['Date Designated']);
      if (designated) entity.listedOn = designated;
      byId.set(id, entity);
    }
    const updated = ukDate(row['Last Updated']);
    if (updated && updated > latest) latest = updated;
    const name = ['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5', 'Name 6']
      .map((c) => row[c] ?? '')
      .filter(Boolean)
      .join(' ');
    const type = (row['Name type'] ?? '').toLowerCase();
    const strength = (row['Alias strength'] ?? '').toLowerCase();
    const quality: NameQuality =
      type.startsWith('primary name') && !type.includes('variation')
        ? 'primary'
        : strength.startsWith('low')
          ? 'weak'
          : 'strong';
    if (name) addName(entity, name, entity.names.length === 0 && quality !== 'weak' ? 'primary' : quality);
    const original = row['Name non-latin script'];
    if (original) addName(entity, original, 'strong', true);
    for (const dob of numbered(row['D.O.B'])) {
      const m = /^(dd|\d{2})\/(mm|\d{2})\/(\d{4})$/.exec(dob);
      if (!m) continue;
      const month = m[2] === 'mm' ? undefined : Number(m[2]);
      const day = m[1] === 'dd' || !month ? undefined : Number(m[1]);
      if (!entity.birthDates.some((d) => d.year === Number(m[3]) && d.month === month && d.day === day)) {
        entity.birthDates.push({ year: Number(m[3]), ...(month ? { month } : {}), ...(day ? { day } : {}) });
      }
    }
    for (const n of numbered(row['Nationality(/ies)']))
      addUnique(entity.nationalities, resolveCountry(n) ?? n);
    const country = row['Address Country'];
    if (country) addUnique(entity.countries, resolveCountry(country) ?? country);
    for (const ofac of ofacUids(row['Other Information'])) addSameAs(entity, `ofac:${ofac}`);
    for (const p of numbered(row['Passport number'])) addIdentifier(entity, 'passport', p);
    for (const p of numbered(row['National Identifier number'])) addIdentifier(entity, 'national-id', p);
    for (const imo of numbered(row['IMO number'])) {
      const value = normaliseImo(imo);
      if (value) addIdentifier(entity, 'imo', value);
    }
  }
  return {
    ...(latest ? { publishedOn: latest } : {}),
    entities: [...byId.values()].filter((e) => e.names.length > 0),
  };
}

function addIdentifier(
  entity: SanctionedEntity,
  type: 'passport' | 'national-id' | 'imo',
  value: string,
): void {
  if (!entity.identifiers.some((i) => i.type === type && i.value === value))
    entity.identifiers.push({ type, value });
}

function designationType(raw: string): EntityType {
  const t = raw.toLowerCase();
  if (t.startsWith('individual')) return 'person';
  if (t.startsWith('ship')) return 'vessel';
  return 'organization';
}

/** `(1) a (2) b` or `a; b` -> values. */
function numbered(cell: string | undefined): string[] {
  if (!cell) return [];
  return cell
    .split(/\(\d+\)|;/)
    .map((v) => v.trim())
    .filter(Boolean);
}

function ukDate(raw: string | undefined): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(raw?.trim() ?? '');
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

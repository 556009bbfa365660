import { parse } from 'csv-parse/sync';
import {
  addName,
  addUnique,
  type EntityType,
  newEntity,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { CountryResolver } from './country-resolver.ts';
import { applyOfacRemarks, ofacDisplayName } from './ofac-remarks.ts';

/**
 * Parser for OFAC's legacy CSV set (https://ofac.treasury.gov/sdn-list-data-formats-data-schemas):
 * `sdn.csv` (`ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
 * Vess_flag, Vess_owner, Remarks`, no header, `-0-` for null), and optionally `alt.csv`
 * (`ent_num, alt_num, alt_type, alt_name, alt_remarks`: the strong aliases) and `add.csv`
 * (`ent_num, add_num, address, city/state/postal, country, add_remarks`) and `sdn_comments.csv`.
 */
export function parseOfacCsv(
  files: { sdn: string; alt?: string; add?: string; comments?: string },
  resolveCountry: CountryResolver,
): SanctionedEntity[] {
  const byId = new Map<string, SanctionedEntity>();
  for (const row of rows(files.sdn)) {
    const [entNum, name, sdnType, program, , , , , , vessFlag, , remarks] = row;
    if (!entNum || !/^\d+$/.test(entNum) || !name) continue;
    const type = entityType(sdnType);
    const entity = newEntity('ofac', entNum, type);
    addName(entity, ofacDisplayName(name, type === 'person'), 'primary');
    for (const p of (program ?? '').split(/[\]\s[]+/)) addUnique(entity.programmes, p);
    if (vessFlag) addUnique(entity.countries, resolveCountry(vessFlag) ?? vessFlag);
    if (remarks) applyOfacRemarks(entity, remarks, resolveCountry);
    byId.set(entNum, entity);
  }
  if (files.alt) {
    // alt.csv holds only strong aliases; "fka"/"nka" are former/new names of the same entity.
    for (const [entNum, , , altName] of rows(files.alt)) {
      const entity = entNum ? byId.get(entNum) : undefined;
      if (!entity || !altName) continue;
      addName(entity, ofacDisplayName(altName, entity.type === 'person'), 'strong');
    }
  }
  // sdn_comments.csv (`ent_num, remarks_extension`): remarks too long for sdn.csv continue there.
  if (files.comments) {
    for (const [entNum, extension] of rows(files.comments)) {
      const entity = entNum ? byId.get(entNum) : undefined;
      if (entity && extension) applyOfacRemarks(entity, extension, resolveCountry);
    }
  }
  if (files.add) {
    for (const [entNum, , address, cityLine, country] of rows(files.add)) {
      const entity = entNum ? byId.get(entNum) : undefined;
      if (!entity) continue;
      if (country) addUnique(entity.countries, resolveCountry(country) ?? country);
      addUnique(entity.addresses, [address, cityLine, country].filter(Boolean).join(', '));
    }
  }
  return [...byId.values()];
}

function entityType(raw: string | undefined): EntityType {
  switch (raw?.toLowerCase()) {
    case 'individual':
      return 'person';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    default:
      return 'organization';
  }
}

/** Rows with `-0-` turned into empty strings; tolerates the trailing SUB (0x1A) end-of-file byte. */
function rows(text: string): string[][] {
  const records = parse(text.replaceAll('\u001a', ''), {
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
  return records.map((r) => r.map((v) => (v === '-0-' ? '' : v)));
}

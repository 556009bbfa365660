import { parse } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import {
  addName,
  addSameAs,
  addUnique,
  newEntity,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { CountryResolver } from './country-resolver.ts';
import { addImo } from './ofac-remarks.ts';
import { asArray, textOf, type XmlNode } from './xml-helpers.ts';

/**
 * Parser for the EU Financial Sanctions File, XML 1.1
 * (`export/sanctionEntity@logicalId` with `subjectType@code`, `nameAlias@wholeName@strong`,
 * `citizenship@countryIso2Code`, `birthdate@birthdate|@year|@circa`,
 * `identification@identificationTypeCode@number@countryIso2Code`, `address`, `regulation@programme`).
 * The entity id is the `logicalId`, the identifier the FSF web search shows.
 */
export function parseEuXml(xml: string): { publishedOn?: string; entities: SanctionedEntity[] } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.export;
  if (!root) throw new Error('not an EU FSF XML file: export element missing');
  const generated = textOf(root['@generationDate']);
  const entities: SanctionedEntity[] = [];
  for (const s of asArray(root.sanctionEntity)) {
    const code = textOf(s.subjectType?.['@code']);
    const entity = newEntity('eu', textOf(s['@logicalId']), code === 'person' ? 'person' : 'organization');
    // The entry's UN reference number when the EU transposes a UN listing.
    const un = textOf(s['@unitedNationId']);
    if (un) addSameAs(entity, `un:${un}`);
    for (const a of asArray(s.nameAlias)) {
      const whole = textOf(a?.['@wholeName']);
      if (!whole) continue;
      const quality =
        entity.names.length === 0 ? 'primary' : textOf(a?.['@strong']) === 'false' ? 'weak' : 'strong';
      addName(
        entity,
        whole,
        quality,
        /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(whole),
      );
    }
    for (const c of asArray(s.citizenship))
      addUnique(entity.nationalities, textOf(c?.['@countryIso2Code']) || undefined);
    for (const b of asArray(s.birthdate)) {
      const full = /^(\d{4})-(\d{2})-(\d{2})$/.exec(textOf(b?.['@birthdate']));
      const year = Number(textOf(b?.['@year'])) || (full ? Number(full[1]) : 0);
      if (!year) continue;
      const approximate = textOf(b?.['@circa']) === 'true' ? { approximate: true } : {};
      entity.birthDates.push(
        full
          ? { year, month: Number(full[2]), day: Number(full[3]), ...approximate }
          : { year, ...approximate },
      );
      addUnique(
        entity.birthPlaces,
        [textOf(b?.['@city']), textOf(b?.['@countryDescription'])].filter(Boolean).join(', '),
      );
    }
    for (const i of asArray(s.identification)) {
      const kind = textOf(i?.['@identificationTypeCode']).toLowerCase();
      const number = textOf(i?.['@number']);
      if (!number) continue;
      if (kind === 'imo' || /\bimo\b/i.test(textOf(i?.['@identificationTypeDescription']))) {
        addImo(entity, number);
        entity.type = 'vessel';
        continue;
      }
      const country = textOf(i?.['@countryIso2Code']);
      entity.identifiers.push({
        type: kind === 'passport' ? 'passport' : kind === 'id' ? 'national-id' : 'other',
        value: number,
        ...(country ? { country } : {}),
      });
    }
    for (const a of asArray(s.address)) {
      addUnique(entity.countries, textOf(a?.['@countryIso2Code']) || undefined);
      addUnique(
        entity.addresses,
        [a?.['@street'], a?.['@city'], a?.['@zipCode'], a?.['@countryDescription']]
          .map(textOf)
          .filter(Boolean)
          .join(', '),
      );
    }
    addUnique(entity.programmes, textOf(s.regulation?.[0]?.['@programme']) || undefined);
    if (entity.entityId && entity.names.length) entities.push(entity);
  }
  return { ...(generated ? { publishedOn: generated.slice(0, 10) } : {}), entities };
}

const ARRAY_TAGS = new Set([
  'sanctionEntity',
  'nameAlias',
  'citizenship',
  'birthdate',
  'identification',
  'address',
  'regulation',
]);

/**
 * Parser for the derived EU names file of the data directory (`eu/eu_names_aliases_derived_*.csv`:
 * `Name, Alias, Nationality, Designation`). It carries no EU logical id, so the entity id is
 * `row-<n>` (the data row number) — enough to find the row, not an official reference; load the
 * FSF XML with `--from` for official ids.
 */
export function parseEuDerivedCsv(text: string, resolveCountry: CountryResolver): SanctionedEntity[] {
  const rows = parse(text, {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as Array<Record<string, string>>;
  const entities: SanctionedEntity[] = [];
  rows.forEach((row, i) => {
    const name = row.Name;
    if (!name) return;
    const entity = newEntity('eu', `row-${i + 1}`, row.Designation === 'person' ? 'person' : 'organization');
    const nonLatin = (v: string) => /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(v);
    addName(entity, name, 'primary', nonLatin(name));
    for (const alias of (row.Alias ?? '').split(/,\s+/)) addName(entity, alias, 'strong', nonLatin(alias));
    const nationality = row.Nationality;
    if (nationality) addUnique(entity.nationalities, resolveCountry(nationality) ?? nationality);
    entities.push(entity);
  });
  return entities;
}

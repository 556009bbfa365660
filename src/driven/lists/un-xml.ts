import { XMLParser } from 'fast-xml-parser';
import {
  addName,
  addUnique,
  type EntityType,
  type NameQuality,
  newEntity,
  type PartialDate,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { CountryResolver } from './country-resolver.ts';
import { asArray, textOf, type XmlNode } from './xml-helpers.ts';

/**
 * Parser for the UN Security Council Consolidated List XML
 * (https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema
 * https://www.un.org/sc/resources/sc-sanctions.xsd): `INDIVIDUALS/INDIVIDUAL` and
 * `ENTITIES/ENTITY`. The entity id is the stable `REFERENCE_NUMBER` (e.g. `QDi.017`), falling back
 * to `DATAID` when a record has none.
 */
export function parseUnXml(
  xml: string,
  resolveCountry: CountryResolver,
): { publishedOn?: string; entities: SanctionedEntity[] } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.CONSOLIDATED_LIST;
  if (!root) throw new Error('not a UN consolidated list: CONSOLIDATED_LIST element missing');
  const generated = textOf(root['@dateGenerated']);
  const entities: SanctionedEntity[] = [];
  for (const rec of asArray(root.INDIVIDUALS?.INDIVIDUAL))
    entities.push(record(rec, 'person', resolveCountry));
  for (const rec of asArray(root.ENTITIES?.ENTITY))
    entities.push(record(rec, 'organization', resolveCountry));
  return { ...(generated ? { publishedOn: generated.slice(0, 10) } : {}), entities };
}

const ARRAY_TAGS = new Set([
  'INDIVIDUAL',
  'ENTITY',
  'INDIVIDUAL_ALIAS',
  'ENTITY_ALIAS',
  'INDIVIDUAL_DATE_OF_BIRTH',
  'INDIVIDUAL_PLACE_OF_BIRTH',
  'INDIVIDUAL_DOCUMENT',
  'INDIVIDUAL_ADDRESS',
  'ENTITY_ADDRESS',
  'VALUE',
]);

/** UN alias QUALITY: "Good" and "a.k.a." are identifying; "Low" is not; "f.k.a." is a former name. */
function aliasQuality(raw: string): NameQuality {
  const q = raw.toLowerCase();
  return q === 'low' ? 'weak' : 'strong';
}

function record(rec: XmlNode, type: EntityType, resolveCountry: CountryResolver): SanctionedEntity {
  const id = textOf(rec.REFERENCE_NUMBER) || textOf(rec.DATAID);
  const entity = newEntity('un', id, type);
  const parts = [rec.FIRST_NAME, rec.SECOND_NAME, rec.THIRD_NAME, rec.FOURTH_NAME]
    .map(textOf)
    .filter(Boolean);
  addName(entity, parts.join(' '), 'primary');
  const original = textOf(rec.NAME_ORIGINAL_SCRIPT);
  if (original) addName(entity, original, 'strong', true);
  for (const alias of [...asArray(rec.INDIVIDUAL_ALIAS), ...asArray(rec.ENTITY_ALIAS)]) {
    const name = textOf(alias?.ALIAS_NAME);
    if (name) addName(entity, name, aliasQuality(textOf(alias?.QUALITY)));
  }
  for (const dob of asArray(rec.INDIVIDUAL_DATE_OF_BIRTH)) {
    const d = unDate(dob);
    if (d) entity.birthDates.push(d);
  }
  for (const pob of asArray(rec.INDIVIDUAL_PLACE_OF_BIRTH)) {
    const place = [pob?.CITY, pob?.STATE_PROVINCE, pob?.COUNTRY].map(textOf).filter(Boolean).join(', ');
    addUnique(entity.birthPlaces, place);
  }
  for (const value of asArray(rec.NATIONALITY?.VALUE)) {
    const raw = textOf(value);
    addUnique(entity.nationalities, resolveCountry(raw) ?? raw);
  }
  for (const address of [...asArray(rec.INDIVIDUAL_ADDRESS), ...asArray(rec.ENTITY_ADDRESS)]) {
    const country = textOf(address?.COUNTRY);
    if (country) addUnique(entity.countries, resolveCountry(country) ?? country);
    const line = [address?.STREET, address?.CITY, address?.STATE_PROVINCE, address?.COUNTRY]
      .map(textOf)
      .filter(Boolean)
      .join(', ');
    addUnique(entity.addresses, line);
  }
  for (const doc of asArray(rec.INDIVIDUAL_DOCUMENT)) {
    const number = textOf(doc?.NUMBER);
    if (!number) continue;
    const kind = textOf(doc?.TYPE_OF_DOCUMENT).toLowerCase();
    const country = resolveCountry(textOf(doc?.ISSUING_COUNTRY));
    entity.identifiers.push({
      type: /pass/.test(kind) ? 'passport' : /national|identi/.test(kind) ? 'national-id' : 'other',
      value: number,
      ...(country ? { country } : {}),
    });
  }
  addUnique(entity.programmes, textOf(rec.UN_LIST_TYPE));
  const listed = textOf(rec.LISTED_ON);
  if (listed) entity.listedOn = listed.slice(0, 10);
  return entity;
}

/** UN `TYPE_OF_DATE` EXACT / APPROXIMATELY / BETWEEN with `DATE`, `YEAR` or `FROM_YEAR`..`TO_YEAR`. */
function unDate(dob: XmlNode): PartialDate | undefined {
  const kind = textOf(dob?.TYPE_OF_DATE).toUpperCase();
  const date = textOf(dob?.DATE);
  const approximate = kind === 'APPROXIMATELY' ? { approximate: true } : {};
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), ...approximate };
  const year = Number(textOf(dob?.YEAR));
  if (year) return { year, ...approximate };
  const from = Number(textOf(dob?.FROM_YEAR));
  const to = Number(textOf(dob?.TO_YEAR));
  if (from && to) return { year: from, toYear: to };
  return undefined;
}

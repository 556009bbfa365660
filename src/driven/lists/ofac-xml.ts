import { XMLParser } from 'fast-xml-parser';
import {
  addName,
  addUnique,
  type EntityIdentifier,
  type EntityType,
  newEntity,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { CountryResolver } from './country-resolver.ts';
import { addImo, parseOfacDate } from './ofac-remarks.ts';
import { asArray, textOf, type XmlNode } from './xml-helpers.ts';

/**
 * Parser for OFAC's `sdn.xml` schema (used by `SDN.XML` and the consolidated non-SDN `CONSOLIDATED.XML`):
 * `sdnList/sdnEntry` with `uid`, `firstName`, `lastName`, `sdnType`, `programList`, `akaList/aka`
 * (`category` strong / weak), `idList/id`, `nationalityList`, `dateOfBirthList`,
 * `placeOfBirthList`, `addressList` and `vesselInfo`. The entity id is the entry `uid`.
 */
export function parseOfacXml(
  xml: string,
  resolveCountry: CountryResolver,
): { publishedOn?: string; entities: SanctionedEntity[] } {
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const root = doc.sdnList;
  if (!root) throw new Error('not an OFAC sdn.xml file: sdnList element missing');
  const published = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(textOf(root.publshInformation?.Publish_Date));
  const entities = asArray(root.sdnEntry).map((e) => entry(e, resolveCountry));
  return {
    ...(published ? { publishedOn: `${published[3]}-${published[1]}-${published[2]}` } : {}),
    entities,
  };
}

const ARRAY_TAGS = new Set([
  'sdnEntry',
  'program',
  'aka',
  'id',
  'nationality',
  'citizenship',
  'dateOfBirthItem',
  'placeOfBirthItem',
  'address',
]);

function entityType(raw: string): EntityType {
  switch (raw.toLowerCase()) {
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

function fullName(first: string, last: string): string {
  return [first, last].filter(Boolean).join(' ');
}

function entry(e: XmlNode, resolveCountry: CountryResolver): SanctionedEntity {
  const entity = newEntity('ofac', textOf(e.uid), entityType(textOf(e.sdnType)));
  addName(entity, fullName(textOf(e.firstName), textOf(e.lastName)), 'primary');
  for (const aka of asArray(e.akaList?.aka)) {
    const quality = textOf(aka?.category).toLowerCase() === 'weak' ? 'weak' : 'strong';
    addName(entity, fullName(textOf(aka?.firstName), textOf(aka?.lastName)), quality);
  }
  for (const p of asArray(e.programList?.program)) addUnique(entity.programmes, textOf(p));
  for (const n of [...asArray(e.nationalityList?.nationality), ...asArray(e.citizenshipList?.citizenship)]) {
    const raw = textOf(n?.country);
    addUnique(entity.nationalities, resolveCountry(raw) ?? raw);
  }
  for (const d of asArray(e.dateOfBirthList?.dateOfBirthItem)) {
    const date = parseOfacDate(textOf(d?.dateOfBirth));
    if (date) entity.birthDates.push(date);
  }
  for (const p of asArray(e.placeOfBirthList?.placeOfBirthItem))
    addUnique(entity.birthPlaces, textOf(p?.placeOfBirth));
  for (const a of asArray(e.addressList?.address)) {
    const country = textOf(a?.country);
    if (country) addUnique(entity.countries, resolveCountry(country) ?? country);
    const line = [
      a?.address1,
      a?.address2,
      a?.address3,
      a?.city,
      a?.stateOrProvince,
      a?.postalCode,
      a?.country,
    ]
      .map(textOf)
      .filter(Boolean)
      .join(', ');
    addUnique(entity.addresses, line);
  }
  for (const id of asArray(e.idList?.id)) {
    const kind = textOf(id?.idType);
    const value = textOf(id?.idNumber);
    if (!value) continue;
    if (/IMO|Vessel Registration/i.test(kind)) {
      addImo(entity, value);
      continue;
    }
    const type: EntityIdentifier['type'] = /passport/i.test(kind)
      ? 'passport'
      : /national id|cedula|identification number|d\.n\.i/i.test(kind)
        ? 'national-id'
        : /registration|tax id/i.test(kind)
          ? 'registration'
          : 'other';
    if (type === 'other') continue;
    const country = resolveCountry(textOf(id?.idCountry));
    entity.identifiers.push({ type, value, ...(country ? { country } : {}) });
  }
  const flag = textOf(e.vesselInfo?.vesselFlag);
  if (flag) addUnique(entity.countries, resolveCountry(flag) ?? flag);
  return entity;
}

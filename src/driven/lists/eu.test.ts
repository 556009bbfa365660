import { describe, expect, it } from 'vitest';
import { parseEuXml } from './eu.ts';

// A minimal FSF 1.1 document in the official structure (the real file is too large for the data mirror).
const FSF = `<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-05-08T10:00:00.000+02:00">
  <sanctionEntity logicalId="13" euReferenceNumber="EU.27.28" unitedNationId="QDi.001">
    <regulation programme="TAQA"/>
    <subjectType code="person"/>
    <nameAlias wholeName="Saddam Hussein Al-Tikriti" strong="true"/>
    <nameAlias wholeName="Abu Ali" strong="false"/>
    <citizenship countryIso2Code="IQ"/>
    <birthdate birthdate="1937-04-28" city="al-Awja" countryDescription="IRAQ"/>
    <identification identificationTypeCode="passport" number="A123" countryIso2Code="IQ"/>
  </sanctionEntity>
  <sanctionEntity logicalId="99">
    <subjectType code="enterprise"/>
    <nameAlias wholeName="Ocean Star" strong="true"/>
    <identification identificationTypeCode="imo" number="IMO 9123456"/>
  </sanctionEntity>
</export>`;

describe('EU FSF XML parser', () => {
  it('uses the logical id, name strength, citizenship, birth date and identifiers', () => {
    const { publishedOn, entities } = parseEuXml(FSF);
    expect(publishedOn).toBe('2026-05-08');
    const [saddam, ship] = entities;
    expect(saddam!.entityId).toBe('13');
    expect(saddam!.sameAs).toEqual(['un:QDi.001']);
    expect(saddam!.names).toEqual([
      { value: 'Saddam Hussein Al-Tikriti', quality: 'primary' },
      { value: 'Abu Ali', quality: 'weak' },
    ]);
    expect(saddam!.nationalities).toEqual(['IQ']);
    expect(saddam!.birthDates).toEqual([{ year: 1937, month: 4, day: 28 }]);
    expect(saddam!.identifiers).toEqual([{ type: 'passport', value: 'A123', country: 'IQ' }]);
    expect(ship!.type).toBe('vessel');
    expect(ship!.identifiers).toEqual([{ type: 'imo', value: '9123456' }]);
  });
});

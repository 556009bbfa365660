import { describe, expect, it } from 'vitest';
import { locodeZip, writeZip } from '../../../test/support/reference-sources.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';
import { convertUnlocodeRelease, locodeCoordinates } from './unlocode-release.ts';

describe('locodeCoordinates', () => {
  it('converts degree-minute coordinates to signed decimal degrees', () => {
    expect(locodeCoordinates('4230N 00131E')).toEqual({ latitude: '42.5000', longitude: '1.5167' });
    expect(locodeCoordinates('5448S 06818W')).toEqual({ latitude: '-54.8000', longitude: '-68.3000' });
    expect(locodeCoordinates('')).toBeUndefined();
    expect(locodeCoordinates('4230N')).toBeUndefined();
  });
});

describe('convertUnlocodeRelease', () => {
  it('converts the parts in order, Latin-1 and UTF-8 alike, into the mirror layout', () => {
    const release = convertUnlocodeRelease(locodeZip('2025-1'), '2025-1', 'UNECE zip');
    const rows = release.codeList.data.toString().trimEnd().split('\n');
    // Part 1 (Latin-1) before part 2 (UTF-8), although the archive stores part 2 first.
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 3).join(''))).toEqual([
      'CHZRH',
      'CHOLD',
      'NLRTM',
      'IT940',
      'KRPUS',
      'ARUSH',
    ]);
    expect(rows[1]).toBe(
      ',CH,ZRH,Zürich,Zurich,ZH,AI,1234----,0701,,4723N 00832E,47.3833,8.5333,,UNECE 2025-1',
    );
    expect(release.aliases.rows).toBe(1);
    expect(release.subdivisions.data.toString()).toBe(
      'SUCountry,SUCode,SUName,SUType\nCH,ZH,Zürich,Canton\nNL,ZH,Zuid-Holland,Province\n',
    );
    expect(release.notes.at(-1)).toBe(
      '1 rows without a valid country + location code were left out, e.g. CHB1? Broken code.',
    );
  });

  it('refuses an archive without the code list or the subdivisions', () => {
    const zip = writeZip([{ name: 'README.txt', data: Buffer.from('moved') }]);
    expect(() => convertUnlocodeRelease(zip, '2025-1', 'UNECE zip')).toThrow(ReferenceFetchError);
    expect(() => convertUnlocodeRelease(zip, '2025-1', 'UNECE zip')).toThrow(
      'UNECE zip: expected CodeListPart*.csv and SubdivisionCodes.csv, found README.txt',
    );
  });
});

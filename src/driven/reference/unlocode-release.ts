import { type ConvertedFile, csvFile, csvRows } from './reference-csv.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';
import { readZip, type ZipEntry, ZipError } from './zip-reader.ts';

/** The files of a UN/LOCODE data-directory folder converted from one UNECE release. */
export interface UnlocodeRelease {
  codeList: ConvertedFile;
  aliases: ConvertedFile;
  subdivisions: ConvertedFile;
  notes: string[];
}

/** UNECE files were Latin-1 for years and UTF-8 in recent releases: take UTF-8 when it decodes. */
function decodeText(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return data.toString('latin1');
  }
}

/** UN/LOCODE coordinates "DDMMN DDDMMW" (degrees and minutes) to decimal degrees, 4 places. */
export function locodeCoordinates(value: string): { latitude: string; longitude: string } | undefined {
  const m = /^(\d{2})(\d{2})([NS])\s+(\d{3})(\d{2})([EW])$/.exec(value.trim());
  if (!m) return undefined;
  const lat = (Number(m[1]) + Number(m[2]) / 60) * (m[3] === 'S' ? -1 : 1);
  const lon = (Number(m[4]) + Number(m[5]) / 60) * (m[6] === 'W' ? -1 : 1);
  return { latitude: lat.toFixed(4), longitude: lon.toFixed(4) };
}

/** The mirror's `code-list.csv` columns: UNECE's, Status before Function, plus decimals and source. */
const CODE_LIST_HEADER = [
  'Change',
  'Country',
  'Location',
  'Name',
  'NameWoDiacritics',
  'Subdivision',
  'Status',
  'Function',
  'Date',
  'IATA',
  'Coordinates',
  'Latitude',
  'Longitude',
  'Remarks',
  'Source',
];

/**
 * Converts the UNECE "UN/LOCODE by country" CSV zip of one edition: `CodeListPart{1,2,3}.csv` (no
 * header; columns Change, Country, Location, Name, NameWoDiacritics, Subdivision, Function, Status,
 * Date, IATA, Coordinates, Remarks) and `SubdivisionCodes.csv`. Country header rows (".ANDORRA")
 * are dropped and "=" reference rows go to `alias.csv`, as in the shared mirror.
 */
export function convertUnlocodeRelease(zip: Buffer, edition: string, where: string): UnlocodeRelease {
  let entries: ZipEntry[];
  try {
    entries = readZip(zip);
  } catch (err) {
    const reason = err instanceof ZipError ? `${err.code}: ${err.message}` : String(err);
    throw new ReferenceFetchError('BAD_ARCHIVE', `${where}: ${reason}`, { cause: err });
  }
  const text = (entry: ZipEntry): string => {
    try {
      return decodeText(entry.read());
    } catch (err) {
      throw new ReferenceFetchError('BAD_ARCHIVE', `${where}: ${(err as Error).message}`, { cause: err });
    }
  };
  const parts = entries
    .map((entry) => ({ entry, part: /CodeListPart(\d+)\.csv$/i.exec(entry.name)?.[1] }))
    .filter((p): p is { entry: ZipEntry; part: string } => p.part !== undefined)
    .sort((a, b) => Number(a.part) - Number(b.part));
  const subdivisionEntry = entries.find((entry) => /SubdivisionCodes\.csv$/i.test(entry.name));
  if (parts.length === 0 || !subdivisionEntry) {
    throw new ReferenceFetchError(
      'BAD_ARCHIVE',
      `${where}: expected CodeListPart*.csv and SubdivisionCodes.csv, found ${entries.map((e) => e.name).join(', ') || 'no files'}`,
    );
  }

  const codes: string[][] = [];
  const aliases: string[][] = [];
  const rejected: string[] = [];
  const source = `UNECE ${edition}`;
  for (const { entry } of parts) {
    for (const row of csvRows(text(entry), `${where} ${entry.name}`)) {
      const [change = '', country = '', location = '', name = '', plain = '', subdivision = ''] = row;
      const [fn = '', status = '', date = '', iata = '', coordinates = '', remarks = ''] = row.slice(6);
      if (change === '=') {
        aliases.push([country, name, plain]);
        continue;
      }
      if (location === '' && name.startsWith('.')) continue;
      // The UN/LOCODE manual allows letters and digits 2-9, but releases also carry codes with 0
      // (DE 9B0, IT 940): accept any three capitals or digits, as published.
      if (!/^[A-Z]{2}$/.test(country) || !/^[A-Z0-9]{3}$/.test(location)) {
        rejected.push(`${country}${location || '(empty)'} ${name}`.trim());
        continue;
      }
      const position = locodeCoordinates(coordinates);
      codes.push([
        change,
        country,
        location,
        name,
        plain,
        subdivision,
        status,
        fn,
        date,
        iata,
        coordinates,
        position?.latitude ?? '',
        position?.longitude ?? '',
        remarks,
        source,
      ]);
    }
  }
  const subdivisions = csvRows(text(subdivisionEntry), `${where} ${subdivisionEntry.name}`)
    .filter((row) => /^[A-Z]{2}$/.test(row[0] ?? ''))
    .map((row) => [row[0] ?? '', row[1] ?? '', row[2] ?? '', row[3] ?? '']);
  const notes = [
    `Converted from ${parts.map((p) => p.entry.name).join(', ')} and ${subdivisionEntry.name}; Latitude/Longitude derived from Coordinates; Source = "${source}".`,
    `${aliases.length} "=" reference rows moved to alias.csv; country header rows dropped.`,
  ];
  if (rejected.length > 0) {
    notes.push(
      `${rejected.length} rows without a valid country + location code were left out, e.g. ${rejected.slice(0, 5).join('; ')}.`,
    );
  }
  return {
    codeList: csvFile(CODE_LIST_HEADER, codes),
    aliases: csvFile(['Country', 'Name', 'NameWoDiacritics'], aliases),
    subdivisions: csvFile(['SUCountry', 'SUCode', 'SUName', 'SUType'], subdivisions),
    notes,
  };
}

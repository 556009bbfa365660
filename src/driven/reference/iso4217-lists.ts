import { XMLParser } from 'fast-xml-parser';
import { type ConvertedFile, csvFile } from './reference-csv.ts';
import { ReferenceFetchError } from './reference-fetch-error.ts';

type XmlNode = Record<string, unknown>;

/** A downloaded SIX list and how to name it in messages (title and URL). */
export interface SixList {
  data: Buffer;
  where: string;
}

/** Text of an element that may carry attributes (`<CcyNm IsFund="true">`). */
function xmlText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && '#text' in value)
    return String((value as XmlNode)['#text']).trim();
  return '';
}

function sixEntries(
  list: SixList,
  table: 'CcyTbl' | 'HstrcCcyTbl',
): { published: string; entries: XmlNode[] } {
  const entry = table === 'CcyTbl' ? 'CcyNtry' : 'HstrcCcyNtry';
  let doc: XmlNode;
  try {
    // No entity expansion: the lists use none, and a network document gets no chance to abuse it.
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      removeNSPrefix: true,
      processEntities: false,
      isArray: (name) => name === entry,
    }).parse(list.data) as XmlNode;
  } catch (err) {
    throw new ReferenceFetchError(
      'BAD_FORMAT',
      `${list.where}: not well-formed XML: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const root = doc.ISO_4217 as XmlNode | undefined;
  const entries = (root?.[table] as XmlNode | undefined)?.[entry];
  if (!root || !Array.isArray(entries)) {
    throw new ReferenceFetchError(
      'BAD_FORMAT',
      `${list.where}: no ISO_4217/${table}/${entry} elements (SIX list layout changed?)`,
    );
  }
  return { published: String(root['@_Pblshd'] ?? ''), entries: entries as XmlNode[] };
}

const CURRENCY_HEADER = [
  'Entity',
  'Currency',
  'AlphabeticCode',
  'NumericCode',
  'MinorUnit',
  'WithdrawalDate',
];

/**
 * ISO 4217 Tables A.1 (current, SIX "list one") and A.3 (historic, "list three") merged into the
 * `codes-all.csv` layout of datasets/currency-codes: one row per (entity, currency), historic rows
 * carrying their withdrawal date. Numeric codes stay text ("008"); "N.A." minor units are kept.
 */
export function iso4217CodesAll(
  current: SixList,
  historic: SixList,
): { file: ConvertedFile; notes: string[] } {
  const rows: string[][] = [];
  const currentCodes = new Set<string>();
  const notes: string[] = [];
  for (const [list, table] of [
    [current, 'CcyTbl'],
    [historic, 'HstrcCcyTbl'],
  ] as const) {
    const { published, entries } = sixEntries(list, table);
    for (const entry of entries) {
      const code = xmlText(entry.Ccy);
      const numeric = xmlText(entry.CcyNbr);
      if ((code && !/^[A-Z]{3}$/.test(code)) || (numeric && !/^\d{3}$/.test(numeric))) {
        throw new ReferenceFetchError(
          'BAD_FORMAT',
          `${list.where}: "${code}"/"${numeric}" is not an ISO 4217 code pair`,
        );
      }
      if (table === 'CcyTbl' && code) currentCodes.add(code);
      rows.push([
        xmlText(entry.CtryNm),
        xmlText(entry.CcyNm),
        code,
        numeric,
        table === 'CcyTbl' ? xmlText(entry.CcyMnrUnts) : '',
        table === 'CcyTbl' ? '' : xmlText(entry.WthdrwlDt),
      ]);
    }
    notes.push(`${list.where}: published ${published || '(no Pblshd date)'}, ${entries.length} entries.`);
  }
  if (currentCodes.size === 0) {
    throw new ReferenceFetchError('BAD_FORMAT', `${current.where}: no current currency codes`);
  }
  notes.push(
    `Converted from XML to the datasets/currency-codes codes-all.csv layout; ${currentCodes.size} distinct current codes.`,
  );
  return { file: csvFile(CURRENCY_HEADER, rows), notes };
}

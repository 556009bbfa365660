import type { DeclarationInput } from '../../core/declaration/declaration.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';
import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import { type CsvRow, checkRow, csvRows } from './csv-rows.ts';
import { numericField } from './decimal-number.ts';
import type { InputRecord, RecordedOutcome } from './input-record.ts';

/**
 * Importer for the synthetic Korea Customs Service import declarations (WCO BACUDA research data,
 * `customs-declarations/`): one row is one declaration with one goods item. Codes follow KCS usage;
 * see docs/DATA-MODEL.md for the column mapping.
 */
export const CUSTOMS_CSV_COLUMNS = [
  'Declaration ID',
  'Date',
  'Office ID',
  'Process Type',
  'Import Type',
  'Import Use',
  'Payment Type',
  'Mode of Transport',
  'Declarant ID',
  'Importer ID',
  'Seller ID',
  'Courier ID',
  'Country of Departure',
  'Country of Origin',
  'Tax Rate',
  'Tax Type',
  'Country of Origin Indicator',
  'Net Mass',
  'Item Price',
] as const;

/**
 * KCS transport mode codes are UN/ECE Recommendation 19 codes times ten (10 sea, 20 rail, 30 road,
 * 40 air, 50 post, 70 fixed installation, 80 inland waterway, 90 own propulsion/unknown).
 */
export const KCS_TRANSPORT_MODES: Record<string, NonNullable<DeclarationInput['transport']>['mode']> = {
  '10': 'sea',
  '20': 'rail',
  '30': 'road',
  '40': 'air',
  '50': 'post',
  '70': 'fixed-installation',
  '80': 'inland-waterway',
  '90': 'unknown',
};

export class CustomsCsvHeaderError extends GreenlaneError<'BAD_HEADER'> {
  override name = 'CustomsCsvHeaderError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('BAD_HEADER', message, options);
  }
}

export type CustomsRow = Record<string, string>;

/** Maps one row of the synthetic data set to a Greenlane declaration (not yet validated). */
export function customsRowToDeclaration(row: CustomsRow): DeclarationInput {
  const hs10 = row['HS10 Code'];
  // The HS10 file lost the leading zero of chapters 01-09: left-pad to 10 digits.
  const hsCode = hs10 !== undefined && hs10 !== '' ? hs10.padStart(10, '0') : (row['HS6 Code'] ?? '');
  const taxType = row['Tax Type'] || undefined;
  const seller = row['Seller ID'];
  const courier = row['Courier ID'];
  const decl: Record<string, unknown> = {
    id: row['Declaration ID'],
    type: 'import',
    customsOffice: row['Office ID'],
    lodgedAt: row.Date,
    procedure: row['Import Type'],
    declarant: row['Declarant ID'] ? { id: row['Declarant ID'] } : undefined,
    importer: row['Importer ID'] ? { id: row['Importer ID'], country: 'KR' } : undefined,
    exporter: seller ? { id: seller } : undefined,
    carrier: courier ? { id: courier } : undefined,
    transport: KCS_TRANSPORT_MODES[row['Mode of Transport'] ?? '']
      ? { mode: KCS_TRANSPORT_MODES[row['Mode of Transport']!] }
      : undefined,
    dispatchCountry: row['Country of Departure'] || undefined,
    destinationCountry: 'KR',
    currency: 'KRW',
    invoiceTotal: numericField(row['Item Price']),
    additionalInformation: {
      processType: row['Process Type'] ?? '',
      importUse: row['Import Use'] ?? '',
      paymentType: row['Payment Type'] ?? '',
      originIndicator: row['Country of Origin Indicator'] ?? '',
    },
    items: [
      {
        sequence: 1,
        hsCode,
        // The data cover 2020-2021: codes are HS 2017 (see the data set's SOURCE.md).
        hsEdition: '2017',
        originCountry: row['Country of Origin'],
        netMass: numericField(row['Net Mass']),
        customsValue: numericField(row['Item Price']),
        dutyRate: numericField(row['Tax Rate']),
        taxType,
        // Tax types starting with F are FTA preferential rates (e.g. FEU1, FCN1).
        preference: taxType?.startsWith('F') ? taxType : undefined,
      },
    ],
  };
  for (const key of Object.keys(decl)) if (decl[key] === undefined) delete decl[key];
  return decl as DeclarationInput;
}

/** The recorded inspection outcome of a labelled row: Fraud 0/1, Critical Fraud 0/1/2. */
export function customsRowOutcome(row: CustomsRow): RecordedOutcome | undefined {
  const fraud = row.Fraud;
  if (fraud === undefined || fraud === '') return undefined;
  const isFraud = fraud === '1';
  const critical = row['Critical Fraud'] === '2';
  return { result: isFraud ? 'discrepancy' : 'no_discrepancy', fraud: isFraud, critical };
}

/**
 * Columns the data set always fills that the Greenlane model leaves optional: an empty one is a
 * missing required field of this format. `Item Price` is the customs value, which valuation
 * and revenue risk rules cannot do without.
 */
const REQUIRED_COLUMNS: Record<string, string> = {
  'Item Price': '/items/0/customsValue',
};

/** Streams the synthetic customs CSV as records (record N = data row N), labels kept as outcomes. */
export async function* customsCsvRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let header: string[] | undefined;
  for await (const row of csvRows(text)) {
    if (!header) {
      header = customsHeader(row);
      continue;
    }
    const checked = checkRow(row, header, 'Declaration ID');
    const values = checked.values;
    if (!values) {
      yield {
        record: checked.dataRow,
        errors: checked.problems,
        raw: checked.text,
        ...(checked.id ? { declarationId: checked.id } : {}),
      };
      continue;
    }
    const missing: ValidationIssue[] = Object.entries(REQUIRED_COLUMNS)
      .filter(([column]) => values[column] === '')
      .map(([column, path]) => ({
        path,
        code: 'required',
        message: `${path} (column ${column}) is required but empty`,
      }));
    const outcome = customsRowOutcome(values);
    yield {
      record: checked.dataRow,
      value: customsRowToDeclaration(values),
      raw: checked.text,
      ...(missing.length > 0 ? { errors: missing } : {}),
      ...(outcome ? { outcome } : {}),
    };
  }
}

function customsHeader(row: CsvRow): string[] {
  if (row.error) throw new CustomsCsvHeaderError(`the CSV header is malformed: ${row.error}`);
  const header = row.fields.map((f) => f.trim());
  const missing: string[] = CUSTOMS_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (!header.includes('HS6 Code') && !header.includes('HS10 Code')) missing.push('HS6 Code');
  if (missing.length > 0) {
    throw new CustomsCsvHeaderError(
      `not a customs-declarations CSV: missing column(s) ${missing.join(', ')}`,
    );
  }
  return header;
}

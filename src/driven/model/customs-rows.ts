import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { GreenlaneError } from '../../core/error.ts';
import type { CustomsRecord, OutcomeLabel } from '../../core/model/customs-record.ts';
import { KCS_TRANSPORT_MODES } from '../input/customs-csv.ts';
import { parseDecimal } from '../input/decimal-number.ts';

/**
 * Fast reader of the synthetic customs CSV (`customs-declarations/df_syn_*_eng.csv`) straight
 * into model records, for training and evaluation. Live declarations go through the importer in
 * src/driven/input/customs-csv.ts and `declarationRecords` instead.
 */
export interface CustomsRows {
  records: CustomsRecord[];
  /** Recorded outcome per row (0 when the file has no labels; see `labelled`). */
  outcomes: Uint8Array & ArrayLike<OutcomeLabel>;
  labelled: boolean;
}

export class CustomsRowsError extends GreenlaneError<'MISSING_COLUMNS' | 'BAD_LABEL'> {
  override name = 'CustomsRowsError';
}

const REQUIRED = [
  'Declaration ID',
  'Date',
  'Office ID',
  'Importer ID',
  'Country of Origin',
  'Tax Rate',
  'Net Mass',
  'Item Price',
] as const;

/** NaN (not declared) when a value is empty or not a decimal number. */
const num = (v: string | undefined) => parseDecimal(v ?? '') ?? Number.NaN;

/** Parses customs CSV text; labels (`Fraud`, `Critical Fraud`) are read when present. */
export function parseCustomsRows(text: string): CustomsRows {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (!header.includes('HS6 Code') && !header.includes('HS10 Code')) missing.push('HS6 Code' as never);
  if (rows.length > 0 && missing.length > 0) {
    throw new CustomsRowsError(
      'MISSING_COLUMNS',
      `not a customs-declarations CSV: missing ${missing.join(', ')}`,
    );
  }
  const labelled = header.includes('Fraud');
  const outcomes = new Uint8Array(rows.length) as CustomsRows['outcomes'];
  const records = rows.map((row, i): CustomsRecord => {
    if (labelled) {
      const critical = row['Critical Fraud'] === '2';
      const fraud = row.Fraud === '1';
      if (row.Fraud !== '0' && row.Fraud !== '1') {
        throw new CustomsRowsError('BAD_LABEL', `row ${i + 1}: Fraud must be 0 or 1, got "${row.Fraud}"`);
      }
      outcomes[i] = critical && fraud ? 2 : fraud ? 1 : 0;
    }
    const hs10 = row['HS10 Code'];
    const mode = row['Mode of Transport'] ?? '';
    return {
      declarationId: row['Declaration ID'] ?? '',
      itemSequence: 1,
      date: row.Date ?? '',
      office: row['Office ID'] ?? '',
      processType: row['Process Type'] ?? '',
      importType: row['Import Type'] ?? '',
      importUse: row['Import Use'] ?? '',
      paymentType: row['Payment Type'] ?? '',
      transportMode: KCS_TRANSPORT_MODES[mode] ?? mode,
      declarant: row['Declarant ID'] ?? '',
      importer: row['Importer ID'] ?? '',
      seller: row['Seller ID'] ?? '',
      courier: row['Courier ID'] ?? '',
      // The HS10 file lost the leading zero of chapters 01-09.
      hs6: hs10 ? hs10.padStart(10, '0').slice(0, 6) : (row['HS6 Code'] ?? '').padStart(6, '0'),
      departure: row['Country of Departure'] ?? '',
      origin: row['Country of Origin'] ?? '',
      taxRate: num(row['Tax Rate']),
      taxType: row['Tax Type'] ?? '',
      originIndicator: row['Country of Origin Indicator'] ?? '',
      netMass: num(row['Net Mass']),
      itemPrice: num(row['Item Price']),
    };
  });
  return { records, outcomes, labelled };
}

/** Reads a customs CSV file. */
export function readCustomsRows(file: string): CustomsRows {
  return parseCustomsRows(readFileSync(file, 'utf8'));
}

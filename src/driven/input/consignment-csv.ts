import type { ValidationIssue } from '../../core/declaration/validation.ts';
import { CsvHeaderError } from './csv-records.ts';
import { type CheckedRow, type CsvRow, checkRow, csvRows } from './csv-rows.ts';
import { numericField } from './decimal-number.ts';
import { type InputRecord, MAX_RECORD_CHARS, tooLarge } from './input-record.ts';

/** Consignment-level columns: repeated on each row of a consignment; the first row's values count. */
export const CONSIGNMENT_CSV_COLUMNS = [
  'consignment_id',
  'regime',
  'lodged_at',
  'seller_name',
  'seller_country',
  'seller_id',
  'buyer_country',
  'buyer_name',
  'buyer_street',
  'buyer_city',
  'buyer_postcode',
  'buyer_id',
  'platform_name',
  'platform_id',
  'ioss_number',
  'currency',
  'transport_cost',
  'gross_mass_kg',
  'transport_mode',
  'postal_item_id',
  'tracking_number',
  'master_air_waybill',
] as const;

/** Goods-line columns: one row per line of goods. */
export const CONSIGNMENT_CSV_ITEM_COLUMNS = [
  'item_description',
  'item_hs6',
  'item_quantity',
  'item_value',
  'item_origin_country',
] as const;

const KNOWN = new Set<string>([...CONSIGNMENT_CSV_COLUMNS, ...CONSIGNMENT_CSV_ITEM_COLUMNS]);

type Row = Record<string, string>;

const str = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
const num = (v: string | undefined) => numericField(v ?? '');

function prune(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The consignment object of a group of rows, for the validator to judge (nothing is checked here). */
function consignmentFrom(rows: Row[]): Record<string, unknown> {
  const h = rows[0]!;
  return (
    prune({
      id: str(h.consignment_id),
      regime: str(h.regime),
      lodgedAt: str(h.lodged_at),
      seller: prune({ name: str(h.seller_name), country: str(h.seller_country), id: str(h.seller_id) }),
      buyer: prune({
        country: str(h.buyer_country),
        name: str(h.buyer_name),
        street: str(h.buyer_street),
        city: str(h.buyer_city),
        postcode: str(h.buyer_postcode),
        id: str(h.buyer_id),
      }),
      platform: prune({ name: str(h.platform_name), id: str(h.platform_id) }),
      iossNumber: str(h.ioss_number),
      currency: str(h.currency),
      transportCost: num(h.transport_cost),
      grossMassKg: num(h.gross_mass_kg),
      transport: prune({
        mode: str(h.transport_mode),
        postalItemId: str(h.postal_item_id),
        trackingNumber: str(h.tracking_number),
        masterAirWaybill: str(h.master_air_waybill),
      }),
      items: rows.map(
        (r) =>
          prune({
            description: str(r.item_description),
            hs6: str(r.item_hs6)?.replaceAll('.', ''),
            quantity: num(r.item_quantity),
            value: num(r.item_value),
            originCountry: str(r.item_origin_country),
          }) ?? {},
      ),
    }) ?? {}
  );
}

function header(row: CsvRow): string[] {
  if (row.error) throw new CsvHeaderError(`the CSV header is malformed: ${row.error}`);
  const columns = row.fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !KNOWN.has(c));
  if (unknown.length > 0) {
    throw new CsvHeaderError(
      `unknown CSV column(s): ${unknown.join(', ')} (see docs/ECOMMERCE.md for the header)`,
    );
  }
  if (!columns.includes('consignment_id'))
    throw new CsvHeaderError('the CSV header has no consignment_id column');
  return columns;
}

/**
 * Consignment CSV (header in docs/ECOMMERCE.md): one row per goods line; consecutive rows with the
 * same `consignment_id` form one consignment, numbered by the data row it starts on. A malformed
 * row spoils only its own consignment.
 */
export async function* consignmentCsvRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let columns: string[] | undefined;
  let group:
    | {
        record: number;
        id: string | undefined;
        rows: Row[];
        texts: string[];
        problems: ValidationIssue[];
        chars: number;
      }
    | undefined;
  const close = (): InputRecord => {
    const g = group!;
    const raw = g.texts.join('\n');
    const id = g.id ? { declarationId: g.id } : {};
    if (g.chars > MAX_RECORD_CHARS)
      return { ...tooLarge(g.record, `the rows of consignment ${g.id ?? ''}`, g.chars, raw), ...id };
    if (g.problems.length > 0) return { record: g.record, errors: g.problems, raw, ...id };
    return { record: g.record, value: consignmentFrom(g.rows), raw };
  };
  for await (const row of csvRows(text)) {
    if (!columns) {
      columns = header(row);
      continue;
    }
    const checked: CheckedRow = checkRow(row, columns, 'consignment_id');
    const id = checked.id || undefined;
    if (!group || id === undefined || id !== group.id) {
      if (group) yield close();
      group = { record: checked.dataRow, id, rows: [], texts: [], problems: [], chars: 0 };
    }
    group.chars += checked.text.length + 1;
    if (group.chars <= MAX_RECORD_CHARS) {
      group.texts.push(checked.text);
      group.problems.push(...checked.problems);
      if (checked.values) group.rows.push(checked.values);
    }
    if (id === undefined) {
      yield close();
      group = undefined;
    }
  }
  if (group) yield close();
}

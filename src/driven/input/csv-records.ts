import { PARTY_ROLES } from '../../core/declaration/declaration.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';
import { GreenlaneError, type GreenlaneErrorOptions } from '../../core/error.ts';
import { type CheckedRow, type CsvRow, checkRow, csvRows } from './csv-rows.ts';
import { numericField } from './decimal-number.ts';
import { type InputRecord, MAX_RECORD_CHARS, tooLarge } from './input-record.ts';

const ROLE_FIELDS = ['id', 'name', 'country', 'eori', 'tin', 'trusted'] as const;

/** Declaration-level columns: repeated on each row of a declaration; the first row's values count. */
export const CSV_DECLARATION_COLUMNS = [
  'declaration_id',
  'type',
  'customs_office',
  'lodged_at',
  'arrival_at',
  'procedure',
  'currency',
  'invoice_total',
  'dispatch_country',
  'destination_country',
  'route',
  'transport_mode',
  'vessel_imo',
  'vessel_name',
  'flight_number',
  'means_id',
  'containers',
  'transport_documents',
  ...PARTY_ROLES.flatMap((role) => ROLE_FIELDS.map((f) => `${role}_${f}`)),
] as const;

/** Goods-item columns: one row per goods item. */
export const CSV_ITEM_COLUMNS = [
  'item_sequence',
  'hs_code',
  'hs_edition',
  'description',
  'origin_country',
  'net_mass',
  'gross_mass',
  'supplementary_quantity',
  'supplementary_unit',
  'invoice_value',
  'customs_value',
  'duty_rate',
  'tax_type',
  'preference',
  'gtin',
  'lot',
  'documents',
] as const;

export const CSV_COLUMNS: readonly string[] = [...CSV_DECLARATION_COLUMNS, ...CSV_ITEM_COLUMNS];
const KNOWN = new Set(CSV_COLUMNS);

/** A bad header stops the whole file: nothing in it could be read reliably. */
export class CsvHeaderError extends GreenlaneError<'BAD_HEADER'> {
  override name = 'CsvHeaderError';
  constructor(message: string, options?: GreenlaneErrorOptions) {
    super('BAD_HEADER', message, options);
  }
}

function str(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function list(value: string | undefined): string[] | undefined {
  const v = str(value);
  return v === undefined
    ? undefined
    : v
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
}

function bool(value: string | undefined): boolean | string | undefined {
  const v = str(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  return value;
}

/** `TYPE:REFERENCE[:VALID_UNTIL]` entries separated by `|`. */
function documents(value: string | undefined): unknown[] | undefined {
  return list(value)?.map((entry) => {
    const [type, reference, validUntil] = entry.split(':');
    return { type: type ?? '', reference: reference ?? '', ...(validUntil ? { validUntil } : {}) };
  });
}

function prune<T extends Record<string, unknown>>(obj: T): Partial<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? (out as Partial<T>) : undefined;
}

type Row = Record<string, string>;

function declarationFrom(rows: Row[]): Record<string, unknown> {
  const h = rows[0]!;
  const decl: Record<string, unknown> = {
    id: str(h.declaration_id),
    type: str(h.type),
    customsOffice: str(h.customs_office),
    lodgedAt: str(h.lodged_at),
    arrivalAt: str(h.arrival_at),
    procedure: str(h.procedure),
    currency: str(h.currency),
    invoiceTotal: numericField(h.invoice_total ?? ''),
    dispatchCountry: str(h.dispatch_country),
    destinationCountry: str(h.destination_country),
    route: list(h.route),
    containers: list(h.containers),
    transportDocuments: documents(h.transport_documents)?.map((d) => {
      const { type, reference } = d as { type: string; reference: string };
      return { type, reference };
    }),
  };
  if (['transport_mode', 'vessel_imo', 'vessel_name', 'flight_number', 'means_id'].some((c) => str(h[c]))) {
    decl.transport = prune({
      mode: str(h.transport_mode),
      vesselImo: str(h.vessel_imo),
      vesselName: str(h.vessel_name),
      flightNumber: str(h.flight_number),
      meansId: str(h.means_id),
    });
  }
  for (const role of PARTY_ROLES) {
    const identifiers = prune({ eori: str(h[`${role}_eori`]), tin: str(h[`${role}_tin`]) });
    const party = prune({
      id: str(h[`${role}_id`]),
      name: str(h[`${role}_name`]),
      country: str(h[`${role}_country`]),
      identifiers,
      trustedTrader: bool(h[`${role}_trusted`]),
    });
    if (party) decl[role] = party;
  }
  decl.items = rows.map(
    (r, i) =>
      prune({
        sequence: numericField(r.item_sequence ?? '') ?? i + 1,
        hsCode: str(r.hs_code)?.replaceAll('.', ''),
        hsEdition: str(r.hs_edition),
        description: str(r.description),
        originCountry: str(r.origin_country),
        netMass: numericField(r.net_mass ?? ''),
        grossMass: numericField(r.gross_mass ?? ''),
        supplementaryQuantity: numericField(r.supplementary_quantity ?? ''),
        supplementaryUnit: str(r.supplementary_unit),
        invoiceValue: numericField(r.invoice_value ?? ''),
        customsValue: numericField(r.customs_value ?? ''),
        dutyRate: numericField(r.duty_rate ?? ''),
        taxType: str(r.tax_type),
        preference: str(r.preference),
        gtin: str(r.gtin),
        lot: str(r.lot),
        documents: documents(r.documents),
      }) ?? {},
  );
  return prune(decl) ?? {};
}

/** The rows of one declaration as they are read. */
class RowGroup {
  readonly rows: Row[] = [];
  readonly texts: string[] = [];
  readonly problems: ValidationIssue[] = [];
  chars = 0;

  constructor(
    readonly record: number,
    readonly id: string | undefined,
  ) {}

  add(row: CheckedRow): void {
    this.chars += row.text.length + 1;
    if (this.chars > MAX_RECORD_CHARS) return;
    this.texts.push(row.text);
    this.problems.push(...row.problems);
    if (row.values) this.rows.push(row.values);
  }

  toRecord(): InputRecord {
    const raw = this.texts.join('\n');
    const id = this.id ? { declarationId: this.id } : {};
    if (this.chars > MAX_RECORD_CHARS) {
      return { ...tooLarge(this.record, `the rows of declaration ${this.id ?? ''}`, this.chars, raw), ...id };
    }
    if (this.problems.length > 0) return { record: this.record, errors: this.problems, raw, ...id };
    return { record: this.record, value: declarationFrom(this.rows), raw };
  }
}

/**
 * Greenlane goods-item CSV (header documented in docs/DATA-MODEL.md): one row per goods item;
 * consecutive rows with the same `declaration_id` form one declaration, which is one record,
 * numbered by the data row it starts on. A malformed row spoils only its own declaration: the
 * rows around it that carry the same id are rejected with it, the others are read on.
 */
export async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let header: string[] | undefined;
  let group: RowGroup | undefined;

  for await (const row of csvRows(text)) {
    if (!header) {
      header = csvHeader(row);
      continue;
    }
    const checked = checkRow(row, header, 'declaration_id');
    const id = checked.id || undefined;
    if (!group || id === undefined || id !== group.id) {
      if (group) yield group.toRecord();
      group = new RowGroup(checked.dataRow, id);
    }
    group.add(checked);
    // A row with no id cannot be told to belong with any other: it is a record of its own.
    if (id === undefined) {
      yield group.toRecord();
      group = undefined;
    }
  }
  if (group) yield group.toRecord();
}

function csvHeader(row: CsvRow): string[] {
  if (row.error) throw new CsvHeaderError(`the CSV header is malformed: ${row.error}`);
  const header = row.fields.map((f) => f.trim());
  const unknown = header.filter((h) => !KNOWN.has(h));
  if (unknown.length > 0) {
    throw new CsvHeaderError(
      `unknown CSV column(s): ${unknown.join(', ')} (see docs/DATA-MODEL.md for the header)`,
    );
  }
  if (!header.includes('declaration_id'))
    throw new CsvHeaderError('the CSV header has no declaration_id column');
  return header;
}

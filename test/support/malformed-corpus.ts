import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import type { ReferenceData } from '../../src/core/reference/reference-data.ts';

/**
 * A generated corpus of good and malformed records for every input format (issue 8, item 5).
 * Each record is one unit of its format — an NDJSON line, a JSON array element or document, the
 * rows of one declaration in a CSV — as bytes where invalid UTF-8 is the point, and says what must
 * come out for it: the declaration decided under its id, or exactly one reject.
 */
export interface CorpusRecord {
  /** `good`, or the damage done to the record. */
  kind: string;
  /** The id a good record must be decided and stored under; undefined for a bad record. */
  good?: string;
  /** The record's lines (CSV rows) or its JSON text; no unit holds a line break. */
  units: Array<string | Buffer>;
  /** A code the reject must carry, where the damage determines it. */
  code?: string;
}

export interface CorpusOptions {
  /** Prefix of the declaration ids, so corpora never share one. */
  prefix: string;
  bad: number;
  good: number;
  seed: number;
  /** Records over the size limit to add (1.1 MB each). */
  oversize?: number;
}

interface Pools {
  hs2022: string[];
  hs2017: string[];
  countries: string[];
  currencies: string[];
}

type Decl = Record<string, any>;
type Damage<T> = [kind: string, apply: (value: T) => string | Buffer, code?: string];

/** Codes the reference data knows, sorted, so the corpus depends only on the seed and the data. */
function poolsFrom(ref: ReferenceData): Pools {
  const first = (values: Iterable<string>, n = 400) => [...values].sort().slice(0, n);
  return {
    hs2022: first(ref.hs['2022'].subheadings.keys()),
    hs2017: first([...ref.hs['2017'].subheadings.keys()].filter((c) => ref.hs['2022'].subheadings.has(c))),
    countries: first([...ref.countries.keys()].filter((c) => c !== 'ZZ')),
    currencies: first(ref.currencies),
  };
}

/** Printable text without line breaks or control characters: what a good field may hold. */
const text = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength })
    .map((s) => s.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').trim())
    .filter((s) => s.length > 0 && s.length <= maxLength);

const instant = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Byte sequences that are not UTF-8 where they are put (before ASCII or a quote). */
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc3],
  [0xe2, 0x82],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
];
const invalidBytes = fc
  .array(fc.constantFrom(...INVALID_UTF8), { minLength: 1, maxLength: 3 })
  .map((parts) => Buffer.from(parts.flat()))
  // Two truncated sequences can make a valid one (E2 82 + 80 is "₀").
  .filter((bytes) => !isUtf8(bytes));

function spliceBytes(value: string, at: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(value.slice(0, at)), bytes, Buffer.from(value.slice(at))]);
}

function setAt(d: Decl, path: string, f: (v: any) => unknown): Decl {
  const keys = path.split('.');
  let o = d;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys.at(-1)!] = f(o[keys.at(-1)!]);
  return d;
}

function goodDeclaration(p: Pools): fc.Arbitrary<Decl> {
  const item = fc.record({
    hsCode: fc.constantFrom(...p.hs2022),
    originCountry: fc.constantFrom(...p.countries),
    netMass: fc.double({ min: 0, max: 1e6, noNaN: true }),
    invoiceValue: fc.integer({ min: 0, max: 10_000_000 }),
    description: text(80),
  });
  return fc
    .record({
      type: fc.constantFrom('import', 'export', 'transit'),
      customsOffice: fc.stringMatching(/^[A-Z]{2}[0-9]{6}$/),
      lodgedAt: instant,
      currency: fc.constantFrom(...p.currencies),
      invoiceTotal: fc.integer({ min: 0, max: 10_000_000 }),
      dispatchCountry: fc.constantFrom(...p.countries),
      importer: fc.record({
        id: fc.stringMatching(/^[A-Z]{2}[0-9]{4,12}$/),
        name: text(60),
        country: fc.constantFrom(...p.countries),
      }),
      exporterName: text(60),
      items: fc.array(item, { minLength: 1, maxLength: 3 }),
    })
    .map(({ exporterName, items, ...d }) => ({
      ...d,
      exporter: { name: exporterName },
      items: items.map((it, i) => ({ sequence: i + 1, ...it })),
    }));
}

/** Damage that keeps an element's quotes and brackets balanced, so it is safe inside an array. */
function jsonDamage(): fc.Arbitrary<Damage<Decl>> {
  const value = (kind: string, arb: fc.Arbitrary<(d: Decl) => unknown>, code?: string) =>
    arb.map(
      (f): Damage<Decl> => [
        kind,
        (d) => {
          const replaced = f(d);
          return JSON.stringify(replaced === undefined ? d : replaced);
        },
        code,
      ],
    );
  const textual = (kind: string, arb: fc.Arbitrary<(t: string) => string | Buffer>, code?: string) =>
    arb.map((f): Damage<Decl> => [kind, (d) => f(JSON.stringify(d)), code]);
  const stringField = fc.constantFrom('customsOffice', 'importer.name', 'items.0.description', 'id');
  const literal = fc.constantFrom(
    'tru',
    'nul',
    'NaN',
    'Infinity',
    '-',
    '01',
    '0x1F',
    '.5',
    '1.',
    '+1',
    'undefined',
  );
  return fc.oneof(
    value(
      'missing-field',
      fc
        .constantFrom('id', 'type', 'customsOffice', 'lodgedAt', 'currency', 'items')
        .map((k) => (d: Decl) => {
          delete d[k];
        }),
      'required',
    ),
    value(
      'wrong-type',
      fc
        .constantFrom<[string, unknown]>(
          ['invoiceTotal', 'many'],
          ['items', {}],
          ['currency', 978],
          ['importer', 'Acme'],
          ['items.0.netMass', '12 kg'],
          ['lodgedAt', 20260101],
        )
        .map(
          ([path, v]) =>
            (d: Decl) =>
              setAt(d, path, () => v),
        ),
      'wrong_type',
    ),
    value(
      'unknown-field',
      fc.constantFrom('hsCod', 'lodged_at', 'x', 'Currency', '__proto__').map((k) => (d: Decl) => {
        // An own member, as JSON.parse makes it, even for __proto__.
        Object.defineProperty(d, k, { value: 1, enumerable: true, writable: true, configurable: true });
      }),
      'unknown_field',
    ),
    value(
      'negative',
      fc
        .double({ min: 1e-9, max: 1e9, noNaN: true })
        .map((n) => (d: Decl) => setAt(d, 'items.0.netMass', () => -n)),
      'negative_value',
    ),
    value(
      'bad-date',
      fc
        .constantFrom('2026-02-30', '2026-13-01', '2026-01-01T25:00:00Z', 'yesterday', '', '2026-1-1')
        .map((v) => (d: Decl) => setAt(d, 'lodgedAt', () => v)),
      'invalid_date',
    ),
    value(
      'bad-code',
      fc
        .constantFrom<[string, unknown]>(
          ['items.0.hsCode', '999999'],
          ['items.0.hsCode', '8471.30'],
          ['items.0.originCountry', 'QQ'],
          ['currency', 'XXY'],
          ['route', ['ZZZZZ']],
        )
        .map(
          ([path, v]) =>
            (d: Decl) =>
              setAt(d, path, () => v),
        ),
    ),
    value(
      'lone-surrogate',
      fc.tuple(stringField, fc.integer({ min: 0xd800, max: 0xdfff })).map(
        ([path, c]) =>
          (d: Decl) =>
            setAt(d, path, (v) => `${v}${String.fromCharCode(c)}x`),
      ),
      'invalid_text',
    ),
    value(
      'nul',
      stringField.map((path) => (d: Decl) => setAt(d, path, (v) => `${v}\u0000`)),
      'invalid_text',
    ),
    value(
      'not-object',
      fc
        .oneof(
          fc.double(),
          fc.string({ maxLength: 20 }),
          fc.constant(null),
          fc.boolean(),
          fc.array(fc.integer()),
        )
        .map((v) => () => v),
      'not_an_object',
    ),
    value(
      'too-long',
      fc.integer({ min: 65, max: 300 }).map((n) => (d: Decl) => setAt(d, 'id', () => 'L'.repeat(n))),
      'out_of_range',
    ),
    value(
      'empty-items',
      fc.constant((d: Decl) => setAt(d, 'items', () => [])),
      'out_of_range',
    ),
    value(
      'duplicate-sequence',
      fc.constant((d: Decl) => setAt(d, 'items', (items: Decl[]) => [items[0], { ...items[0] }])),
      'duplicate_item_sequence',
    ),
    textual(
      'deep',
      fc
        .integer({ min: 32, max: 10_000 })
        .map((n) => (t: string) => `${t.slice(0, -1)},"extra":${'['.repeat(n)}0${']'.repeat(n)}}`),
      'too_deep',
    ),
    textual(
      'non-finite',
      fc.constant((t: string) => t.replace(/"invoiceTotal":\d+/, '"invoiceTotal":1e400')),
      'wrong_type',
    ),
    textual(
      'bad-literal',
      literal.map((l) => (t: string) => t.replace(/"invoiceTotal":\d+/, `"invoiceTotal":${l}`)),
      'malformed_syntax',
    ),
    textual(
      'missing-colon',
      fc.constant((t: string) => t.replace('"type":', '"type" ')),
      'malformed_syntax',
    ),
    textual(
      'missing-comma',
      fc.constant((t: string) => t.replace(',"type"', ' "type"')),
      'malformed_syntax',
    ),
    textual(
      'trailing-comma',
      fc.constant((t: string) => `${t.slice(0, -1)},}`),
      'malformed_syntax',
    ),
    textual(
      'single-quotes',
      fc.constant((t: string) => t.replace(/"type":"(\w+)"/, '"type":\'$1\'')),
      'malformed_syntax',
    ),
    textual(
      'unquoted-key',
      fc.constant((t: string) => t.replace('{"id":', '{id:')),
      'malformed_syntax',
    ),
    textual(
      'comment',
      fc.constant((t: string) => t.replace('{', '{/* c */')),
      'malformed_syntax',
    ),
    textual(
      'control-char',
      fc
        .constantFrom('\t', '\u0001', '\u001f', '\b')
        .map((c) => (t: string) => t.replace('"id":"', `"id":"${c}`)),
      'malformed_syntax',
    ),
    textual(
      'bad-escape',
      fc.constant((t: string) => t.replace('"id":"', '"id":"\\x41')),
      'malformed_syntax',
    ),
    textual(
      'extra-brace',
      fc.constant((t: string) => `${t}}`),
      'malformed_syntax',
    ),
    textual(
      'invalid-utf8',
      invalidBytes.map((bytes) => (t: string) => spliceBytes(t, t.indexOf('"name":"') + 8, bytes)),
      'invalid_text',
    ),
  );
}

/** Damage only a line boundary contains (unbalanced quotes and brackets): for NDJSON. */
const lineOnlyDamage: fc.Arbitrary<Damage<Decl>> = fc.oneof(
  fc.nat().map(
    (n): Damage<Decl> => [
      'truncated',
      (d) => {
        const t = JSON.stringify(d);
        return t.slice(0, 1 + (n % (t.length - 1)));
      },
      'malformed_syntax',
    ],
  ),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 60 })
    .filter((s) => !s.includes('\n') && s.trim() !== '')
    .map((g): Damage<Decl> => ['garbage', () => g]),
);

/**
 * Where the bad records go among the good ones: at a fixed stride, the first record good (so no
 * generated text ever starts the file, where a byte-order mark would be dropped).
 */
function slots(o: CorpusOptions): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  const stride = (o.good + o.bad) / o.good;
  let g = 0;
  let b = 0;
  for (let i = 0; i < o.good + o.bad; i++) {
    const good = g < o.good && (b >= o.bad || i >= Math.round(g * stride));
    if (good) g++;
    out.push(good ? undefined : b++);
  }
  return out;
}

/** Declarations as single-line JSON texts: NDJSON lines, JSON array elements, JSON documents. */
export function jsonCorpus(ref: ReferenceData, o: CorpusOptions & { lineOnly?: boolean }): CorpusRecord[] {
  const p = poolsFrom(ref);
  const goods = fc.sample(goodDeclaration(p), { seed: o.seed, numRuns: o.good + o.bad });
  const damage = o.lineOnly
    ? fc.oneof({ weight: 6, arbitrary: jsonDamage() }, { weight: 1, arbitrary: lineOnlyDamage })
    : jsonDamage();
  const damages = fc.sample(damage, { seed: o.seed + 1, numRuns: o.bad });
  const out = slots(o).map((bad, i): CorpusRecord => {
    const d = { id: `${o.prefix}-${i}`, ...goods[i]! };
    if (bad === undefined) return { kind: 'good', good: d.id, units: [JSON.stringify(d)] };
    const [kind, apply, code] = damages[bad]!;
    return { kind, units: [apply(d)], ...(code ? { code } : {}) };
  });
  for (let i = 0; i < (o.oversize ?? 0); i++) {
    const d: Decl = { id: `${o.prefix}-BIG-${i}`, ...goods[0]! };
    d.items = [{ ...d.items[0], description: 'x'.repeat(1_100_000) }];
    out.splice(1 + i * 7, 0, { kind: 'oversize', units: [JSON.stringify(d)], code: 'too_large' });
  }
  return out;
}

/** A CSV field as written: quoted when it holds a comma or quote. */
const csvField = (v: string) => (/[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export const GREENLANE_CSV_HEADER = [
  'declaration_id',
  'type',
  'customs_office',
  'lodged_at',
  'currency',
  'invoice_total',
  'dispatch_country',
  'importer_id',
  'importer_name',
  'importer_country',
  'exporter_name',
  'item_sequence',
  'hs_code',
  'description',
  'origin_country',
  'net_mass',
  'invoice_value',
];
const col = (name: string) => GREENLANE_CSV_HEADER.indexOf(name);

/** The rows of one declaration, each a list of field texts as written (already quoted). */
function greenlaneRows(d: Decl, id: string): string[][] {
  return d.items.map((item: Decl) =>
    [
      id,
      d.type,
      d.customsOffice,
      d.lodgedAt,
      d.currency,
      String(d.invoiceTotal),
      d.dispatchCountry,
      d.importer.id,
      d.importer.name,
      d.importer.country,
      d.exporter.name,
      String(item.sequence),
      item.hsCode,
      item.description,
      item.originCountry,
      String(item.netMass),
      String(item.invoiceValue),
    ].map(csvField),
  );
}

/** Damage to the rows of a CSV record (field texts as written); `row` picks the row, `field` a field. */
type RowDamage = [
  kind: string,
  apply: (rows: string[][], row: number) => Array<string | Buffer>,
  code?: string,
];

const joinRows = (rows: string[][]) => rows.map((r) => r.join(','));

/** Syntax damage to one row after its first field, and value damage, as CSV rows. */
function csvDamage(columns: number, valueDamage: Array<[string, number, string, string?]>) {
  const syntax = (kind: string, f: (field: string) => string): fc.Arbitrary<RowDamage> =>
    fc.integer({ min: 1, max: columns - 1 }).map(
      (k): RowDamage => [
        kind,
        (rows, r) => {
          rows[r]![k] = f(rows[r]![k]!.replaceAll('"', ''));
          return joinRows(rows);
        },
        'malformed_syntax',
      ],
    );
  return fc.oneof(
    syntax('stray-quote', (v) => `${v}x"y`),
    syntax('unclosed-quote', (v) => `"${v}`),
    syntax('after-quote', (v) => `"${v}"z`),
    fc.boolean().map(
      (drop): RowDamage => [
        'field-count',
        (rows, r) => {
          if (drop) rows[r]!.pop();
          else rows[r]!.push('extra');
          return joinRows(rows);
        },
        'malformed_syntax',
      ],
    ),
    fc.tuple(fc.integer({ min: 1, max: columns - 1 }), invalidBytes).map(
      ([k, bytes]): RowDamage => [
        'invalid-utf8',
        (rows, r) => {
          rows[r]![k] = `${rows[r]![k]!.replaceAll('"', '')}`;
          const lines: Array<string | Buffer> = joinRows(rows);
          const line = lines[r] as string;
          const at = rows[r]!.slice(0, k + 1).join(',').length;
          lines[r] = spliceBytes(line, at, bytes);
          return lines;
        },
        'invalid_text',
      ],
    ),
    fc.integer({ min: 1, max: columns - 1 }).map(
      (k): RowDamage => [
        'nul',
        (rows, r) => {
          rows[r]![k] = `${rows[r]![k]!.replaceAll('"', '')}\u0000`;
          return joinRows(rows);
        },
        'invalid_text',
      ],
    ),
    fc.constantFrom(...valueDamage).map(
      ([kind, column, value, code]): RowDamage => [
        kind,
        (rows) => {
          // Declaration-level columns count on the first row only: damage goes there.
          rows[0]![column] = csvField(value);
          return joinRows(rows);
        },
        code,
      ],
    ),
  );
}

/** Greenlane goods-item CSV: one to three rows per declaration. */
export function greenlaneCsvCorpus(
  ref: ReferenceData,
  o: CorpusOptions,
): { header: string; records: CorpusRecord[] } {
  const p = poolsFrom(ref);
  const goods = fc.sample(goodDeclaration(p), { seed: o.seed, numRuns: o.good + o.bad });
  const damage = fc.tuple(
    fc.oneof(
      {
        weight: 12,
        arbitrary: csvDamage(GREENLANE_CSV_HEADER.length, [
          ['bad-number', col('net_mass'), 'abc', 'wrong_type'],
          ['negative', col('net_mass'), '-5', 'negative_value'],
          ['bad-date', col('lodged_at'), '2026-02-30', 'invalid_date'],
          ['bad-code', col('hs_code'), '999999', 'unknown_hs_code'],
          ['bad-code', col('origin_country'), 'QQ', 'unknown_country'],
          ['bad-code', col('currency'), 'XXY', 'unknown_currency'],
          ['bad-type', col('type'), 'imprt', 'invalid_value'],
          ['empty-required', col('customs_office'), '', 'required'],
          ['too-long', col('customs_office'), 'X'.repeat(21), 'out_of_range'],
          ['zero-sequence', col('item_sequence'), '0', 'out_of_range'],
        ]),
      },
      {
        weight: 1,
        arbitrary: fc.constant<RowDamage>([
          'broken-id',
          (rows) => {
            rows[0]![0] = `${rows[0]![0]}"x`;
            return joinRows(rows.slice(0, 1));
          },
          'malformed_syntax',
        ]),
      },
    ),
    fc.nat(),
  );
  const damages = fc.sample(damage, { seed: o.seed + 1, numRuns: o.bad });
  const records = slots(o).map((bad, i): CorpusRecord => {
    const id = `${o.prefix}-${i}`;
    const rows = greenlaneRows(goods[i]!, id);
    if (bad === undefined) return { kind: 'good', good: id, units: joinRows(rows) };
    const [[kind, apply, code], n] = damages[bad]!;
    return { kind, units: apply(rows, n % rows.length), ...(code ? { code } : {}) };
  });
  for (let i = 0; i < (o.oversize ?? 0); i++) {
    const rows = greenlaneRows(goods[0]!, `${o.prefix}-BIG-${i}`);
    rows[0]![col('description')] = 'x'.repeat(1_100_000);
    records.splice(1 + i * 7, 0, { kind: 'oversize', units: joinRows(rows.slice(0, 1)), code: 'too_large' });
  }
  return { header: GREENLANE_CSV_HEADER.join(','), records };
}

export const CUSTOMS_CSV_HEADER =
  'Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud';
const customsCol = (name: string) => CUSTOMS_CSV_HEADER.split(',').indexOf(name);

function customsRow(p: Pools): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      instant.map((t) => t.slice(0, 10)),
      fc.stringMatching(/^[0-9]{2,3}$/),
      fc.constantFrom('A', 'B', 'D'),
      fc.constantFrom('11', '21'),
      fc.constantFrom('21', '11'),
      fc.constantFrom('11', '13'),
      fc.constantFrom('10', '40', '50'),
      fc.stringMatching(/^[A-Z0-9]{7}$/),
      fc.stringMatching(/^[A-Z0-9]{7}$/),
      fc.option(fc.stringMatching(/^[A-Z0-9]{7}$/), { nil: '' }),
      fc.option(fc.stringMatching(/^[A-Z0-9]{7}$/), { nil: '' }),
      fc.constantFrom(...p.hs2017),
      fc.constantFrom(...p.countries),
      fc.constantFrom(...p.countries),
      fc.integer({ min: 0, max: 1000 }).map((n) => (n / 10).toFixed(1)),
      fc.constantFrom('A', 'C', 'FEU1', 'FCN1'),
      fc.constantFrom('G', 'Y', 'B'),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map(String),
      fc.double({ min: 0.01, max: 1e9, noNaN: true }).map(String),
      fc.constantFrom('0', '1'),
      fc.constantFrom('0', '1', '2'),
    )
    .map((fields) => ['', ...fields]);
}

/** The synthetic customs-declarations CSV: one row per declaration. */
export function customsCsvCorpus(
  ref: ReferenceData,
  o: CorpusOptions,
): { header: string; records: CorpusRecord[] } {
  const p = poolsFrom(ref);
  const columns = CUSTOMS_CSV_HEADER.split(',').length;
  const goods = fc.sample(customsRow(p), { seed: o.seed, numRuns: o.good + o.bad });
  const damages = fc.sample(
    csvDamage(columns, [
      ['empty-item-price', customsCol('Item Price'), '', 'required'],
      ['empty-id', customsCol('Declaration ID'), '', 'required'],
      ['empty-date', customsCol('Date'), '', 'invalid_date'],
      ['bad-date', customsCol('Date'), '2020-02-30', 'invalid_date'],
      ['negative', customsCol('Net Mass'), '-1', 'negative_value'],
      ['bad-number', customsCol('Item Price'), 'abc', 'wrong_type'],
      ['bad-code', customsCol('HS6 Code'), '999999', 'unknown_hs_code'],
      ['bad-code', customsCol('Country of Origin'), 'QQ', 'unknown_country'],
      ['too-long', customsCol('Office ID'), 'X'.repeat(21), 'out_of_range'],
      ['too-long', customsCol('Tax Type'), 'T'.repeat(11), 'out_of_range'],
    ]),
    { seed: o.seed + 1, numRuns: o.bad },
  );
  const records = slots(o).map((bad, i): CorpusRecord => {
    const id = `${o.prefix}${String(i).padStart(7, '0')}`;
    const row = [id, ...goods[i]!.slice(1)];
    if (bad === undefined) return { kind: 'good', good: id, units: [row.join(',')] };
    const [kind, apply, code] = damages[bad]!;
    return { kind, units: apply([row], 0), ...(code ? { code } : {}) };
  });
  for (let i = 0; i < (o.oversize ?? 0); i++) {
    const row = [`${o.prefix}BIG${i}`, ...goods[0]!.slice(1)];
    row[customsCol('Import Use')] = 'x'.repeat(1_100_000);
    records.splice(1 + i * 7, 0, { kind: 'oversize', units: [row.join(',')], code: 'too_large' });
  }
  return { header: CUSTOMS_CSV_HEADER, records };
}

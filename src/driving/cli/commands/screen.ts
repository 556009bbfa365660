import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { ScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { normaliseImo } from '../../../core/screening/entity.ts';
import { parseQueryDate } from '../../../core/screening/evidence.ts';
import {
  DEFAULT_THRESHOLDS,
  QUERY_TYPES,
  type ScreeningHit,
  type ScreeningQuery,
  type ScreeningThresholds,
} from '../../../core/screening/screen.ts';
import { matchOf, screenUncleared } from '../../../core/screening/signals.ts';
import type { CountryResolver } from '../../../driven/lists/country-resolver.ts';
import { parseLists } from '../../../driven/lists/screening-context.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { openInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

/** Input columns of `greenlane screen` CSV files (NDJSON records use the same keys). */
export const SCREEN_COLUMNS = ['id', 'name', 'type', 'country', 'dob', 'imo'] as const;

/** One output line: the record's matches, or why the record could not be screened. */
export type ScreenOutputLine =
  | {
      id: string;
      matches: Array<
        Pick<
          ScreeningHit,
          'list' | 'entityId' | 'ids' | 'name' | 'matchedName' | 'score' | 'decision' | 'reasons'
        >
      >;
    }
  | { id: string | null; error: string };

const RecordSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1, 'id is required')),
    name: z.string().trim().max(500).optional().default(''),
    type: z
      .string()
      .trim()
      .optional()
      .transform((t) => (t ? t.toLowerCase() : 'any'))
      .pipe(z.enum(QUERY_TYPES)),
    country: z.string().trim().max(100).optional().default(''),
    dob: z
      .string()
      .trim()
      .optional()
      .default('')
      .refine((d) => d === '' || parseQueryDate(d) !== undefined, 'dob must be YYYY, YYYY-MM or YYYY-MM-DD'),
    imo: z
      .union([z.string(), z.number()])
      .optional()
      .transform((v) => (v === undefined ? '' : String(v).trim()))
      .refine((v) => v === '' || normaliseImo(v) !== undefined, 'imo must be a 7-digit IMO number'),
  })
  .refine((r) => r.name !== '' || r.imo !== '', { message: 'name or imo is required' });

/**
 * Turns one input record into a query, or an error message. Countries may be ISO codes or names
 * ("Iran (Islamic Republic of)"); an unknown country is an error, not silently ignored.
 */
export function toQuery(
  raw: Record<string, unknown>,
  resolveCountry: CountryResolver,
): { query: ScreeningQuery } | { id: string | null; error: string } {
  const id = raw.id === undefined || raw.id === null || raw.id === '' ? null : String(raw.id);
  const parsed = RecordSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      id,
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '),
    };
  }
  const r = parsed.data;
  const country = r.country ? resolveCountry(r.country) : undefined;
  if (r.country && !country) return { id, error: `country: unknown country "${r.country}"` };
  const imo = normaliseImo(r.imo);
  return {
    query: {
      id: r.id,
      name: r.name,
      type: r.type,
      ...(country ? { country } : {}),
      ...(r.dob ? { dob: r.dob } : {}),
      ...(imo ? { imo } : {}),
    },
  };
}

type Rejected = { id: string | null; error: string };

/** One input line to a query, or why it cannot be screened. */
function parseRecord(
  line: string,
  format: 'csv' | 'ndjson',
  header: string[] | undefined,
  resolveCountry: CountryResolver,
): { query: ScreeningQuery } | Rejected {
  if (format === 'csv') {
    const record = csvRecord(line, header ?? []);
    return 'error' in record && typeof record.error === 'string' && !('name' in record)
      ? (record as Rejected)
      : toQuery(record, resolveCountry);
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `malformed JSON: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { id: null, error: 'record is not a JSON object' };
  return toQuery(value as Record<string, unknown>, resolveCountry);
}

/** Splits one CSV line into a record by the header, or explains why it cannot. */
function csvRecord(line: string, header: string[]): Record<string, unknown> | Rejected {
  let fields: string[];
  try {
    fields = (parse(line, { relax_column_count: true }) as string[][])[0] ?? [];
  } catch (err) {
    return { id: null, error: `malformed CSV: ${(err as Error).message}` };
  }
  const id = fields[header.indexOf('id')] ?? null;
  if (fields.length !== header.length) {
    return { id: id || null, error: `expected ${header.length} fields, found ${fields.length}` };
  }
  return Object.fromEntries(header.map((h, i) => [h, fields[i]]));
}

export interface ScreenRunSummary {
  records: number;
  withMatch: number;
  withReview: number;
  errors: number;
  seconds: number;
}

/**
 * Screens a stream of input lines and writes exactly one NDJSON line per record. Malformed
 * records produce `{"id","error"}` lines and never stop the run.
 */
export async function screenLines(
  lines: AsyncIterable<string>,
  format: 'csv' | 'ndjson',
  index: ScreeningIndex,
  out: Writable,
  options: {
    resolveCountry: CountryResolver;
    thresholds?: ScreeningThresholds;
    isCleared?: (query: ScreeningQuery, hit: ScreeningHit) => boolean;
    onHits?: (query: ScreeningQuery, hits: ScreeningHit[]) => Promise<void> | void;
    onRecord?: () => void;
  },
): Promise<ScreenRunSummary> {
  const started = performance.now();
  const summary: ScreenRunSummary = { records: 0, withMatch: 0, withReview: 0, errors: 0, seconds: 0 };
  let header: string[] | undefined;
  const emit = (line: ScreenOutputLine) =>
    new Promise<void>((resolve) => {
      if (out.write(`${JSON.stringify(line)}\n`)) resolve();
      else out.once('drain', resolve);
    });
  for await (const rawLine of lines) {
    const line = rawLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (format === 'csv' && !header) {
      header = line.split(',').map((h) => h.trim().toLowerCase());
      const missing = ['id', 'name'].filter((c) => !header!.includes(c));
      if (missing.length)
        throw new UsageError(`CSV header must be ${SCREEN_COLUMNS.join(',')}; missing ${missing.join(', ')}`);
      continue;
    }
    summary.records++;
    options.onRecord?.();
    const q = parseRecord(line, format, header, options.resolveCountry);
    if ('error' in q) {
      summary.errors++;
      await emit({ id: q.id, error: q.error });
      continue;
    }
    const hits = screenUncleared(q.query, index, {
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
      ...(options.isCleared ? { isCleared: options.isCleared } : {}),
    });
    await options.onHits?.(q.query, hits);
    if (hits.some((h) => h.decision === 'match')) summary.withMatch++;
    else if (hits.length) summary.withReview++;
    await emit({
      id: q.query.id!,
      matches: hits.map(matchOf),
    });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

interface ScreenFlags {
  format?: string;
  out?: string;
  db: string;
  lists?: string;
  source: string;
  record?: boolean;
  administration: string;
  match?: string;
  review?: string;
}

function threshold(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`--${name} must be a number in (0, 1]`);
  return n;
}

async function runScreen(file: string, flags: ScreenFlags): Promise<void> {
  const format = flags.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  if (format !== 'csv' && format !== 'ndjson')
    throw new UsageError(`--format must be csv or ndjson, not "${format}"`);
  if (!['auto', 'store', 'data'].includes(flags.source))
    throw new UsageError('--source must be auto, store or data');
  const thresholds = {
    match: threshold(flags.match, 'match', DEFAULT_THRESHOLDS.match),
    review: threshold(flags.review, 'review', DEFAULT_THRESHOLDS.review),
  };
  if (thresholds.review > thresholds.match) throw new UsageError('--review must not exceed --match');
  try {
    parseLists(flags.lists);
  } catch (err) {
    throw new UsageError(`--lists: ${(err as Error).message}`);
  }
  const input = file === '-' ? process.stdin : createReadStream(file);
  input.on('error', () => {});
  if (file !== '-') {
    await new Promise<void>((resolve, reject) => {
      (input as ReturnType<typeof createReadStream>).once('open', () => resolve());
      input.once('error', (err: Error) => reject(new UsageError(`cannot read ${file}: ${err.message}`)));
    });
  }
  const inst = await openInstallation(installationConfig(flags.db), {
    log: false,
    screening: {
      source: flags.source as 'auto' | 'store' | 'data',
      ...(flags.lists ? { lists: flags.lists } : {}),
    },
  });
  const context = inst.screening;
  const admin = flags.administration;
  const out = flags.out ? createWriteStream(flags.out) : process.stdout;
  let bar: SingleBar | undefined;
  if (process.stderr.isTTY) {
    bar = new SingleBar(
      { format: 'screening {value} records', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(0, 0);
  }
  try {
    await context.refresh(admin);
    const summary = await screenLines(
      createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }),
      format,
      context.index,
      out,
      {
        resolveCountry: inst.resolveCountry,
        thresholds,
        isCleared: (query, hit) => context.isCleared(admin, query, hit),
        ...(flags.record ? { onHits: (query, hits) => context.recordHits(admin, query, hits) } : {}),
        ...(bar ? { onRecord: () => bar!.increment() } : {}),
      },
    );
    bar?.stop();
    if (flags.out)
      await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
    process.stderr.write(
      `screened ${summary.records} records in ${summary.seconds.toFixed(2)} s: ${summary.withMatch} with a match, ${summary.withReview} for review, ${summary.errors} malformed\n` +
        `thresholds: match ${thresholds.match}, review ${thresholds.review}; lists (${context.origin}): ${context.index.versions.join(', ')}\n`,
    );
  } finally {
    bar?.stop();
    await inst.close();
  }
}

/** `greenlane screen <file|-> [--format csv|ndjson] [--out FILE]`: screens parties against the loaded lists. */
export function registerScreenCommand(program: Command): void {
  program
    .command('screen')
    .description(
      'Screen parties (CSV header id,name,type,country,dob,imo or NDJSON with the same keys) against the UN, OFAC, EU and UK sanctions lists; one NDJSON line per record',
    )
    .argument('<file>', 'input file, or - for standard input')
    .option('--format <format>', 'csv or ndjson (default: from the file extension; ndjson for stdin)')
    .option('--out <file>', 'write the NDJSON results to FILE instead of stdout')
    .option('--db <url>', 'database with stored list versions and the good-party list', defaultDatabaseUrl())
    .option(
      '--source <source>',
      'lists from: store (latest stored versions), data (data directory) or auto',
      'auto',
    )
    .option('--lists <names>', 'comma-separated lists to screen against (un,ofac,eu,uk); default all')
    .option('--record', 'store the parties and hits (for adjudication and delta screening on list updates)')
    .option(
      '--administration <id>',
      'administration whose good-party list applies and whose hits --record stores',
      'local',
    )
    .option('--match <score>', `match threshold (default ${DEFAULT_THRESHOLDS.match})`)
    .option('--review <score>', `review threshold (default ${DEFAULT_THRESHOLDS.review})`)
    .action(async (file: string, flags: ScreenFlags) => runScreen(file, flags));
}

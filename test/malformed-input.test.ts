import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssessmentService } from '../src/app/assess.ts';
import type { ReferenceData } from '../src/core/reference/reference-data.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import type { InputFormat, InputRecord } from '../src/driven/input/input-record.ts';
import { readRecords } from '../src/driven/input/read-records.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { dataDir } from '../src/installation/config.ts';
import { assessmentDeps } from '../src/installation/runtime.ts';
import { createTestApi } from './support/api-test-kit.ts';
import { useCliHarness } from './support/cli-harness.ts';
import {
  type CorpusRecord,
  customsCsvCorpus,
  greenlaneCsvCorpus,
  jsonCorpus,
} from './support/malformed-corpus.ts';

/**
 * Issue 8, item 5: a generated corpus of malformed records mixed with good ones (fast-check,
 * fixed seeds) through every input format of `greenlane assess` and through the API. For every
 * run: no crash, exactly one output line per input record, each bad record exactly one reject
 * with its record number, a path and a reason, and every good record decided and stored.
 */

const SEED = 20_261_203;
const cli = useCliHarness('greenlane-corpus-');
let ref: ReferenceData;

beforeAll(() => {
  ref = referenceData(dataDir());
});
beforeEach(() => {
  process.env.GREENLANE_HOME = join(cli.work, 'home');
});

interface Line {
  rejected?: true;
  record?: number;
  declarationId?: string;
  errors?: Array<{ path: unknown; code: unknown; message: unknown }>;
}

/** Every record has its line, in order: good ones decided under their id, bad ones one reject each. */
function expectOneLineEach(lines: Line[], records: CorpusRecord[], numbers: number[]): void {
  expect(lines).toHaveLength(records.length);
  const wrong: string[] = [];
  records.forEach((r, i) => {
    const line = lines[i]!;
    const what = `record ${numbers[i]} (${r.kind})`;
    if (r.good !== undefined) {
      if (line.rejected || line.declarationId !== r.good)
        wrong.push(`${what}: ${JSON.stringify(line).slice(0, 300)}`);
      return;
    }
    const errors = line.errors ?? [];
    const described = errors.every(
      (e) =>
        typeof e.path === 'string' &&
        typeof e.code === 'string' &&
        typeof e.message === 'string' &&
        e.message,
    );
    const coded = r.code === undefined || errors.some((e) => e.code === r.code);
    if (!line.rejected || line.record !== numbers[i] || errors.length === 0 || !described || !coded) {
      wrong.push(
        `${what}: expected a reject${r.code ? ` with ${r.code}` : ''}, got ${JSON.stringify(line).slice(0, 300)}`,
      );
    }
  });
  expect(wrong.slice(0, 10)).toEqual([]);
}

/** 1-based record numbers: one per unit, or (Greenlane CSV) the row a declaration starts on. */
function recordNumbers(records: CorpusRecord[], byRow: boolean): number[] {
  let next = 1;
  return records.map((r) => {
    const n = next;
    next += byRow ? r.units.length : 1;
    return n;
  });
}

function fileOf(name: string, records: CorpusRecord[], layout: { header?: string; array?: boolean }): string {
  const lines = records.flatMap((r) => r.units);
  const parts: Array<string | Buffer> = [];
  if (layout.header) parts.push(`${layout.header}\n`);
  if (layout.array) parts.push('[\n');
  lines.forEach((unit, i) => {
    parts.push(unit, layout.array ? (i < lines.length - 1 ? ',\n' : '\n') : '\n');
  });
  if (layout.array) parts.push(']\n');
  const path = join(cli.work, name);
  writeFileSync(path, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return path;
}

/** Runs `greenlane assess` in-process on a file with its own SQLite database, then checks the store. */
async function assessFile(path: string, records: CorpusRecord[], numbers: number[], format?: InputFormat) {
  const db = `sqlite:${path}.db`;
  const args = ['assess', path, '--no-screening', '--db', db, ...(format ? ['--format', format] : [])];
  const code = await cli.run(...args);
  expect(code, cli.stderr).toBe(0);
  const lines = cli.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  expectOneLineEach(lines, records, numbers);
  const conn = openDatabase(db);
  try {
    const goods = records.flatMap((r) => (r.good ? [r.good] : []));
    const stored = await new DeclarationStore(conn).currentVersions('local', goods);
    expect(stored.size).toBe(goods.length);
    const rejects = await sql<{ n: number }>`select count(*) as n from rejects`.execute(conn.db);
    expect(Number(rejects.rows[0]!.n)).toBe(records.length - goods.length);
  } finally {
    await conn.close();
  }
}

describe('malformed-input corpus through greenlane assess', () => {
  it('NDJSON: 2,000 bad lines among 500 good ones', async () => {
    const records = jsonCorpus(ref, {
      prefix: 'ND',
      bad: 2000,
      good: 500,
      seed: SEED,
      oversize: 2,
      lineOnly: true,
    });
    const path = fileOf('corpus.ndjson', records, {});
    await assessFile(path, records, recordNumbers(records, false));
  });

  it('JSON array: 2,000 bad elements among 500 good ones', async () => {
    const records = jsonCorpus(ref, { prefix: 'JA', bad: 2000, good: 500, seed: SEED + 10, oversize: 2 });
    const path = fileOf('corpus.json', records, { array: true });
    await assessFile(path, records, recordNumbers(records, false));
  });

  it('Greenlane CSV: 2,000 bad declarations (one to three rows) among 500 good ones', async () => {
    const { header, records } = greenlaneCsvCorpus(ref, {
      prefix: 'GC',
      bad: 2000,
      good: 500,
      seed: SEED + 20,
      oversize: 1,
    });
    const path = fileOf('corpus.csv', records, { header });
    await assessFile(path, records, recordNumbers(records, true));
  });

  it('customs-declarations CSV: 2,000 bad rows among 500 good ones', async () => {
    const { header, records } = customsCsvCorpus(ref, {
      prefix: 'KC',
      bad: 2000,
      good: 500,
      seed: SEED + 30,
      oversize: 1,
    });
    const path = fileOf('corpus-kcs.csv', records, { header });
    await assessFile(path, records, recordNumbers(records, false), 'customs-csv');
  });

  it('JSON documents: 800 bad single-declaration files among 200 good ones', async () => {
    // One document per record: read one by one, assessed in one batch (a process per file would
    // take minutes); a few go through the command itself below.
    const records = jsonCorpus(ref, { prefix: 'JS', bad: 800, good: 200, seed: SEED + 40 }).filter(
      (r) => !String(r.units[0]).trimStart().startsWith('['),
    );
    const read: InputRecord[] = [];
    for (const r of records) {
      const out: InputRecord[] = [];
      for await (const rec of readRecords([r.units[0]!], 'json')) out.push(rec);
      expect(out).toHaveLength(1);
      read.push({ ...out[0]!, record: read.length + 1 });
    }
    const conn = openDatabase(`sqlite:${join(cli.work, 'single.db')}`);
    try {
      await migrateToLatest(conn);
      const store = new DeclarationStore(conn);
      await store.ensureAdministration('local', 'local');
      const service = createAssessmentService(assessmentDeps({ store }));
      const lines = await service.assess('local', read, { source: 'corpus', actor: 'test' });
      expectOneLineEach(lines as Line[], records, recordNumbers(records, false));
      const goods = records.flatMap((r) => (r.good ? [r.good] : []));
      expect((await store.currentVersions('local', goods)).size).toBe(goods.length);
    } finally {
      await conn.close();
    }
    const few = records.slice(0, 6);
    for (const [i, r] of few.entries()) {
      cli.stdout = '';
      const path = join(cli.work, `single-${i}.json`);
      writeFileSync(path, r.units[0]!);
      await assessFile(path, [r], [1]);
    }
  });
});

describe('malformed-input corpus through POST /v1/declarations', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`${dialect}: 1,000 bad records among 250 good ones, in batches of 250`, async () => {
      const api = await createTestApi(dialect);
      try {
        const records = jsonCorpus(ref, {
          prefix: `API-${dialect}`,
          bad: 1000,
          good: 250,
          seed: SEED + (dialect === 'sqlite' ? 50 : 60),
          oversize: 1,
        });
        for (let from = 0; from < records.length; from += 250) {
          const batch = records.slice(from, from + 250);
          const units = batch.flatMap((r) => r.units);
          const body = Buffer.concat(
            ['[', ...units.flatMap((u, i) => (i === 0 ? [u] : [',\n', u])), ']'].map((p) =>
              typeof p === 'string' ? Buffer.from(p) : p,
            ),
          );
          const res = await api.app.request('/v1/declarations', {
            method: 'POST',
            headers: { authorization: `Bearer ${api.keys.ingest}`, 'content-type': 'application/json' },
            body,
          });
          expect(res.status).toBe(200);
          const { results, summary } = (await res.json()) as {
            results: Line[];
            summary: { received: number };
          };
          expect(summary.received).toBe(batch.length);
          expectOneLineEach(results, batch, recordNumbers(batch, false));
        }
        const goods = records.flatMap((r) => (r.good ? [r.good] : []));
        expect((await api.store.currentVersions('XA', goods)).size).toBe(goods.length);
      } finally {
        await api.dispose();
      }
    });
  }
});

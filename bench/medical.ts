/**
 * `npm run bench:medical`: serial-number checks per second against a registry of 10 million
 * serials, and the memory they take, on SQLite and PostgreSQL (issue 13 targets: >= 200,000
 * checks/s on one core, < 1 GB). The serials are loaded in bulk (prepared inserts in one
 * transaction on SQLite; multi-row `unnest` inserts on PostgreSQL), then checked the way the
 * pipeline's `prepareBatch` checks a batch: `ProductRepository.registeredOf` over keys of which half
 * are registered. `--rows N` changes the registry size; `GREENLANE_BENCH_PG_URL` the PostgreSQL
 * server (default the local test server; a schema `bench_medical` is created and dropped).
 * Writes docs/PERFORMANCE.md (section `medical`).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { type DialectName, openDatabase, type StoreConnection } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { ProductRepository } from '../src/driven/store/product-repository.ts';
import { PACKAGE_ROOT } from '../src/installation/config.ts';
import { writeReportSection } from './report.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ROWS = Number(arg('--rows') ?? 10_000_000);
const PRODUCTS = 1000;
const CHECKS = 1_000_000;
const BATCH = 10_000;
const ADMIN = 'NL';
const PG_URL = process.env.GREENLANE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1/test_medical';

const gtinOf = (i: number) => `0950600${String(i % PRODUCTS).padStart(7, '0')}`;
/** Serial i: unique per GTIN, 12 characters as pharmaceutical serials usually are. */
const serialOf = (i: number) =>
  `S${((i * 2654435761) >>> 0).toString(36).padStart(7, '0')}${String(Math.floor(i / PRODUCTS)).padStart(5, '0')}`.slice(
    0,
    20,
  );

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function load(conn: StoreConnection): Promise<number> {
  const t = performance.now();
  if (conn.sqlite) {
    const insert = conn.sqlite.prepare(
      'insert into medical_serials (administration, gtin, serial, lot) values (?, ?, ?, ?)',
    );
    const all = conn.sqlite.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(ADMIN, gtinOf(i), serialOf(i), 'L1');
    });
    all();
  } else {
    const CHUNK = 50_000;
    for (let start = 0; start < ROWS; start += CHUNK) {
      const gtins: string[] = [];
      const serials: string[] = [];
      for (let i = start; i < Math.min(ROWS, start + CHUNK); i++) {
        gtins.push(gtinOf(i));
        serials.push(serialOf(i));
      }
      await sql`insert into medical_serials (administration, gtin, serial, lot)
        select ${ADMIN}, g, s, 'L1' from unnest(${gtins}::text[], ${serials}::text[]) as k(g, s)`.execute(
        conn.db,
      );
    }
    await sql`analyze medical_serials`.execute(conn.db);
  }
  return (performance.now() - t) / 1000;
}

async function check(conn: StoreConnection) {
  const repo = new ProductRepository(conn);
  // Half registered serials, half unknown ones (counterfeit codes), in random order.
  const keys: Array<[string, string]> = [];
  let x = 12345;
  for (let i = 0; i < CHECKS; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = x % ROWS;
    keys.push(i % 2 === 0 ? [gtinOf(n), serialOf(n)] : [gtinOf(n), `X${n}`]);
  }
  gc();
  const before = process.memoryUsage();
  let found = 0;
  const t = performance.now();
  for (let i = 0; i < keys.length; i += BATCH)
    found += (await repo.registeredOf(ADMIN, keys.slice(i, i + BATCH))).length;
  const seconds = (performance.now() - t) / 1000;
  const after = process.memoryUsage();
  if (found !== CHECKS / 2) throw new Error(`expected ${CHECKS / 2} registered serials, found ${found}`);
  return {
    perSecond: Math.round(CHECKS / seconds),
    heapMb: mb(after.heapUsed - before.heapUsed),
    rssMb: mb(after.rss),
  };
}

async function bench(dialect: DialectName) {
  const dir = mkdtempSync(join(tmpdir(), 'greenlane-bench-medical-'));
  const url = dialect === 'sqlite' ? `sqlite:${join(dir, 'bench.db')}` : `${PG_URL}?schema=bench_medical`;
  if (dialect === 'postgres') {
    const admin = openDatabase(PG_URL);
    await sql`drop schema if exists bench_medical cascade`.execute(admin.db);
    await sql`create schema bench_medical`.execute(admin.db);
    await admin.close();
  }
  const conn = openDatabase(url);
  try {
    await migrateToLatest(conn);
    await new DeclarationStore(conn).ensureAdministration(ADMIN, ADMIN);
    const loadSeconds = await load(conn);
    const loadAvgLoad = loadavg()[0]!;
    const checked = await check(conn);
    const checkLoad = loadavg()[0]!;
    let storeMb: number;
    if (dialect === 'sqlite') storeMb = mb(statSync(join(dir, 'bench.db')).size);
    else {
      const r = await sql<{ size: number }>`select pg_total_relation_size('medical_serials') as size`.execute(
        conn.db,
      );
      storeMb = mb(Number(r.rows[0]!.size));
    }
    return {
      dialect,
      loadSeconds,
      loadRate: Math.round(ROWS / loadSeconds),
      loadAvgLoad,
      ...checked,
      checkLoad,
      storeMb,
    };
  } finally {
    await conn.close();
    if (dialect === 'postgres') {
      const admin = openDatabase(PG_URL);
      await sql`drop schema if exists bench_medical cascade`.execute(admin.db);
      await admin.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const dialect of ['sqlite', 'postgres'] as const) {
  const r = await bench(dialect);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  results.push(r);
}
const text = `## Medical serial checks (issue 13)

Command: \`npm run bench:medical\`${ROWS !== 10_000_000 ? ` -- --rows ${ROWS}` : ''}. A registry of ${ROWS.toLocaleString('en')} serial numbers
(${PRODUCTS} GTINs), loaded in bulk, then ${CHECKS.toLocaleString('en')} serial checks in batches of ${BATCH.toLocaleString('en')} (half
registered, half unknown) through \`ProductRepository.registeredOf\`, the lookup the pipeline's \`prepareBatch\` makes: a
prepared primary-key lookup per serial on SQLite, one \`unnest\` join per 20,000 serials on PostgreSQL. The serials stay in
the database: the process holds only the batch's keys. Measured while the machine was shared (1-minute load average beside
each figure); targets ≥ 200,000 checks/s on one core and < 1 GB.

| database | load | checks/s | process memory (RSS after checks; heap growth) | registry on disk | target |
| --- | --- | --- | --- | --- | --- |
${results
  .map(
    (r) =>
      `| ${r.dialect} | ${r.loadSeconds.toFixed(0)} s (${r.loadRate.toLocaleString('en')} rows/s, load ${r.loadAvgLoad.toFixed(2)}) | ${r.perSecond.toLocaleString('en')} (load ${r.checkLoad.toFixed(2)}) | ${r.rssMb} MB; ${r.heapMb} MB | ${r.storeMb} MB | ${r.perSecond >= 200_000 && r.rssMb < 1024 ? 'met' : '**missed**'} |`,
  )
  .join('\n')}
`;
process.stdout.write(text);
writeReportSection(resolve(PACKAGE_ROOT, 'docs/PERFORMANCE.md'), 'medical', text);

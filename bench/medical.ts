/**
 * `npm run bench:medical`: serial-number checks per second against a registry of 10 million
 * serials, and the memory they take, on SQLite and PostgreSQL (issue 13 targets: >= 200,000
 * checks/s on one core, < 1 GB). The serials are generated random-looking (as pharmaceutical
 * serials are), sorted per GTIN and loaded in key order in big transactions (SQLite: a prepared
 * insert, 500,000 rows per transaction; PostgreSQL: `unnest` inserts of 100,000 rows with the
 * primary key dropped during the load and rebuilt after). They are then checked the way the
 * pipeline's `prepareBatch` checks a batch: `ProductRepository.registeredOf` over keys of which
 * half are registered, answered by the administration's in-memory serial index
 * (`core/medical/serial-index.ts`), built from the store at the first check and timed apart.
 * `--rows N` changes the registry size, `--dialects sqlite` the databases, `--from <log>` rewrites the report
 * from a run's printed JSON lines; `GREENLANE_BENCH_PG_URL` the PostgreSQL server (default the
 * local test server; a schema `bench_medical` is created and dropped). Writes docs/PERFORMANCE.md
 * (section `medical`).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { type DialectName, openDatabase, type StoreConnection } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { ProductRepository } from '../src/driven/store/product-repository.ts';
import { raiseRegistryVersion } from '../src/driven/store/serial-registry-index.ts';
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

const gtinOf = (g: number) => `0950600${String(g).padStart(7, '0')}`;
/** Serial k of GTIN g: 12 characters, random-looking (a multiplicative hash), unique per GTIN. */
const serialOf = (g: number, k: number) =>
  `S${(((k * PRODUCTS + g) * 2654435761) >>> 0).toString(36).padStart(7, '0')}${k.toString(36).padStart(4, '0')}`;
const perGtin = Math.ceil(ROWS / PRODUCTS);

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Resident memory split as Linux reports it: anonymous (heap, index) and file-backed (SQLite's memory map). */
function residentMb(): { rss: number; anon: number; file: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    rss: Math.round(kb('VmRSS') / 1024),
    anon: Math.round(kb('RssAnon') / 1024),
    file: Math.round(kb('RssFile') / 1024),
  };
}

/** The serials of GTIN g, sorted: a load in key order appends to the primary-key B-tree. */
function serialsOf(g: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < perGtin && k * PRODUCTS + g < ROWS; k++) out.push(serialOf(g, k));
  return out.sort();
}

async function load(conn: StoreConnection): Promise<number> {
  const t = performance.now();
  if (conn.sqlite) {
    const insert = conn.sqlite.prepare(
      'insert into medical_serials (administration, gtin, serial, lot) values (?, ?, ?, ?)',
    );
    const rows = conn.sqlite.transaction((g0: number, g1: number) => {
      for (let g = g0; g < g1; g++) {
        const gtin = gtinOf(g);
        for (const serial of serialsOf(g)) insert.run(ADMIN, gtin, serial, 'L1');
      }
    });
    const step = Math.max(1, Math.floor(500_000 / perGtin));
    for (let g = 0; g < PRODUCTS; g += step) rows(g, Math.min(PRODUCTS, g + step));
  } else {
    await sql`alter table medical_serials drop constraint medical_serials_pk`.execute(conn.db);
    const step = Math.max(1, Math.floor(100_000 / perGtin));
    for (let g0 = 0; g0 < PRODUCTS; g0 += step) {
      const gtins: string[] = [];
      const serials: string[] = [];
      for (let g = g0; g < Math.min(PRODUCTS, g0 + step); g++)
        for (const serial of serialsOf(g)) {
          gtins.push(gtinOf(g));
          serials.push(serial);
        }
      await sql`insert into medical_serials (administration, gtin, serial, lot)
        select ${ADMIN}, g, s, 'L1' from unnest(${gtins}::text[], ${serials}::text[]) as k(g, s)`.execute(
        conn.db,
      );
    }
    await sql`alter table medical_serials add constraint medical_serials_pk primary key (administration, gtin, serial)`.execute(
      conn.db,
    );
    await sql`analyze medical_serials`.execute(conn.db);
  }
  // What `ProductRepository.load` does in its transaction: the index is rebuilt at the next check.
  await raiseRegistryVersion(conn.db, ADMIN);
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
    const g = n % PRODUCTS;
    const k = Math.floor(n / PRODUCTS);
    keys.push(i % 2 === 0 ? [gtinOf(g), serialOf(g, k)] : [gtinOf(g), `X${serialOf(g, k).slice(1)}`]);
  }
  gc();
  const buildStart = performance.now();
  const buildCpu = process.cpuUsage();
  await repo.registeredOf(ADMIN, [keys[0]!]);
  const build = process.cpuUsage(buildCpu);
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const buildCpuSeconds = (build.user + build.system) / 1e6;
  const buildLoad = loadavg()[0]!;
  let found = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < keys.length; i += BATCH)
    found += (await repo.registeredOf(ADMIN, keys.slice(i, i + BATCH))).length;
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const checkLoad = loadavg()[0]!;
  gc();
  const memory = process.memoryUsage();
  const resident = residentMb();
  if (found !== CHECKS / 2) throw new Error(`expected ${CHECKS / 2} registered serials, found ${found}`);
  return {
    buildSeconds,
    buildCpuSeconds,
    buildLoad,
    perSecond: Math.round(CHECKS / seconds),
    perCpuSecond: Math.round(CHECKS / ((used.user + used.system) / 1e6)),
    checkLoad,
    heapMb: mb(memory.heapUsed),
    arrayBuffersMb: mb(memory.arrayBuffers),
    ...resident,
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

const dialects = (arg('--dialects') ?? 'sqlite,postgres').split(',') as DialectName[];
const results: Array<Awaited<ReturnType<typeof bench>>> = [];
// `--from <file>`: write the report of a run recorded earlier (its JSON lines) without running again.
const recorded = arg('--from');
if (recorded !== undefined)
  for (const line of readFileSync(recorded, 'utf8').split('\n'))
    if (line.startsWith('{')) results.push(JSON.parse(line) as (typeof results)[number]);
for (const dialect of recorded === undefined ? dialects : []) {
  const r = await bench(dialect);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  results.push(r);
}
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const targets = (r: (typeof results)[number]) =>
  `wall ${verdict(r.perSecond >= 200_000)}; per CPU-second ${verdict(r.perCpuSecond >= 200_000)}; memory ${verdict(r.rss < 1024)}`;
const text = `## Medical serial checks (issue 13)

Command: \`npm run bench:medical\`${ROWS !== 10_000_000 ? ` -- --rows ${ROWS}` : ''}. A registry of ${ROWS.toLocaleString('en')} serial numbers
(${PRODUCTS} GTINs, 12-character random-looking serials), loaded in key order in big transactions, then
${CHECKS.toLocaleString('en')} serial checks in batches of ${BATCH.toLocaleString('en')} (half registered, half unknown) through
\`ProductRepository.registeredOf\`, the lookup the pipeline's \`prepareBatch\` makes. The checks are answered by the
administration's in-memory serial index (\`core/medical/serial-index.ts\`: a sorted \`Float64Array\` of 53-bit
fingerprints, 8 bytes per serial, with a bucket directory by the top bits, about 1.6 bytes per serial), built from the store at the first check after a load (timed apart) and rebuilt when
the registry version changes; each batch costs one primary-key read of that version. One Node process, one thread; the
machine (2 cores) was shared with other work: the 1-minute load average is beside each figure, and checks per CPU-second
(\`process.cpuUsage\`) beside the wall figure. Memory after the checks: RSS, split into anonymous memory (heap and index)
and file-backed pages (SQLite's memory map of its file, shared with the page cache). Targets: ≥ 200,000 checks/s on one
core, < 1 GB. At a load average L on 2 cores a runnable process gets about 2/L of a core, so the wall figure
understates what one core does; checks per CPU-second is the one-core figure.

| database | load | index build (first check) | checks/s (wall) | checks per CPU-second | RSS (anonymous + file) | heap; typed arrays | registry on disk | target |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${results
  .map(
    (r) =>
      `| ${r.dialect} | ${r.loadSeconds.toFixed(0)} s (${r.loadRate.toLocaleString('en')} rows/s, load ${r.loadAvgLoad.toFixed(2)}) | ${r.buildSeconds.toFixed(1)} s (${r.buildCpuSeconds.toFixed(1)} CPU-s, load ${r.buildLoad.toFixed(2)}) | ${r.perSecond.toLocaleString('en')} (load ${r.checkLoad.toFixed(2)}) | ${r.perCpuSecond.toLocaleString('en')} | ${r.rss} MB (${r.anon} + ${r.file}) | ${r.heapMb} MB; ${r.arrayBuffersMb} MB | ${r.storeMb} MB | ${targets(r)} |`,
  )
  .join('\n')}
`;
process.stdout.write(text);
writeReportSection(resolve(PACKAGE_ROOT, 'docs/PERFORMANCE.md'), 'medical', text);

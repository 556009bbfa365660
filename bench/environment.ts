/**
 * `npm run bench:environment`: document checks per second (the `checks` signal source over a batch
 * of 500 declarations: one register read, then the synchronous checks) and atomic consumptions per
 * second (a release that takes its quantity from a licence balance and the trader's quota by
 * conditional UPDATE, with its lifecycle event and log record, each atomic) and releases without
 * documents per second, wall and per CPU-second, on SQLite and
 * PostgreSQL (`GREENLANE_TEST_PG_URL`). Prints the figures with the load average and writes
 * docs/PERFORMANCE.md. Target: at least 2,000 consumptions/s on SQLite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Declaration } from '../src/core/declaration/declaration.ts';
import { openDatabase, type StoreConnection } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { environmentReference } from '../src/driven/reference/environment-reference.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { LifecycleRepository } from '../src/driven/store/lifecycle-repository.ts';
import { PermitRepository } from '../src/driven/store/permit-repository.ts';
import { createPermitSignalSource } from '../src/driven/store/permit-signal-source.ts';
import { dataDir, environmentDir, testPostgresUrl } from '../src/installation/config.ts';
import { sampleLicence } from '../test/support/permit-fixtures.ts';
import { decision, item } from '../test/support/store-fixtures.ts';
import { median, writeReportSection } from './report.ts';

const ADMIN = 'BENCH';
const N = Number(process.env.BENCH_ENV_N ?? 3000);
const CONCURRENCY = 8;

/** A shipment of 10 kg of R-410A under `licence`, or with no document at all (`licence` undefined). */
function shipment(i: number, licence: string | undefined): Declaration {
  return {
    id: licence === undefined ? `P-${i}` : `B-${i}`,
    type: 'import',
    customsOffice: 'NLRTM001',
    lodgedAt: '2026-06-01T10:00:00Z',
    importer: { id: 'TR-1' },
    dispatchCountry: 'CN',
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'EUR',
    items: [
      {
        sequence: 1,
        hsCode: '382763',
        hsEdition: '2022',
        description: 'R-410A refrigerant',
        originCountry: 'CN',
        netMass: 10,
        documents: licence === undefined ? [] : [{ type: 'ODS-LICENCE', reference: licence }],
      },
    ],
  };
}

async function run(conn: StoreConnection, label: string) {
  await migrateToLatest(conn);
  const env = environmentReference(environmentDir());
  const store = new DeclarationStore(conn);
  await store.ensureAdministration(ADMIN, ADMIN);
  const permits = new PermitRepository(conn);
  // 100 licences, each shipment draws 10 kg; quotas with room for all of them.
  const licences = Array.from({ length: 100 }, (_, i) => `LIC-${i}`);
  await permits.load(
    ADMIN,
    [
      { kind: 'quota', trader: 'TR-1', year: 2026, control: 'hfc', co2eqTonnes: 1e9 },
      ...licences.map((number) => sampleLicence(number, { quantity: 1e7 })),
    ].map((value, i) => ({ record: i + 1, value })),
    env,
    'bench',
  );
  const declarations = Array.from({ length: N }, (_, i) => shipment(i, licences[i % licences.length]!));
  const plain = Array.from({ length: N }, (_, i) => shipment(i, undefined));
  for (const set of [declarations, plain])
    for (let i = 0; i < N; i += 500)
      await store.saveAssessments(
        ADMIN,
        set.slice(i, i + 500).map((d) => item(d, decision())),
      );

  // Document checks: prepareBatch (one register read) + signals, batches of 500.
  const source = createPermitSignalSource({ permits, reference: referenceData(dataDir()), environment: env });
  const checkRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    let signals = 0;
    for (let i = 0; i < N; i += 500) {
      const batch = declarations.slice(i, i + 500);
      await source.prepareBatch!(ADMIN, batch);
      // The trader is a first-time one (a score-only signal); nothing else may fire.
      for (const d of batch)
        signals += source.signals(d, ADMIN).filter((x) => x.minChannel !== undefined).length;
    }
    if (signals !== 0) throw new Error(`bench declarations should raise no signal, got ${signals}`);
    checkRates.push(N / ((performance.now() - t) / 1000));
  }
  const checkLoad = loadavg()[0]!;

  // Atomic consumptions: one release per declaration, CONCURRENCY at a time; then releases of
  // declarations that reference no document (the same path, nothing to consume).
  const lifecycle = new LifecycleRepository(conn);
  const releaseAll = async (set: readonly Declaration[]) => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < set.length) {
          const d = set[next++]!;
          await lifecycle.recordEvent(ADMIN, d.id, { event: 'release', at: '2026-06-02T10:00:00Z' }, 'bench');
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return {
      wall: set.length / ((performance.now() - t) / 1000),
      cpu: set.length / ((used.user + used.system) / 1e6),
      load: loadavg()[0]!,
    };
  };
  const consume = await releaseAll(declarations);
  const release = await releaseAll(plain);
  const consumed = await conn.db
    .selectFrom('permit_consumptions')
    .select(conn.db.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(consumed.n) !== N) throw new Error(`${label}: ${consumed.n} consumptions for ${N} releases`);
  return { label, checks: median(checkRates), checkLoad, consume, release };
}

async function main(): Promise<void> {
  const results = [];
  const dir = mkdtempSync(join(tmpdir(), 'greenlane-bench-env-'));
  const sqlite = openDatabase(`sqlite:${join(dir, 'bench.db')}`);
  try {
    results.push(await run(sqlite, 'SQLite'));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = testPostgresUrl();
  const schema = `bench_env_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const postgres = openDatabase(`${base}?schema=${schema}`);
  try {
    results.push(await run(postgres, 'PostgreSQL'));
  } finally {
    await postgres.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  const n = (v: number) => Math.round(v).toLocaleString('en');
  const lines = results.map(
    (r) =>
      `| ${r.label} | ${n(r.checks)} (load ${r.checkLoad.toFixed(2)}) | ${n(r.consume.wall)} | ${n(r.consume.cpu)} | ${r.consume.load.toFixed(2)} | ${n(r.release.wall)} | ${n(r.release.cpu)} | ${r.release.load.toFixed(2)} |`,
  );
  const sqliteRate = results[0]!.consume.wall;
  const table = [
    '| database | document checks / s (batches of 500, median of 3) | atomic consumptions / s (8 concurrent releases) | consumptions per CPU-second | load | releases without documents / s | per CPU-second | load |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
  console.log(table);
  writeReportSection(
    join(import.meta.dirname, '..', 'docs', 'PERFORMANCE.md'),
    'environment',
    `## Permit checks and consumptions (issue 15)

\`npm run bench:environment\` (bench/environment.ts; \`BENCH_ENV_N\`, default 3,000 declarations): a
register of 100 HFC licences and a quota; the \`checks\` signal source over batches of 500 (one
register read, then the synchronous checks); then one release per declaration, 8 at a time, each
atomic with its lifecycle event, the conditional UPDATEs of the licence balance and the quota, the
consumption row and its pending log record (on SQLite in its own savepoint of a commit shared with
the releases that arrived meanwhile, \`src/driven/database/group-commit.ts\`; on PostgreSQL one
transaction each); then as many releases of declarations that reference no document. Wall figures
and figures per CPU-second of the process (\`process.cpuUsage\`: what one free core would do, the
database server's own CPU on PostgreSQL not counted). Run ${new Date().toISOString().slice(0, 16)}Z,
N = ${N}, Node ${process.version}, measured while the machine was shared (1-minute load average
beside each figure; the machine has 2 cores).

${table}

Target: at least 2,000 consumptions/s on SQLite: ${sqliteRate >= 2000 ? 'met' : `**missed** (${Math.round(sqliteRate)}/s)`}.`,
  );
}

await main();

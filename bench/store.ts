/**
 * Store write throughput: `DeclarationStore.saveAssessments` on SQLite (file, WAL) and PostgreSQL,
 * for new declarations, identical resubmissions (no-ops) and amendments, in batches of 1,000 —
 * against the baseline of one declaration per call (one transaction per declaration, as a naive
 * per-request API would do). Run: `npm run bench:store`.
 */

import { loadavg } from 'node:os';
import type { AssessmentItem } from '../src/app/ports/assessment-store.ts';
import type { Channel } from '../src/core/decision/signal.ts';
import { contentHash } from '../src/core/declaration/content-hash.ts';
import type { Declaration } from '../src/core/declaration/declaration.ts';
import { type DialectName, openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { median, writeReportSection } from './report.ts';

const DECLARATIONS = 10_000;
const BATCH = 1_000;
const BASELINE_DECLARATIONS = 1_000;
const RUNS = 3;
const CHANNELS: Channel[] = ['green', 'green', 'green', 'yellow', 'red'];

/** A realistic declaration: three parties, three goods items with documents. */
function declaration(n: number, amendment: number): Declaration {
  return {
    id: `BENCH-${n}`,
    type: 'import',
    customsOffice: `NL${String(n % 7).padStart(6, '0')}`,
    lodgedAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    arrivalAt: new Date(Date.UTC(2026, 10, 1) + n * 1000 - 3_600_000).toISOString(),
    procedure: '4000',
    declarant: { id: `DECL-${n % 50}`, name: `Customs Broker ${n % 50}`, country: 'NL' },
    importer: { id: `IMP-${n % 2000}`, name: `Importer ${n % 2000} BV`, country: 'NL' },
    exporter: { name: `Exporter ${n % 900} Ltd`, address: { city: 'Shenzhen', country: 'CN' } },
    transport: { mode: 'sea', vesselImo: '9074729', vesselName: 'EVER GIVEN' },
    transportDocuments: [{ type: 'BL', reference: `MSKU${n}` }],
    containers: [`MSKU${String(n).padStart(7, '0')}`],
    route: ['CNSZX', 'NLRTM'],
    currency: 'EUR',
    invoiceTotal: 1000 + (n % 500) + amendment,
    items: [1, 2, 3].map((sequence) => ({
      sequence,
      hsCode: ['300490', '850440', '640399'][sequence - 1]!,
      hsEdition: '2022' as const,
      description: `Goods item ${sequence} of declaration ${n}`,
      originCountry: 'CN',
      netMass: 120.5 * sequence,
      grossMass: 130 * sequence,
      invoiceValue: 300 + sequence + amendment,
      customsValue: 320 + sequence,
      dutyRate: 4.5,
      documents: [{ type: 'CERT-ORIGIN', reference: `CO-${n}-${sequence}` }],
    })),
  };
}

function items(from: number, to: number, amendment: number): AssessmentItem[] {
  const out: AssessmentItem[] = [];
  for (let n = from; n < to; n++) {
    const d = declaration(n, amendment);
    const channel = CHANNELS[n % CHANNELS.length]!;
    out.push({
      declaration: d,
      contentHash: contentHash(d),
      source: 'bench',
      decision: {
        channel,
        score: channel === 'green' ? 5 : 45,
        summary: `${channel} (bench)`,
        reasons: [
          {
            source: 'profile',
            code: 'P-BENCH',
            message: 'Benchmark profile',
            score: 5,
            evidence: { hsCode: '300490' },
          },
        ],
        selection: {
          keyId: 'sel_bench',
          draw: (n % 997) / 997,
          rates: { yellow: 0.02, red: 0.01 },
          thresholds: { yellow: 40, red: 80 },
        },
        decidedAt: new Date(Date.UTC(2026, 10, 1) + n * 1000 + 500).toISOString(),
        profileVersions: { 'P-BENCH': 1 },
        referenceVersion: 'bench-ref',
      },
    });
  }
  return out;
}

/** Declarations per second writing `all` in calls of `batch`. */
async function rate(store: DeclarationStore, all: AssessmentItem[], batch: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < all.length; i += batch) await store.saveAssessments('BENCH', all.slice(i, i + batch));
  return all.length / ((performance.now() - start) / 1000);
}

/**
 * Declarations per second of this process's CPU time (user + system). On SQLite the database
 * runs in-process, so this is the store's capacity on one free core, whatever else loads the machine.
 */
async function cpuRate(store: DeclarationStore, all: AssessmentItem[], batch: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < all.length; i += batch) await store.saveAssessments('BENCH', all.slice(i, i + batch));
  const used = process.cpuUsage(start);
  return all.length / ((used.user + used.system) / 1e6);
}

interface Figures {
  created: number;
  unchanged: number;
  amended: number;
  baselineCreated: number;
  /** Created per CPU-second, on a second fresh set of ids. */
  createdCpu: number;
}

async function runOnce(dialect: DialectName): Promise<Figures> {
  const testDb = await createTestDatabase(dialect);
  const conn = openDatabase(testDb.url);
  try {
    await migrateToLatest(conn);
    const store = new DeclarationStore(conn);
    await store.ensureAdministration('BENCH', 'Benchmark administration');
    const fresh = items(0, DECLARATIONS, 0);
    const created = await rate(store, fresh, BATCH);
    const unchanged = await rate(store, fresh, BATCH);
    const amended = await rate(store, items(0, DECLARATIONS, 1), BATCH);
    const baselineCreated = await rate(
      store,
      items(DECLARATIONS, DECLARATIONS + BASELINE_DECLARATIONS, 0),
      1,
    );
    const createdCpu = await cpuRate(store, items(2 * DECLARATIONS, 3 * DECLARATIONS, 0), BATCH);
    return { created, unchanged, amended, baselineCreated, createdCpu };
  } finally {
    await conn.close();
    await testDb.dispose();
  }
}

/** `npx tsx bench/store.ts sqlite` measures one dialect (and leaves the report alone). */
const only = process.argv[2] as DialectName | undefined;
const rows: string[] = [];
const load = loadavg()[0]!.toFixed(1);
let sqliteCpuRate = 0;
for (const dialect of only ? [only] : (['sqlite', 'postgres'] as const)) {
  const runs: Figures[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await runOnce(dialect));
  const m = (k: keyof Figures) => Math.round(median(runs.map((f) => f[k])));
  if (dialect === 'sqlite') sqliteCpuRate = m('createdCpu');
  const cpu = dialect === 'sqlite' ? String(m('createdCpu')) : 'n/a (server process)';
  const line = `| ${dialect} | ${m('created')} | ${m('unchanged')} | ${m('amended')} | ${m('baselineCreated')} | ${(m('created') / m('baselineCreated')).toFixed(1)}x | ${cpu} |`;
  console.log(line);
  rows.push(line);
}

const markdown = `## Store writes (\`bench/store.ts\`)

\`npm run bench:store\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 2 cores. Median of ${RUNS} runs,
declarations per second through \`DeclarationStore.saveAssessments\` (3 parties, 3 goods items each;
writes the declaration head, version JSON, decision with explanation, 3 lifecycle events and 3 parties).
${DECLARATIONS.toLocaleString('en')} declarations in batches of ${BATCH.toLocaleString('en')}; the baseline writes
${BASELINE_DECLARATIONS.toLocaleString('en')} new declarations one per call (one transaction each).
SQLite is a WAL file with \`synchronous = NORMAL\`; PostgreSQL 15 on localhost. The machine is shared:
1-minute load average ${load} on 2 cores when the run started, so wall-clock rates are pessimistic;
the CPU-second column (SQLite only, where the database runs in-process) is the load-independent figure.

| database | created /s | unchanged (no-op) /s | amended /s | baseline: created one per call /s | batching gain | created per CPU-second |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Target: the whole API path (parse, validate, score, store) at >= 5,000 declarations/s with SQLite.
${sqliteCpuRate ? `At that rate the SQLite store needs ${Math.round((5000 / sqliteCpuRate) * 100)}% of one core (new declarations, the most expensive case).` : ''}
The lead's API benchmark measures the whole path.`;
if (!only) {
  writeReportSection('docs/PERFORMANCE.md', 'store', markdown);
  console.log(markdown);
}

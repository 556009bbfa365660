/**
 * The workbench on a large installation: with 500,000 stored decisions (SQLite), the time until the
 * first queue page is on screen and until a declaration page is, in Debian's chromium, and the
 * compressed JavaScript the first screen loads. Run: `npm run bench:web`
 * (GREENLANE_BENCH_WEB_DECISIONS=50000 for a quicker run; GREENLANE_BENCH_WEB_DB=/tmp/web.db to seed
 * once and reuse the store in later runs). Writes docs/PERFORMANCE.md.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AssessmentItem } from '../src/app/ports/assessment-store.ts';
import type { Channel } from '../src/core/decision/signal.ts';
import { contentHash } from '../src/core/declaration/content-hash.ts';
import type { Declaration } from '../src/core/declaration/declaration.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { ensureWebBuild, readBuildInfo, WEB_DIR } from '../src/driving/http/web/web-build.ts';
import { PACKAGE_ROOT } from '../src/installation/config.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { median, writeReportSection } from './report.ts';

const DECISIONS = Number(process.env.GREENLANE_BENCH_WEB_DECISIONS ?? 500_000);
// Large transactions: the store's bulk path writes a batch with one prepared statement per table.
const BATCH = 25_000;
const RUNS = 7;
const CHANNELS: Channel[] = [
  'green',
  'green',
  'green',
  'green',
  'green',
  'green',
  'yellow',
  'yellow',
  'red',
  'green',
];
const START = Date.UTC(2025, 0, 1);

function declaration(n: number): Declaration {
  return {
    id: `W-${String(n).padStart(7, '0')}`,
    type: 'import',
    customsOffice: `OF${n % 12}`,
    lodgedAt: new Date(START + n * 60_000).toISOString(),
    importer: { id: `IMP-${n % 5000}`, name: `Importer ${n % 5000}`, country: 'NL' },
    exporter: { name: `Exporter ${n % 900}`, country: 'CN' },
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'EUR',
    invoiceTotal: 1000 + (n % 997),
    items: [
      {
        sequence: 1,
        hsCode: '8471300000',
        hsEdition: '2022',
        originCountry: 'CN',
        netMass: 10 + (n % 50),
        invoiceValue: 1000 + (n % 997),
        documents: [],
      },
    ],
  };
}

function items(from: number, to: number): AssessmentItem[] {
  const out: AssessmentItem[] = [];
  for (let n = from; n < to; n++) {
    const d = declaration(n);
    const channel = CHANNELS[n % CHANNELS.length]!;
    out.push({
      declaration: d,
      contentHash: contentHash(d),
      source: 'bench',
      decision: {
        channel,
        score: channel === 'green' ? 5 : channel === 'yellow' ? 45 : 85,
        summary: `${channel} (bench)`,
        reasons: [
          {
            source: 'profile',
            code: 'P-BENCH',
            message: 'Laptops from an unusual route',
            score: 45,
            items: [1],
          },
        ],
        selection: {
          keyId: 'sel_bench',
          draw: (n % 997) / 997,
          rates: { yellow: 0.02, red: 0.01 },
          thresholds: { yellow: 40, red: 80 },
        },
        decidedAt: new Date(START + n * 60_000 + 500).toISOString(),
        profileVersions: { 'P-BENCH': 1 },
        referenceVersion: 'bench-ref',
      },
    });
  }
  return out;
}

async function seed(db: string): Promise<{ key: string; seconds: number }> {
  const conn = openDatabase(db);
  try {
    await migrateToLatest(conn);
    const store = new DeclarationStore(conn);
    await store.ensureAdministration('BENCH', 'Benchmark administration');
    const { secret } = await store.createApiKey('BENCH', 'bench officer', 'officer');
    const started = performance.now();
    for (let i = 0; i < DECISIONS; i += BATCH) {
      await store.saveAssessments('BENCH', items(i, Math.min(DECISIONS, i + BATCH)));
      if ((i / BATCH) % 4 === 0) process.stderr.write(`bench:web: seeded ${i + BATCH}\n`);
    }
    return { key: secret, seconds: (performance.now() - started) / 1000 };
  } finally {
    await conn.close();
  }
}

async function serve(db: string, home: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'), 'serve', '--port', '0', '--db', db, '--no-screening'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GREENLANE_HOME: home, GREENLANE_LOG_LEVEL: 'warn' },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c) => {
    stderr += String(c);
  });
  // The first start after seeding appends every decision to the transparency log: minutes at 500,000.
  const deadline = Date.now() + 1_200_000;
  while (!/serving (http:\/\/\S+)\//.test(stderr)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start (exit ${child.exitCode} ${child.signalCode}):\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: /serving (http:\/\/\S+)\//.exec(stderr)![1]!, child };
}

/** CPU time (user + system, ms) a child process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return Number.NaN;
  const text = readFileSync(stat, 'utf8');
  // Fields 14 and 15 (utime, stime), in clock ticks of 10 ms, counted after the command name.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Server time of one API call as the browser makes it (no browser): median over RUNS calls. */
async function apiMedian(url: string, key: string, path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = await fetch(url + path, { headers: { Authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const build = await ensureWebBuild();
  // GREENLANE_BENCH_WEB_DB=file keeps the seeded store for the next runs (seeded once, then reused),
  // with the server's state directory (its log key signs the store's log) beside it.
  const kept = process.env.GREENLANE_BENCH_WEB_DB;
  const home = kept ? `${kept}.home` : mkdtempSync(join(tmpdir(), 'greenlane-bench-web-'));
  mkdirSync(home, { recursive: true });
  const db = `sqlite:${kept ?? join(home, 'g.db')}`;
  const seededFile = kept && `${kept}.seeded.json`;
  const reused =
    seededFile && existsSync(seededFile) ? JSON.parse(readFileSync(seededFile, 'utf8')) : undefined;
  if (reused && reused.decisions !== DECISIONS)
    throw new Error(`${kept} holds ${reused.decisions} decisions, not ${DECISIONS}: remove it to seed again`);
  const { key, seconds: seedSeconds } = reused ?? (await seed(db));
  if (seededFile && !reused)
    writeFileSync(seededFile, JSON.stringify({ decisions: DECISIONS, key, seconds: seedSeconds }));
  console.log(`seeded ${DECISIONS} decisions in ${seedSeconds.toFixed(1)} s`);
  const { url, child } = await serve(db, home);
  const { browser, close } = await launchBrowser();
  const loadBefore = loadavg()[0]!;
  const target = `W-${String(DECISIONS - 1).padStart(7, '0')}`;
  const api = {
    queue: await apiMedian(url, key, '/v1/queue?channel=red%2Cyellow&limit=200'),
    queueInspected: await apiMedian(url, key, '/v1/queue?channel=red&status=inspected&limit=200'),
    declaration: await apiMedian(url, key, `/v1/declarations/${target}`),
  };
  const serverCpuBefore = cpuMs(child.pid!);
  const queueTimes: number[] = [];
  const declarationTimes: number[] = [];
  const firstScreenJs = new Set<string>();
  let serverCpu = Number.NaN;
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      // Every run is a cold start: no cached script, style or API answer.
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      if (run === 0)
        page.on('request', (r) => r.url().endsWith('.js') && firstScreenJs.add(new URL(r.url()).pathname));
      let started = performance.now();
      await page.goto(`${url}/queue?lang=en#key=${key}`);
      await page.locator('.queue li a').first().waitFor();
      queueTimes.push(performance.now() - started);
      await page.evaluate(() => undefined);
      started = performance.now();
      await page.goto(`${url}/declarations/${target}?lang=en`);
      await page.locator('ol.reasons li').first().waitFor();
      declarationTimes.push(performance.now() - started);
      await page.close();
    }
  } finally {
    serverCpu = (cpuMs(child.pid!) - serverCpuBefore) / RUNS;
    await close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!kept) rmSync(home, { recursive: true, force: true });
  }
  const dist = join(WEB_DIR, 'dist');
  const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  const firstKb = [...firstScreenJs].reduce((n, p) => n + gz(p.slice(1)), 0) / 1024;
  // serve may have rebuilt the workbench (sources changed since this script started): read what it served.
  const allJs = (readBuildInfo(dist) ?? build.info).files.filter((f) => f.endsWith('.js'));
  const allKb = allJs.reduce((n, f) => n + gz(f), 0) / 1024;
  const load = loadavg()[0]!.toFixed(1);
  const q = median(queueTimes);
  const d = median(declarationTimes);
  const lines = [
    `decisions stored: ${DECISIONS.toLocaleString('en')} (SQLite, seeded in ${seedSeconds.toFixed(0)} s)`,
    `first queue page on screen: median ${q.toFixed(0)} ms of ${RUNS} cold loads (min ${Math.min(...queueTimes).toFixed(0)}, max ${Math.max(...queueTimes).toFixed(0)}) — target < 1000 ms`,
    `declaration page on screen: median ${d.toFixed(0)} ms (min ${Math.min(...declarationTimes).toFixed(0)}, max ${Math.max(...declarationTimes).toFixed(0)}) — target < 1000 ms`,
    `JavaScript for the first screen: ${firstKb.toFixed(1)} kB gzip in ${firstScreenJs.size} files (all screens: ${allKb.toFixed(1)} kB in ${allJs.length} files) — target < 300 kB`,
    `API alone (server, median of ${RUNS}): queue ${api.queue.toFixed(0)} ms, queue of inspected red ${api.queueInspected.toFixed(0)} ms, declaration ${api.declaration.toFixed(0)} ms; server CPU per queue + declaration load ${serverCpu.toFixed(0)} ms`,
    `1-minute load average: ${loadBefore.toFixed(1)} before the loads, ${load} at the end`,
  ];
  for (const l of lines) console.log(l);
  writeReportSection(
    join(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'),
    'web',
    `## Workbench (issue 12, \`npm run bench:web\`)

With ${DECISIONS.toLocaleString('en')} decisions stored on SQLite (written through \`DeclarationStore.saveAssessments\`
in batches of ${BATCH.toLocaleString('en')}), \`greenlane serve\` on the same file and Debian's chromium
(headless) on the same machine; each load with the browser cache disabled (a cold start), from
navigation to the first queue row on screen, and to the declaration page's reasons on screen.
Measured while the machine was shared with other work (1-minute load average ${loadBefore.toFixed(1)} before
the loads, ${load} at the end; 2 cores). Seeding took ${seedSeconds.toFixed(0)} s (${Math.round(DECISIONS / seedSeconds).toLocaleString('en')} decisions a second).

| measure | figure | target |
|---|---|---|
| first queue page on screen (median of ${RUNS}) | ${q.toFixed(0)} ms | < 1,000 ms |
| declaration page on screen (median of ${RUNS}) | ${d.toFixed(0)} ms | < 1,000 ms |
| JavaScript loaded by the first screen (gzip) | ${firstKb.toFixed(1)} kB in ${firstScreenJs.size} files | < 300 kB |
| JavaScript of all screens (gzip; the rest loads per screen) | ${allKb.toFixed(1)} kB in ${allJs.length} files | |
| \`GET /v1/queue?channel=red,yellow&limit=200\` alone (median of ${RUNS}) | ${api.queue.toFixed(0)} ms | |
| \`GET /v1/queue?channel=red&status=inspected&limit=200\` alone | ${api.queueInspected.toFixed(0)} ms | |
| \`GET /v1/declarations/{id}\` alone | ${api.declaration.toFixed(0)} ms | |
| server CPU per cold queue + declaration load | ${serverCpu.toFixed(0)} ms | |

The queue reads one keyset page of 200 rows and renders only the rows on screen (a virtualised
list). On the server each channel of the filter is read on its own as a walk of an index already
in \`(decided_at, id)\` order from the cursor on (migration 0020), the pages merged and the
decisions read for the page's 200 rows by primary key (not with \`administration = ?\` beside the
ids: SQLite then walks the administration's whole \`decisions_by_declaration\` range). Before,
one query over all the filter's channels walked the administration's declarations newest first
(\`declarations_by_decided_at\`) and skipped the rows of other channels and statuses: quick for
the default red and yellow queue, but a rare filter (\`status=inspected\`) read every row. The page asks for the session (\`/v1/me\`) and the first queue page at
once, before React renders. Charts (ECharts) and every screen but the queue are separate chunks
loaded when opened.`,
  );
}

await main();

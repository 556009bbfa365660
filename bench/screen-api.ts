/**
 * `npm run bench:screen-api`: the heaviest `POST /v1/screen` request the limits allow, against
 * `greenlane serve` (all four lists, SQLite) on 127.0.0.1, with `/healthz` probed one request
 * after another while it runs; before (screening on the event loop, `GREENLANE_SCREENING_WORKERS=0`,
 * what serve did before the worker pool) and after (one worker thread, the default), with the
 * server's memory. Writes docs/PERFORMANCE.md (section `screen-api`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { PACKAGE_ROOT, SCREEN_LIMITS } from '../src/installation/config.ts';
import { hanNames, heaviestScreenRequest } from '../test/support/heavy-screen.ts';
import { median, writeReportSection } from './report.ts';

const RUNS = 3;
const IDLE_PROBES = 20;

interface Server {
  url: string;
  key: string;
  child: ChildProcess;
  work: string;
}

async function startServer(workers: number): Promise<Server> {
  const work = mkdtempSync(join(tmpdir(), 'greenlane-bench-screen-'));
  const db = `sqlite:${join(work, 'g.db')}`;
  const conn = openDatabase(db);
  await migrateToLatest(conn);
  const store = new DeclarationStore(conn);
  await store.ensureAdministration('XA', 'Bench administration');
  const key = (await store.createApiKey('XA', 'bench', 'officer')).secret;
  await conn.close();
  const child = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'), 'serve', '--port', '0', '--db', db],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        GREENLANE_HOME: work,
        GREENLANE_LOG_LEVEL: 'warn',
        GREENLANE_SCREENING_WORKERS: String(workers),
        // The benchmark sends more requests than a person would; the limits are not what it measures.
        GREENLANE_RATE_LIMIT_BURST: '1000',
      },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const deadline = Date.now() + 300_000;
  while (!/serving (http:\/\/\S+?)\/? /.test(stderr)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: /serving (http:\/\/\S+?)\/? /.exec(stderr)![1]!, key, child, work };
}

async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
  rmSync(server.work, { recursive: true, force: true });
}

/** Resident and peak resident memory of a process, in MB (Linux `/proc/<pid>/status`). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Milliseconds until `/healthz` answered, and whether it answered 200. A stalled server can also
 * drop the connection (its keep-alive timer fires late, as the probe is sent): that is a failure.
 */
async function probe(url: string): Promise<{ ms: number; ok: boolean }> {
  const t = performance.now();
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return { ms: performance.now() - t, ok: res.status === 200 };
  } catch {
    return { ms: performance.now() - t, ok: false };
  }
}

async function post(server: Server, body: unknown): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${server.url}/v1/screen`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

interface HeavyRun {
  ms: number;
  probes: number;
  failed: number;
  healthMedian: number;
  healthMax: number;
}

/** The heavy request, with `/healthz` probed back to back (20 ms apart) until it answers. */
async function heavyRun(server: Server): Promise<HeavyRun> {
  let done = false;
  const started = performance.now();
  const request = post(server, heaviestScreenRequest()).then((r) => {
    done = true;
    if (r.status !== 200) throw new Error(`the heavy request answered ${r.status}`);
    return performance.now() - started;
  });
  const during: Array<{ ms: number; ok: boolean }> = [];
  while (!done) {
    during.push(await probe(server.url));
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = during.map((p) => p.ms);
  return {
    ms: await request,
    probes: during.length,
    failed: during.filter((p) => !p.ok).length,
    healthMedian: median(ms),
    healthMax: Math.max(...ms),
  };
}

interface ModeResult {
  label: string;
  rssSettled: number;
  rssAfter: number;
  peak: number;
  idleHealth: number;
  runs: HeavyRun[];
  issueRequests?: Array<{ label: string; status: number; ms: number }>;
}

async function measureMode(label: string, workers: number): Promise<ModeResult> {
  const server = await startServer(workers);
  try {
    // A small request waits for the screening worker (it builds its index once the server
    // listens); memory is read 5 s after it answered.
    const first = await post(server, { name: 'Jane Doe' });
    if (first.status !== 200) throw new Error(`a small screening request answered ${first.status}`);
    await new Promise((r) => setTimeout(r, 5_000));
    const settled = memoryOf(server.child.pid!);
    const idle: number[] = [];
    for (let i = 0; i < IDLE_PROBES; i++) idle.push((await probe(server.url)).ms);
    const runs: HeavyRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await heavyRun(server));
    const issueRequests = [
      {
        label: '1,000 names of 500 Latin characters (issue 8)',
        body: { parties: Array.from({ length: 1000 }, (_, i) => ({ name: `${'abcdefg '.repeat(62)}${i}` })) },
      },
      {
        label: '200 names of 500 Han characters (issue 8)',
        body: { parties: hanNames(200, 500).map((name) => ({ name })) },
      },
    ];
    const answered = [];
    for (const r of issueRequests) answered.push({ label: r.label, ...(await post(server, r.body)) });
    const after = memoryOf(server.child.pid!);
    return {
      label,
      rssSettled: settled.rss,
      rssAfter: after.rss,
      peak: after.peak,
      idleHealth: median(idle),
      runs,
      issueRequests: answered,
    };
  } finally {
    await stopServer(server);
  }
}

const loadAtStart = loadavg()[0]!;
const before = await measureMode('before: screening on the event loop (`GREENLANE_SCREENING_WORKERS=0`)', 0);
const after = await measureMode('after: one screening worker thread (default)', 1);
const loadAtEnd = loadavg()[0]!;

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const row = (m: ModeResult) => {
  const ms = median(m.runs.map((r) => r.ms));
  const med = median(m.runs.map((r) => r.healthMedian));
  const max = Math.max(...m.runs.map((r) => r.healthMax));
  return `| ${m.label} | ${f0(ms)} ms (${m.runs.map((r) => f0(r.ms)).join(', ')}) | ${f1(m.idleHealth)} ms | ${m.runs.map((r) => `${r.probes}${r.failed ? ` (${r.failed} failed)` : ''}`).join(', ')} | ${f1(med)} ms | ${f0(max)} ms | ${f0(m.rssSettled)} MB | ${f0(m.rssAfter)} MB | ${f0(m.peak)} MB |`;
};
const markdown = `## Screening API under load (issue 8)

Command: \`npm run bench:screen-api\` — run ${new Date().toISOString()} (Node ${process.version}, 2-core machine shared with other jobs: 1-minute load average ${f1(loadAtStart)} at the start, ${f1(loadAtEnd)} at the end).
Server: \`greenlane serve\` in a child process on 127.0.0.1, SQLite, all four lists; client and probes in the benchmark process.
Heavy request: the heaviest \`POST /v1/screen\` the limits allow — ${SCREEN_LIMITS.maxParties} parties, each a name of ${SCREEN_LIMITS.maxNameLength} Han characters (the slowest script: every name is read as Japanese), ${RUNS} runs one after another (the first also loads the Japanese dictionary). While it runs, \`GET /healthz\` is sent one after another, 20 ms apart. Memory is the server process's (worker threads included) from \`/proc/<pid>/status\`: RSS 5 s after start-up, RSS after all requests, and the peak (VmHWM).

| server | heavy request (median; runs) | /healthz idle (median of ${IDLE_PROBES}) | /healthz probes during each run (failed: connection dropped) | /healthz during (median of the runs' medians) | /healthz during (max) | RSS settled | RSS after | peak RSS |
|---|---|---|---|---|---|---|---|---|
${row(before)}
${row(after)}

Target: /healthz answers within 100 ms while the heaviest allowed request runs — ${median(after.runs.map((r) => r.healthMedian)) < 100 ? 'met' : '**missed**'} with the worker (median of the probes); on the event loop the probes wait for the whole request.
The worker holds its own copy of the screening index (the assessment pipeline screens declarations' parties on the main thread with the main copy): the settled RSS difference above, ${f0(after.rssSettled - before.rssSettled)} MB, is its cost. \`GREENLANE_SCREENING_WORKERS=0\` saves it on a machine short of memory, at the price of the stalls in the first row. "RSS after" also holds the Japanese dictionary the Han-script queries loaded (in the worker when there is one; about 100 MB by \`bench:screening\`'s transient figure), released after ten idle minutes.

The requests of the issue are refused now, quickly, before any screening:
${(after.issueRequests ?? []).map((r) => `- ${r.label}: HTTP ${r.status} in ${f0(r.ms)} ms`).join('\n')}
`;
console.log(markdown);
writeReportSection('docs/PERFORMANCE.md', 'screen-api', markdown);

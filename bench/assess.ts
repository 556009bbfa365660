/**
 * `npm run bench:assess` — throughput of the assessment pipeline.
 *
 * 1. In-process, one core: validate + profiles + decide on 50,000 declarations (the synthetic
 *    customs data set mapped to Greenlane declarations, parsed before timing), beside the baseline
 *    of validation alone, 5 runs each, medians reported.
 * 2. Through the API: `greenlane serve` in a child process on 127.0.0.1 with SQLite persistence;
 *    this process POSTs batches of 1,000 to /v1/declarations.
 * 3. Memory: `greenlane assess` on a generated 1,000,000-record NDJSON file, RSS sampled.
 * Targets: >= 20,000/s in-process, >= 5,000/s through the API, flat memory.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asInputRecords, createAssessmentService } from '../src/app/assess.ts';
import { validateDeclaration } from '../src/core/declaration/validation.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { readRecords } from '../src/driven/input/read-records.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';
import { assessmentDeps } from '../src/installation/runtime.ts';
import { median, writeReportSection } from './report.ts';

const RUNS = 5;
const N = 50_000;
const CUSTOMS = ['df_syn_train_eng.csv', 'df_syn_valid_eng.csv', 'df_syn_test_eng.csv'].map((f) =>
  join(dataDir(), 'customs-declarations', f),
);
const quick = process.argv.includes('--quick');

async function loadDeclarations(n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const file of CUSTOMS) {
    for await (const rec of readRecords(createReadStream(file), 'customs-csv')) {
      out.push(rec.value);
      if (out.length >= n) return out;
    }
  }
  return out;
}

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

async function inProcess(values: unknown[]) {
  const deps = assessmentDeps();
  const service = createAssessmentService(deps);
  const records = asInputRecords(values);
  const pipeline: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    for (const v of values) validateDeclaration(v, deps.reference);
    baseline.push(rate(values.length, performance.now() - t));
    t = performance.now();
    for (let i = 0; i < records.length; i += 1000) {
      await service.assess('bench', records.slice(i, i + 1000), { source: 'bench', actor: 'bench' });
    }
    pipeline.push(rate(values.length, performance.now() - t));
  }
  return { pipeline: median(pipeline), baseline: median(baseline), runs: pipeline };
}

async function throughApi(values: unknown[], dir: string, extraArgs: string[] = []) {
  const dbUrl = `sqlite:${join(dir, `api-${extraArgs.length}.db`)}`;
  const conn = openDatabase(dbUrl);
  await migrateToLatest(conn);
  const store = new DeclarationStore(conn);
  await store.ensureAdministration('bench', 'Benchmark administration');
  const { secret } = await store.createApiKey('bench', 'bench', 'officer', 'bench');
  await conn.close();
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const server = spawn(
    process.execPath,
    [
      join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'),
      'serve',
      '--port',
      String(port),
      '--db',
      dbUrl,
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        GREENLANE_LOG_LEVEL: 'warn',
        GREENLANE_HOME: join(dir, `home-${extraArgs.length}`),
        // Capacity, not the per-key limits (60 requests a minute by default), is measured here.
        GREENLANE_RATE_LIMIT_PER_MINUTE: '100000',
        GREENLANE_RATE_LIMIT_BURST: '1000',
      },
    },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 600) throw new Error('server did not start within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs: number[] = [];
    const batch = 1000;
    const perRun = Math.floor(values.length / RUNS);
    for (let run = 0; run < RUNS; run++) {
      // Fresh ids each run so every request really writes (no no-op short cuts).
      const slice = values
        .slice(run * perRun, (run + 1) * perRun)
        .map((v) => ({ ...(v as object), id: `R${run}-${(v as { id: string }).id}` }));
      const bodies: string[] = [];
      for (let i = 0; i < slice.length; i += batch) bodies.push(JSON.stringify(slice.slice(i, i + batch)));
      const t = performance.now();
      for (const body of bodies) {
        const res = await fetch(`${url}/v1/declarations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body,
        });
        if (!res.ok) throw new Error(`POST /v1/declarations: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      runs.push(rate(slice.length, performance.now() - t));
    }
    return { median: median(runs), runs, perRun };
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

async function memory(values: unknown[], dir: string, total: number) {
  const file = join(dir, 'big.ndjson');
  const out = createWriteStream(file);
  const lines = values.map((v) => JSON.stringify(v));
  for (let i = 0; i < total; i++) {
    const line = lines[i % lines.length]!.replace(/"id":"(\d+)"/, `"id":"M${i}"`);
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const child = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'), 'assess', file, '--out', '/dev/null'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const samples: Array<{ t: number; rssMb: number }> = [];
  const t0 = performance.now();
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb) samples.push({ t: (performance.now() - t0) / 1000, rssMb: kb / 1024 });
    } catch {
      /* process ended */
    }
  }, 500);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  clearInterval(timer);
  if (code !== 0) throw new Error(`assess exited ${code}: ${stderr}`);
  const seconds = (performance.now() - t0) / 1000;
  const rss = samples.map((s) => s.rssMb);
  const tenth = Math.max(1, Math.floor(rss.length / 10));
  return {
    total,
    seconds,
    early: Math.max(...rss.slice(0, tenth * 2)),
    late: Math.max(...rss.slice(-tenth * 2)),
    peak: Math.max(...rss),
    samples: rss.length,
    summary: stderr.trim().split('\n').at(-1),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'greenlane-bench-'));
try {
  const values = await loadDeclarations(N);
  process.stderr.write(`loaded ${values.length} declarations\n`);
  const ip = await inProcess(values);
  process.stderr.write(`in-process: ${ip.pipeline}/s (validation alone ${ip.baseline}/s)\n`);
  const api = await throughApi(values, dir);
  process.stderr.write(`API + SQLite: ${api.median}/s\n`);
  const apiNoScreening = await throughApi(values, dir, ['--no-screening']);
  process.stderr.write(`API + SQLite without screening: ${apiNoScreening.median}/s\n`);
  const mem = await memory(values, dir, quick ? 100_000 : 1_000_000);
  process.stderr.write(`memory: ${JSON.stringify(mem)}\n`);
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const flat = mem.late <= mem.early * 1.25;
  const md = `## Assessment throughput (\`npm run bench:assess\`)

Run ${new Date().toISOString().slice(0, 16)}Z on this 2-core machine, Node ${process.version}; medians of ${RUNS} runs.
Input: ${values.length} declarations of the synthetic customs data set (\`customs-declarations/\`), mapped to
Greenlane declarations before timing; ${assessmentDeps().profiles.byId.length} starter profiles.

| path | declarations/s (median) | runs | target | |
|---|---:|---|---:|---|
| baseline: validation only, in-process | ${ip.baseline.toLocaleString('en')} | | | |
| validate + profiles + decide, in-process, one core | ${ip.pipeline.toLocaleString('en')} | ${ip.runs.join(', ')} | 20,000 | ${met(ip.pipeline >= 20_000)} |
| \`POST /v1/declarations\` (batches of 1,000) + SQLite persistence, screening, transparency log | ${api.median.toLocaleString('en')} | ${api.runs.join(', ')} | 5,000 | ${met(api.median >= 5_000)} |
| the same with \`serve --no-screening\` | ${apiNoScreening.median.toLocaleString('en')} | ${apiNoScreening.runs.join(', ')} | 5,000 | ${met(apiNoScreening.median >= 5_000)} |

Memory on a ${mem.total.toLocaleString('en')}-record NDJSON file (\`greenlane assess big.ndjson --out /dev/null\`, RSS
sampled every 0.5 s, ${mem.samples} samples, ${mem.seconds.toFixed(0)} s): peak ${mem.peak.toFixed(0)} MB; max in the
first fifth ${mem.early.toFixed(0)} MB, in the last fifth ${mem.late.toFixed(0)} MB — ${flat ? 'flat' : '**growing**'}.
The API client (JSON encoding, HTTP) runs in the benchmark process and the server in a child process.`;
  console.log(md);
  writeReportSection(resolve(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), 'assess', md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `npm run bench:api` — what the HTTP layer costs on top of the assessment pipeline.
 *
 * Same declarations (the synthetic customs data set, mapped before timing), same batches of 1,000,
 * SQLite persistence on both sides, runs interleaved so machine load hits both alike:
 * - baseline: `createAssessmentService(...).assess` called in this process;
 * - API: `greenlane serve` in a child process, this process POSTs the batches to /v1/declarations
 *   (JSON encoded before timing) and reads every response.
 * The target (>= 5,000 declarations/s through the API) is the lead's `bench:assess`; this one says
 * how much of the time is HTTP (body parsing, auth, response) rather than validation and storage.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRecords } from '../src/adapters/input/read-records.ts';
import { openDatabase } from '../src/adapters/store/database.ts';
import { DeclarationStore } from '../src/adapters/store/declaration-store.ts';
import { migrateToLatest } from '../src/adapters/store/migrate.ts';
import { asInputRecords, createAssessmentService } from '../src/app/assess.ts';
import { dataDir, PACKAGE_ROOT } from '../src/app/config.ts';
import { assessmentDeps } from '../src/app/runtime.ts';
import { median, writeReportSection } from './report.ts';

const RUNS = 9;
const PER_RUN = 4_000;
const BATCH = 1_000;

async function loadDeclarations(n: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const file = join(dataDir(), 'customs-declarations', 'df_syn_train_eng.csv');
  for await (const rec of readRecords(createReadStream(file), 'customs-csv')) {
    out.push(rec.value as Record<string, unknown>);
    if (out.length >= n) break;
  }
  return out;
}

/** Run `run`'s declarations with ids made unique to the run, so every batch really writes. */
function batches(values: Array<Record<string, unknown>>, run: number, tag: string): unknown[][] {
  const slice = values
    .slice(run * PER_RUN, (run + 1) * PER_RUN)
    .map((v) => ({ ...v, id: `${tag}${run}-${v.id}` }));
  const out: unknown[][] = [];
  for (let i = 0; i < slice.length; i += BATCH) out.push(slice.slice(i, i + BATCH));
  return out;
}

async function prepareDatabase(url: string): Promise<string> {
  const conn = openDatabase(url);
  await migrateToLatest(conn);
  const store = new DeclarationStore(conn);
  await store.ensureAdministration('bench', 'Benchmark administration');
  const { secret } = await store.createApiKey('bench', 'bench', 'ingest', 'bench');
  await conn.close();
  return secret;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const dir = mkdtempSync(join(tmpdir(), 'greenlane-bench-api-'));
try {
  const values = await loadDeclarations(RUNS * PER_RUN);
  const directUrl = `sqlite:${join(dir, 'direct.db')}`;
  const apiUrl = `sqlite:${join(dir, 'api.db')}`;
  await prepareDatabase(directUrl);
  const secret = await prepareDatabase(apiUrl);

  const conn = openDatabase(directUrl);
  const service = createAssessmentService(assessmentDeps({ store: new DeclarationStore(conn) }));
  const server = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'), 'serve', '--port', '0', '--db', apiUrl],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GREENLANE_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  server.stderr.on('data', (d) => {
    stderr += d;
  });
  while (!/serving (http:\/\/\S+?)\/? /.test(stderr)) {
    if (server.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /serving (http:\/\/\S+?)\/? /.exec(stderr)![1]!;

  const direct: number[] = [];
  const api: number[] = [];
  const loads: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      loads.push(loadavg()[0]!);
      const own = batches(values, run, 'D');
      let t = performance.now();
      for (const b of own)
        await service.assess('bench', asInputRecords(b), { source: 'api', actor: 'bench' });
      direct.push(rate(PER_RUN, performance.now() - t));

      const bodies = batches(values, run, 'H').map((b) => JSON.stringify(b));
      t = performance.now();
      for (const body of bodies) {
        const res = await fetch(`${url}/v1/declarations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body,
        });
        if (!res.ok) throw new Error(`POST /v1/declarations: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
      api.push(rate(PER_RUN, performance.now() - t));
      process.stderr.write(`run ${run + 1}: in-process ${direct.at(-1)}/s, API ${api.at(-1)}/s\n`);
    }
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await conn.close();
  }

  const d = median(direct);
  const a = median(api);
  const overheadMs = (BATCH / a - BATCH / d) * 1000;
  const verdict = a >= 5_000 ? 'met' : `**missed** in this run (${a.toLocaleString('en')}/s)`;
  const md = `## HTTP layer cost (\`npm run bench:api\`)

Run ${new Date().toISOString().slice(0, 16)}Z on this 2-core machine (1-minute load average during the runs
${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}: other work shares the cores), Node ${process.version};
${RUNS} interleaved runs of ${PER_RUN.toLocaleString('en')} synthetic customs declarations in batches of ${BATCH.toLocaleString('en')},
SQLite persistence on both sides, fresh ids every run.

| path | declarations/s (median) | runs |
|---|---:|---|
| baseline: \`assess\` in-process (validate, profiles, decide, store) | ${d.toLocaleString('en')} | ${direct.join(', ')} |
| \`POST /v1/declarations\` to \`greenlane serve\` in a child process | ${a.toLocaleString('en')} | ${api.join(', ')} |

HTTP cost per batch of ${BATCH.toLocaleString('en')} (JSON body, auth, response, transport, client): ${overheadMs.toFixed(0)} ms
(${((1 - a / d) * 100).toFixed(0)}% of the API time; negative means the child process ran faster than the in-process
baseline). Target >= 5,000 declarations/s through the API: ${verdict};
\`npm run bench:assess\` measures it on a larger input.`;
  console.log(md);
  writeReportSection(resolve(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), 'api', md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

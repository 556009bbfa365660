/**
 * `npm run bench:scale` — the cluster mode (issue 14) through NATS JetStream and PostgreSQL.
 *
 * For 1, 2 and 4 `greenlane worker` processes (full customs pipeline: profiles, sanctions
 * screening, model when one is active; the sequencer inside one of them): declarations from the
 * synthetic customs data set are published as fast as one publisher goes, and timed from the
 * first publication to the last decision on the results stream. Per-worker CPU seconds come from
 * /proc. Then, with the best worker count, declarations are published at half of its peak for
 * `LATENCY_SECONDS` and the end-to-end latency (publication → decision on the results stream) is
 * reported as percentiles. Targets: 5,000 declarations/s through the stream on this 2-core
 * machine; p99 < 250 ms at half of peak. Misses are reported as misses.
 *
 * The CPU seconds of PostgreSQL (every `postgres` process) and of `nats-server` during the run come
 * from /proc too, so the table gives the whole cost of a declaration: worker, database, bus and the
 * benchmark's own publisher and results subscriber (this process) together.
 *
 * Options: `--quick` (fewer declarations), `--workers 1,2` (counts to run).
 * Env: GREENLANE_BENCH_PG_URL (default GREENLANE_TEST_PG_URL, else postgres://postgres@127.0.0.1/test_scale),
 * GREENLANE_BENCH_NATS (default nats://127.0.0.1:4222), GREENLANE_BENCH_WORKER_NODE_FLAGS (node
 * flags of the workers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/cpuprof`), GREENLANE_BENCH_LATENCY_FILE
 * (appends every decision of every run as `intakeSequence publishedAtMs latencyMs`, each run after
 * a `# run` line: where in a run the slow ones were).
 *
 * Lanes: `LANES` below lists what is measured: the customs pipeline through the stream, then the
 * e-commerce lane alone (the run of `bench:ecommerce -- --no-store`, in this process).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { contentHash } from '../src/core/declaration/content-hash.ts';
import { busNames, deleteBusStreams, NatsBus } from '../src/driven/bus/nats-bus.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { readRecords } from '../src/driven/input/read-records.ts';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';
import { benchEcommerceLane, LANE_HEADER, laneRows } from './ecommerce.ts';
import { writeReportSection } from './report.ts';

const quick = process.argv.includes('--quick');
const workerArg = process.argv[process.argv.indexOf('--workers') + 1];
const WORKER_COUNTS =
  process.argv.includes('--workers') && workerArg ? workerArg.split(',').map(Number) : [1, 2, 4];
const N = quick ? 5_000 : 30_000;
const LATENCY_SECONDS = quick ? 10 : 30;
const PG =
  process.env.GREENLANE_BENCH_PG_URL ??
  process.env.GREENLANE_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1/test_scale';
const NATS = process.env.GREENLANE_BENCH_NATS ?? 'nats://127.0.0.1:4222';
const BIN = resolve(PACKAGE_ROOT, 'bin/greenlane.mjs');
const CUSTOMS = ['df_syn_train_eng.csv', 'df_syn_valid_eng.csv', 'df_syn_test_eng.csv'].map((f) =>
  join(dataDir(), 'customs-declarations', f),
);
/** Node flags of the workers (`--cpu-prof` is not allowed in NODE_OPTIONS, so they go on the command line). */
const WORKER_NODE_FLAGS = (process.env.GREENLANE_BENCH_WORKER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const LATENCY_FILE = process.env.GREENLANE_BENCH_LATENCY_FILE;
const TARGET_RATE = 5_000;
const TARGET_P99_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const load = () => loadavg()[0]!.toFixed(1);

/** Figures of one lane (what `docs/SCALING.md` and `docs/PERFORMANCE.md` quote). */
export interface LaneFigures {
  lane: string;
  /** Markdown lines of the lane's results. */
  lines: string[];
}

/** The lanes measured; `addLane` adds another, whose figures join the report. */
const LANES: Array<() => Promise<LaneFigures>> = [customsLane, ecommerceLane];

export function addLane(run: () => Promise<LaneFigures>): void {
  LANES.push(run);
}

async function loadDeclarations(n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const file of CUSTOMS) {
    for await (const rec of readRecords(createReadStream(file), 'customs-csv')) {
      if (rec.value) out.push(rec.value);
      if (out.length >= n) return out;
    }
  }
  return out;
}

/** A fresh schema of the bench database, migrated. */
async function freshSchema(tag: string): Promise<string> {
  const schema = `bench_${tag}_${process.pid}`;
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = `${PG}?schema=${schema}`;
  const conn = openDatabase(url);
  await migrateToLatest(conn);
  await conn.close();
  return url;
}

async function dropSchema(url: string): Promise<void> {
  const schema = new URL(url).searchParams.get('schema');
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** User and system CPU seconds of a process (`/proc/<pid>/stat` fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes running `name` (`/proc/<pid>/comm`), e.g. every PostgreSQL backend. */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** The bench database's name: PostgreSQL backends serving other databases (other work on the machine) are not counted. */
const PG_DATABASE = new URL(PG).pathname.slice(1);

/**
 * The PostgreSQL processes of the run: the backends serving the bench database. The server's own
 * processes (WAL writer, checkpointer, background writer) write for every database on the server,
 * and on this shared machine mostly for other work, so they are left out: the figure is what the
 * workers' statements cost, not the cost of flushing and checkpointing them.
 * A client backend's title is `postgres: <cluster>: <user> <database> <host>(<port>) <state>`.
 */
function postgresPids(): number[] {
  return pidsNamed('postgres').filter((pid) => {
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      return /^postgres: (?:[^:]+: )?\S+ (\S+) \S+\(\d+\)/.exec(title)?.[1] === PG_DATABASE;
    } catch {
      return false;
    }
  });
}

/**
 * CPU seconds of PostgreSQL and NATS so far; a process started during the run counts whole, one
 * that exits during it is missed (the workers' pools stay open while busy). NATS serves everything
 * on the machine: its figure includes any other client's work.
 */
function serverCpu(): Map<number, number> {
  const at = new Map<number, number>();
  for (const pid of [...postgresPids(), ...pidsNamed('nats-server')]) at.set(pid, cpuSeconds(pid));
  return at;
}

function serverCpuSince(before: Map<number, number>): { postgres: number; nats: number } {
  const sum = (pids: number[]) =>
    pids.reduce((total, pid) => total + cpuSeconds(pid) - (before.get(pid) ?? 0), 0);
  return { postgres: sum(postgresPids()), nats: sum(pidsNamed('nats-server')) };
}

/** CPU seconds of this process (publisher and results subscriber). */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Cluster {
  workers: ChildProcess[];
  stop(): Promise<void>;
}

async function startCluster(count: number, db: string, prefix: string, home: string): Promise<Cluster> {
  const workers: ChildProcess[] = [];
  for (let i = 0; i < count; i += 1) {
    const child = spawn(
      process.execPath,
      [...WORKER_NODE_FLAGS, BIN, 'worker', '--db', db, '--nats', NATS, '--prefix', prefix, '--batch', '500'],
      { env: { ...process.env, GREENLANE_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let started: () => void = () => undefined;
    const up = new Promise<void>((r) => {
      started = r;
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (d.toString().includes('partitions')) started();
      if (process.env.GREENLANE_BENCH_DEBUG) process.stderr.write(d);
    });
    workers.push(child);
    await up;
  }
  // Let the members share the partitions out (leases renew every second).
  await sleep(4000);
  return {
    workers,
    stop: async () => {
      await Promise.all(
        workers.map((w) => {
          const exited = new Promise((r) => w.once('exit', r));
          w.kill('SIGTERM');
          return exited;
        }),
      );
    },
  };
}

/**
 * Publishes `values` (at `rate`/s, or as fast as possible) and times each until its decision is on
 * the results stream, matched by intake sequence (a record whose content the bus already holds is a
 * duplicate: it is dropped, no decision comes for it, and it is not counted).
 */
async function runStream(
  values: readonly unknown[],
  prefix: string,
  rate?: number,
): Promise<{ seconds: number; latenciesMs: number[]; duplicates: number }> {
  const bus = await NatsBus.open({ url: NATS, prefix });
  const nc = await connect({ servers: NATS });
  // Sequence → publication time, and results that came before their publication's acknowledgement.
  const sentAt = new Map<number, number>();
  const early = new Map<number, number>();
  const latenciesMs: number[] = [];
  const trace: string[] = [];
  let expected = Number.POSITIVE_INFINITY;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const record = (sequence: number, at: number) => {
    const sent = sentAt.get(sequence)!;
    latenciesMs.push(at - sent);
    if (LATENCY_FILE) trace.push(`${sequence} ${sent.toFixed(0)} ${(at - sent).toFixed(0)}`);
    sentAt.delete(sequence);
    if (latenciesMs.length >= expected) done();
  };
  const sub = nc.subscribe(`${busNames(prefix).prefix}.results.>`, {
    callback: (_err, msg) => {
      const at = performance.now();
      const sequence = msg.json<{ intakeSequence?: number }>().intakeSequence;
      if (sequence === undefined) return;
      if (sentAt.has(sequence)) record(sequence, at);
      else if (!early.has(sequence)) early.set(sequence, at);
    },
  });
  // The subscription reaches the server before the first publication (another connection).
  await nc.flush();
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let duplicates = 0;
  for (let k = 0; k < values.length; k += 1) {
    if (rate) {
      const due = (k / rate) * 1000 - (performance.now() - started);
      if (due > 2) await sleep(due);
    }
    const value = values[k] as { id: string };
    const at = performance.now();
    const p = bus
      .publishDeclaration({
        administration: 'BENCH',
        declarationId: value.id,
        body: JSON.stringify(value),
        messageId: `BENCH/${contentHash(value)}`,
      })
      .then((ack) => {
        if (ack.duplicate) {
          duplicates += 1;
          return;
        }
        sentAt.set(ack.sequence, at);
        const came = early.get(ack.sequence);
        if (came !== undefined) {
          early.delete(ack.sequence);
          record(ack.sequence, came);
        }
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 512) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  expected = values.length - duplicates;
  if (latenciesMs.length >= expected) done();
  const timeout = setTimeout(done, 300_000);
  await all;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  if (latenciesMs.length < expected)
    process.stderr.write(`bench: ${expected - latenciesMs.length} decisions missing after 300 s\n`);
  if (LATENCY_FILE)
    appendFileSync(
      LATENCY_FILE,
      `# run: ${values.length} declarations, ${rate ? `${rate}/s offered` : 'as fast as possible'}\n${trace.join('\n')}\n`,
    );
  sub.unsubscribe();
  await nc.close();
  await bus.close();
  return { seconds, latenciesMs, duplicates };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(
  workers: number,
  values: readonly unknown[],
  rate?: number,
): Promise<{
  rate: number;
  cpu: number[];
  /** CPU seconds of PostgreSQL, NATS and the benchmark process (publisher, subscriber). */
  postgresCpu: number;
  natsCpu: number;
  benchCpu: number;
  p50: number;
  p95: number;
  p99: number;
  decided: number;
  load: string;
}> {
  const tag = `${workers}w${rate ? 'r' : ''}`;
  const db = await freshSchema(tag);
  const prefix = `scale_bench_${tag}_${process.pid}`;
  const home = mkdtempSync(join(tmpdir(), 'greenlane-bench-scale-'));
  await (await NatsBus.open({ url: NATS, prefix })).close();
  const cluster = await startCluster(workers, db, prefix, home);
  try {
    // Warm-up: first batches compile the pipeline and fill the caches.
    await runStream(values.slice(0, 500), prefix);
    const measured = values.slice(500);
    const before = cluster.workers.map((w) => cpuSeconds(w.pid!));
    const serversBefore = serverCpu();
    const benchBefore = ownCpu();
    const result = await runStream(measured, prefix, rate);
    const cpu = cluster.workers.map((w, i) => cpuSeconds(w.pid!) - before[i]!);
    const servers = serverCpuSince(serversBefore);
    const benchCpu = ownCpu() - benchBefore;
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    return {
      rate: Math.round(result.latenciesMs.length / result.seconds),
      cpu,
      postgresCpu: servers.postgres,
      natsCpu: servers.nats,
      benchCpu,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      decided: result.latenciesMs.length,
      load: load(),
    };
  } finally {
    await cluster.stop();
    await deleteBusStreams(NATS, prefix);
    await dropSchema(db);
    rmSync(home, { recursive: true, force: true });
  }
}

async function customsLane(): Promise<LaneFigures> {
  const values = await loadDeclarations(N + 500);
  const lines: string[] = [
    `Full customs pipeline (profiles, sanctions screening, selection, PostgreSQL commit, log sequencer), ${N.toLocaleString('en')} declarations of the synthetic customs data set per run, one publisher on the same machine.`,
    '',
    '| workers | declarations/s through the stream | CPU s per worker | declarations per worker CPU-second | PostgreSQL CPU s | NATS CPU s | publisher CPU s | total CPU µs per declaration | p50 / p95 / p99 ms (saturated) | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  let best = { workers: 1, rate: 0, perCpu: 0, totalMicros: 0 };
  for (const w of WORKER_COUNTS) {
    const r = await measure(w, values);
    const cpuTotal = r.cpu.reduce((a, b) => a + b, 0);
    const perCpu = Math.round(r.decided / cpuTotal);
    const allCpu = cpuTotal + r.postgresCpu + r.natsCpu + r.benchCpu;
    const totalMicros = Math.round((allCpu * 1e6) / r.decided);
    const line = `| ${w} | ${r.rate.toLocaleString('en')} | ${r.cpu.map((c) => c.toFixed(1)).join(', ')} | ${perCpu.toLocaleString('en')} | ${r.postgresCpu.toFixed(1)} | ${r.natsCpu.toFixed(1)} | ${r.benchCpu.toFixed(1)} | ${totalMicros.toLocaleString('en')} | ${r.p50.toFixed(0)} / ${r.p95.toFixed(0)} / ${r.p99.toFixed(0)} | ${r.load} |`;
    console.log(line);
    lines.push(line);
    if (r.rate > best.rate) best = { workers: w, rate: r.rate, perCpu, totalMicros };
  }
  const half = Math.max(50, Math.round(best.rate / 2));
  const latency = await measure(
    best.workers,
    values.slice(0, Math.min(values.length, 500 + half * LATENCY_SECONDS)),
    half,
  );
  const latencyLine = `At half of peak (${half.toLocaleString('en')}/s offered, ${best.workers} worker(s), ${latency.decided.toLocaleString('en')} declarations): p50 ${latency.p50.toFixed(0)} ms, p95 ${latency.p95.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms (load ${latency.load}).`;
  console.log(latencyLine);
  lines.push(
    '',
    latencyLine,
    '',
    `Targets: ${TARGET_RATE.toLocaleString('en')} declarations/s — ${best.rate >= TARGET_RATE ? 'met' : `**missed** (${best.rate.toLocaleString('en')}/s)`}; p99 < ${TARGET_P99_MS} ms at half of peak — ${latency.p99 < TARGET_P99_MS ? 'met' : `**missed** (${latency.p99.toFixed(0)} ms)`}.`,
    `Per CPU-second of worker time: ${best.perCpu.toLocaleString('en')} declarations (the sizing figure of docs/SCALING.md); all processes together (workers, PostgreSQL backends of the bench database, NATS, publisher): ${best.totalMicros.toLocaleString('en')} CPU µs per declaration.`,
    'PostgreSQL CPU counts the backends serving the bench database (not the WAL writer, checkpointer and background writer, which on this shared server mostly work for other databases); NATS CPU is the whole server, which other work on the machine may use too.',
  );
  return { lane: 'customs', lines };
}

/**
 * The e-commerce lane alone (issue 14: "and the e-commerce lane alone"): the same run as
 * `npm run bench:ecommerce -- --no-store`, in this process, the sanctions index of all four lists.
 */
async function ecommerceLane(): Promise<LaneFigures> {
  const count = quick ? 30_000 : 100_000;
  const { index } = await loadScreeningIndex({ dataDirectory: dataDir() });
  const runs = await benchEcommerceLane({ index, count });
  const lines = [
    `${count.toLocaleString('en')} generated consignments (seed 5) through the lane alone, one thread: validation, screening of seller and platform, goods, value and weight plausibility, split orders, model (as \`npm run bench:ecommerce -- --no-store\`). Target: 20,000 consignments/s.`,
    '',
    LANE_HEADER,
    laneRows(runs),
  ];
  for (const line of lines.slice(3)) console.log(line);
  return { lane: 'e-commerce', lines };
}

async function main() {
  const sections: string[] = [];
  for (const lane of LANES) {
    const figures = await lane();
    sections.push(`#### ${figures.lane}\n\n${figures.lines.join('\n')}`);
  }
  const when = new Date().toISOString().slice(0, 10);
  writeReportSection(
    join(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'),
    'scale',
    `### Cluster mode through NATS JetStream and PostgreSQL (\`npm run bench:scale\`${quick ? ' -- --quick' : ''}, ${when})

Measured while the machine was shared with other work (2 cores; the load average beside each figure);
workers, publisher, NATS and PostgreSQL all on this one machine.

${sections.join('\n\n')}`,
  );
}

await main();

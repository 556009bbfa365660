/**
 * `npm run bench:sharing` — issue 11's sharing figures, with two installations each its own
 * `greenlane serve` process (own GREENLANE_HOME, SQLite database, name, port) on this machine:
 *
 * 1. envelopes verified and accepted per CPU-second, core only (the measurement of
 *    `bench:sharing-verify`, run here first while the machine is quiet), and the acceptance rate at
 *    B's inbox while A's backlog drains after the outage of 3 (HTTP round trip, B's verification,
 *    transaction and handler, A sealing one item at a time);
 * 2. latency issue → live signal: A's analyst POSTs alerts at a steady rate; each one's latency is
 *    B's `alerts.created_at` (stored accepted; both processes read the same clock) minus the instant
 *    A's POST returned. Then one declaration at B matching the last alert must carry it as a reason;
 * 3. outage: N alerts streamed to A by concurrent clients, B stopped (SIGTERM) for D seconds in the
 *    middle and restarted; once A's deliveries are all delivered B must hold exactly the N alerts,
 *    none lost or duplicated, received in A's seq order.
 *
 * Writes docs/PERFORMANCE.md (section `sharing`) unless GREENLANE_BENCH_NO_REPORT=1. Sizes: a flag,
 * else the environment variable, else the default (the defaults are the full-size run):
 *
 *   --rate     BENCH_SHARING_RATE      alerts per second in the latency run (10)
 *   --seconds  BENCH_SHARING_SECONDS   length of the latency run in seconds (30)
 *   --alerts   BENCH_SHARING_ALERTS    alerts in the outage run (10000)
 *   --clients  BENCH_SHARING_CLIENTS   concurrent HTTP clients issuing them (8)
 *   --outage   BENCH_SHARING_OUTAGE    seconds B is down (60)
 *   BENCH_ENVELOPES, BENCH_LOG_SIZE, BENCH_BATCH, BENCH_RUNS: the core measurement (5000, 100000, 50, 5)
 *
 * Small run while developing:
 *   npm run bench:sharing -- --rate 10 --seconds 10 --alerts 300 --outage 10
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { type InstallationProcess, installationProcess } from '../test/support/installation-process.ts';
import { measureVerification, type VerifyResult, verifyOptionsFromEnv } from './envelope-verify.ts';
import { writeReportSection } from './report.ts';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string' },
    seconds: { type: 'string' },
    alerts: { type: 'string' },
    clients: { type: 'string' },
    outage: { type: 'string' },
  },
});
function size(flag: string | undefined, variable: string, fallback: number): number {
  const value = Number(flag ?? process.env[variable] ?? fallback);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${variable} (--flag) must be a positive number`);
  return value;
}
const RATE = size(flags.rate, 'BENCH_SHARING_RATE', 10);
const SECONDS = size(flags.seconds, 'BENCH_SHARING_SECONDS', 30);
const ALERTS = Math.round(size(flags.alerts, 'BENCH_SHARING_ALERTS', 10_000));
const CLIENTS = Math.round(size(flags.clients, 'BENCH_SHARING_CLIENTS', 8));
const OUTAGE_S = size(flags.outage, 'BENCH_SHARING_OUTAGE', 60);
const FULL_SIZE = RATE === 10 && SECONDS >= 30 && ALERTS >= 10_000 && OUTAGE_S >= 60;

/** Lifted so the benchmark measures sharing, not the per-key limits of the heavy routes. */
const SERVER_ENV = {
  GREENLANE_RATE_LIMIT_PER_MINUTE: '1000000',
  GREENLANE_RATE_LIMIT_BURST: '100000',
  GREENLANE_RATE_LIMIT_CONCURRENT: '1000',
};

const log = (line: string) => console.log(line);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => loadavg()[0]!.toFixed(1);

// ---------------------------------------------------------------------------------------------
// Two installations and their databases

interface Pair {
  a: InstallationProcess;
  b: InstallationProcess;
  aAnalyst: string;
  bIngest: string;
}

async function startPair(tag: string): Promise<Pair> {
  const a = await installationProcess(`a-${tag}.example`, SERVER_ENV);
  const b = await installationProcess(`b-${tag}.example`, SERVER_ENV);
  await Promise.all([a.start(), b.start()]);
  const ia = JSON.parse(await a.ok('identity')) as { name: string; url: string; publicKey: string };
  const ib = JSON.parse(await b.ok('identity')) as { name: string; url: string; publicKey: string };
  await a.ok('partners', 'add', '--name', ib.name, '--url', ib.url, '--public-key', ib.publicKey);
  await b.ok('partners', 'add', '--name', ia.name, '--url', ia.url, '--public-key', ia.publicKey);
  const secret = async (inst: InstallationProcess, role: string) =>
    (
      JSON.parse(
        await inst.ok(
          'keys',
          'create',
          '--administration',
          'local',
          '--role',
          role,
          '--label',
          `bench ${role}`,
        ),
      ) as { secret: string }
    ).secret;
  return { a, b, aAnalyst: await secret(a, 'analyst'), bIngest: await secret(b, 'ingest') };
}

/** Reads an installation's SQLite database while its server runs (WAL: readers never block it). */
function query<T>(inst: InstallationProcess, sql: string): T[] {
  const db = new Database(join(inst.home, 'greenlane.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function post(inst: InstallationProcess, secret: string, path: string, body: unknown) {
  const res = await fetch(`${inst.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${inst.name}${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** CPU time (user + system, all threads) a process has used, from /proc (Linux). */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) throw new Error('the server is not running');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** A distinct alert: its exporter id is only its own, so a declaration can match exactly one. */
function alertFile(run: string, i: number) {
  return {
    title: `Falsified tablets, bench ${run} ${i}`,
    reason: 'Falsified tablets found in three consignments from this exporter.',
    instructions: 'Sample the tablets; check the batch numbers with the manufacturer.',
    handling: 'AMBER',
    validUntil: '2099-12-31',
    criteria: {
      all: [{ hsPrefix: ['3004'] }, { party: { role: ['exporter'], id: [`BENCH-${run}-${i}`] } }],
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// 2. Latency issue → live signal

interface LatencyResult {
  alerts: number;
  wallSeconds: number;
  fromPost: { p50: number; p95: number; p99: number; max: number };
  fromStored: { p50: number; p99: number; max: number };
  live: { alertId: string; channel: string; reasonFound: boolean };
}

async function latencyRun(): Promise<LatencyResult> {
  const pair = await startPair('latency');
  try {
    const { a, b } = pair;
    const count = Math.round(RATE * SECONDS);
    log(`latency: ${count} alerts at ${RATE}/s from ${a.name} to ${b.name}`);
    const returned = new Map<string, number>();
    const t0 = Date.now() + 500;
    // Open loop: each POST starts at its scheduled instant whether or not earlier ones returned.
    const ids = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        await sleep(Math.max(0, t0 + (i * 1000) / RATE - Date.now()));
        const alert = await post(a, pair.aAnalyst, '/v1/alerts', {
          alert: alertFile('lat', i),
          to: [b.name],
        });
        returned.set(alert.id as string, Date.now());
        return alert.id as string;
      }),
    );
    const wallSeconds = (Date.now() - t0) / 1000;
    type Row = { id: string; status: string; created_at: string };
    const rows = await until(
      `${b.name} to hold ${count} alerts`,
      () => {
        const r = query<Row>(b, "SELECT id, status, created_at FROM alerts WHERE direction = 'received'");
        return r.length >= count ? r : undefined;
      },
      60_000 + count * 100,
    );
    const notAccepted = rows.filter((r) => r.status !== 'accepted');
    if (notAccepted.length > 0) throw new Error(`${notAccepted.length} alerts not accepted at ${b.name}`);
    const storedAtA = new Map(
      query<{ id: string; created_at: string }>(
        a,
        "SELECT id, created_at FROM alerts WHERE direction = 'issued'",
      ).map((r) => [r.id, Date.parse(r.created_at)]),
    );
    const fromPost = rows.map((r) => Date.parse(r.created_at) - returned.get(r.id)!).sort((x, y) => x - y);
    const fromStored = rows.map((r) => Date.parse(r.created_at) - storedAtA.get(r.id)!).sort((x, y) => x - y);

    // Live: a declaration at B whose exporter only the last alert names.
    const last = count - 1;
    const alertId = ids[last]!;
    const answer = await post(b, pair.bIngest, '/v1/declarations', {
      id: 'BENCH-LIVE-1',
      type: 'import',
      customsOffice: 'NLRTM01',
      lodgedAt: new Date().toISOString(),
      currency: 'EUR',
      importer: { id: 'NL-IMP-1', name: 'Importer BV', country: 'NL' },
      exporter: { id: `BENCH-lat-${last}`, name: 'Exporter Pvt Ltd', country: 'IN' },
      items: [{ sequence: 1, hsCode: '3004900000', originCountry: 'IN', netMass: 12, invoiceValue: 4000 }],
    });
    const decision = ((answer.results as unknown[] | undefined)?.[0] ?? answer) as {
      channel: string;
      reasons: Array<{ source: string; code?: string }>;
    };
    const reasonFound = decision.reasons.some((r) => r.source === 'alert' && r.code === alertId);
    return {
      alerts: count,
      wallSeconds,
      fromPost: {
        p50: percentile(fromPost, 0.5),
        p95: percentile(fromPost, 0.95),
        p99: percentile(fromPost, 0.99),
        max: fromPost.at(-1)!,
      },
      fromStored: {
        p50: percentile(fromStored, 0.5),
        p99: percentile(fromStored, 0.99),
        max: fromStored.at(-1)!,
      },
      live: { alertId, channel: decision.channel, reasonFound },
    };
  } finally {
    await Promise.all([pair.a.dispose(), pair.b.dispose()]);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Outage, and the end-to-end acceptance rate while the backlog drains

interface OutageResult {
  streamSeconds: number;
  issuedPerSecond: number;
  downSeconds: number;
  startupSeconds: number;
  stopAfter: number;
  stoppedAfter: number;
  backlogAtRestart: number;
  firstAcceptAfterRestartSeconds: number;
  drainSeconds: number;
  allDeliveredSeconds: number;
  acceptedPerSecond: number;
  acceptedPerCpuSecondOfB: number;
  received: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  notAccepted: number;
  inOrder: boolean;
  deliveries: Record<string, number>;
  attempts: number;
  refusalsAtB: number;
}

async function outageRun(): Promise<OutageResult> {
  const pair = await startPair('outage');
  let sampler: NodeJS.Timeout | undefined;
  try {
    const { a, b } = pair;
    log(
      `outage: ${ALERTS} alerts from ${CLIENTS} clients; ${b.name} down ${OUTAGE_S} s from alert ${ALERTS >> 1}`,
    );
    const ids: string[] = new Array(ALERTS);
    let next = 0;
    let done = 0;
    // B's CPU time, sampled from its restart until the backlog is delivered.
    const cpu: Array<{ at: number; seconds: number }> = [];
    let outage:
      | Promise<{ stoppedAt: number; restartAt: number; upAt: number; backlog: number; stoppedAfter: number }>
      | undefined;
    const takeDown = async () => {
      const stoppedAt = Date.now();
      await b.stop();
      const stoppedAfter = done;
      log(`  ${b.name}: SIGTERM after ${ALERTS >> 1} alerts issued, exited after ${stoppedAfter}`);
      await sleep(Math.max(0, stoppedAt + OUTAGE_S * 1000 - Date.now()));
      const restartAt = Date.now();
      await b.start();
      const upAt = Date.now();
      const pid = b.pid();
      cpu.push({ at: upAt, seconds: cpuSeconds(pid) });
      sampler = setInterval(() => cpu.push({ at: Date.now(), seconds: cpuSeconds(pid) }), 100);
      const backlog = query<{ n: number }>(
        a,
        "SELECT count(*) AS n FROM federation_deliveries WHERE state = 'pending'",
      )[0]!.n;
      log(
        `  ${b.name} answers again after ${((upAt - stoppedAt) / 1000).toFixed(1)} s; backlog at A ${backlog}`,
      );
      return { stoppedAt, restartAt, upAt, backlog, stoppedAfter };
    };
    const streamStart = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < ALERTS; i = next++) {
          const alert = await post(a, pair.aAnalyst, '/v1/alerts', {
            alert: alertFile('out', i),
            to: [b.name],
          });
          ids[i] = alert.id as string;
          done++;
          if (done === ALERTS >> 1) outage = takeDown();
        }
      }),
    );
    const streamSeconds = (Date.now() - streamStart) / 1000;
    log(`  stream done: ${ALERTS} issued in ${streamSeconds.toFixed(1)} s`);
    const { stoppedAt, restartAt, upAt, backlog, stoppedAfter } = await outage!;
    type Count = { state: string; n: number };
    const deliveries = await until(
      `A's ${ALERTS} deliveries to be delivered`,
      () => {
        const r = query<Count>(a, 'SELECT state, count(*) AS n FROM federation_deliveries GROUP BY state');
        const total = r.reduce((s, x) => s + x.n, 0);
        return total >= ALERTS && r.every((x) => x.state !== 'pending') ? r : undefined;
      },
      120_000 + ALERTS * 50,
    );
    clearInterval(sampler);

    // What B holds, in the order it received it (rowid: insertion order), against A's seq order.
    type Inbox = { item_id: string; seq: number; received_at: string };
    const inbox = query<Inbox>(
      b,
      "SELECT item_id, seq, received_at FROM federation_inbox WHERE kind = 'alert' ORDER BY rowid",
    );
    const shared = query<{ item_id: string }>(
      a,
      "SELECT item_id FROM federation_shared_items WHERE kind = 'alert' ORDER BY seq",
    );
    const inOrder =
      inbox.length === shared.length &&
      inbox.every((row, i) => row.item_id === shared[i]!.item_id && (i === 0 || row.seq > inbox[i - 1]!.seq));
    const held = query<{ id: string; status: string }>(
      b,
      "SELECT id, status FROM alerts WHERE direction = 'received'",
    );
    const heldIds = new Set(held.map((r) => r.id));
    const issued = new Set(ids);
    // The backlog is the first `backlog` items B accepted after its restart (deliveries go in seq
    // order); items issued after the restart come behind it and do not count in the drain rate.
    const afterRestart = inbox.map((r) => Date.parse(r.received_at)).filter((t) => t >= upAt);
    const drained = afterRestart.slice(0, backlog);
    const firstAccept = drained[0] ?? upAt;
    const lastAccept = drained.at(-1) ?? upAt;
    const drainSpan = Math.max(lastAccept - firstAccept, 1) / 1000;
    const cpuAt = (t: number, before: boolean) =>
      (before ? cpu.findLast((c) => c.at <= t) : cpu.find((c) => c.at >= t)) ??
      (before ? cpu[0]! : cpu.at(-1)!);
    const cpuDrain = cpuAt(lastAccept, false).seconds - cpuAt(firstAccept, true).seconds;
    return {
      streamSeconds,
      issuedPerSecond: ALERTS / streamSeconds,
      downSeconds: (upAt - stoppedAt) / 1000,
      startupSeconds: (upAt - restartAt) / 1000,
      stopAfter: ALERTS >> 1,
      stoppedAfter,
      backlogAtRestart: backlog,
      firstAcceptAfterRestartSeconds: (firstAccept - upAt) / 1000,
      drainSeconds: (lastAccept - upAt) / 1000,
      allDeliveredSeconds: ((afterRestart.at(-1) ?? upAt) - upAt) / 1000,
      acceptedPerSecond: drained.length > 1 ? (drained.length - 1) / drainSpan : Number.NaN,
      acceptedPerCpuSecondOfB: drained.length > 1 ? (drained.length - 1) / cpuDrain : Number.NaN,
      received: held.length,
      lost: ids.filter((id) => !heldIds.has(id)).length,
      duplicated: held.length - heldIds.size + (inbox.length - new Set(inbox.map((r) => r.item_id)).size),
      unexpected: held.filter((r) => !issued.has(r.id)).length,
      notAccepted: held.filter((r) => r.status !== 'accepted').length,
      inOrder,
      deliveries: Object.fromEntries(deliveries.map((d) => [d.state, d.n])),
      attempts: query<{ n: number }>(a, 'SELECT sum(attempts) AS n FROM federation_deliveries')[0]!.n,
      refusalsAtB: query<{ n: number }>(b, 'SELECT count(*) AS n FROM federation_refusals')[0]!.n,
    };
  } finally {
    clearInterval(sampler);
    await Promise.all([pair.a.dispose(), pair.b.dispose()]);
  }
}

// ---------------------------------------------------------------------------------------------
// The run and its report

const started = new Date();
const loadAtStart = load();
log(`bench:sharing — load average ${loadAtStart}; node ${process.version}`);
const verifyOptions = verifyOptionsFromEnv();
log(
  `core: ${verifyOptions.envelopes} envelopes, log of ${verifyOptions.logSize}, ${verifyOptions.runs} runs`,
);
const verify: VerifyResult = await measureVerification(verifyOptions, (line) => log(`  ${line}`));
const latency = await latencyRun();
const outage = await outageRun();
const loadAtEnd = load();

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const ms = (n: number) => `${fmt(n)} ms`;
const nothingLost =
  outage.lost === 0 &&
  outage.duplicated === 0 &&
  outage.unexpected === 0 &&
  outage.notAccepted === 0 &&
  outage.inOrder &&
  outage.received === ALERTS &&
  (outage.deliveries.delivered ?? 0) === ALERTS;
const command = FULL_SIZE
  ? '`npm run bench:sharing`'
  : `\`npm run bench:sharing -- --rate ${RATE} --seconds ${SECONDS} --alerts ${ALERTS} --clients ${CLIENTS} --outage ${OUTAGE_S}\`` +
    ` with BENCH_ENVELOPES=${verifyOptions.envelopes} BENCH_LOG_SIZE=${verifyOptions.logSize} BENCH_RUNS=${verifyOptions.runs}`;
const markdown = `## Sharing between installations (issue 11, \`npm run bench:sharing\`)

Command: ${command} — run ${started.toISOString()} (Node ${process.version}, 2-core machine; 1-minute load average ${loadAtStart} at the start, ${loadAtEnd} at the end).
${FULL_SIZE ? '' : `**Small run, not the full size**: ${fmt(RATE * SECONDS)} alerts in the latency run (${RATE}/s for ${SECONDS} s), ${fmt(ALERTS)} in the outage run with B down ${OUTAGE_S} s, ${fmt(verifyOptions.envelopes)} envelopes over a log of ${fmt(verifyOptions.logSize)} in the core measurement. The targets are set for the full size (\`npm run bench:sharing\` with its defaults).\n`}
Two installations, A and B, each \`greenlane serve --no-screening\` in its own process with its own \`GREENLANE_HOME\` (SQLite), name and port on 127.0.0.1, partners of each other; the benchmark process is the analysts' HTTP client and reads both databases (read-only) for the timestamps. Rate limits lifted.

| measure | figure | target | |
|---|---|---|---|
| envelopes verified and accepted per CPU-second, **core only** (\`verifyEnvelope\` in memory: signature, digest, proofs, checkpoint; no HTTP, no database; the \`bench:sharing-verify\` measurement), median of ${verifyOptions.runs} runs | ${fmt(verify.medianCpu)} (runs ${verify.cpuRates.map((r) => fmt(r)).join(', ')}; ${fmt(verify.medianWall)}/s wall clock) | ≥ 2,000 on one core | ${verdict(verify.medianCpu >= 2000)} |
| items accepted at B's inbox per second of wall clock, **end to end**, while A's backlog drained after the outage (A seals, signs and POSTs one item at a time; B verifies, commits the transaction and runs the alert handler) | ${fmt(outage.acceptedPerSecond)}/s (the ${fmt(outage.backlogAtRestart)} items pending when B came back, from its first acceptance to its last; ${fmt(outage.acceptedPerCpuSecondOfB)} per CPU-second of B's whole server process) | none (the target is the core figure above) | |
| latency A's \`POST /v1/alerts\` returned → B stored the alert accepted, ${fmt(latency.alerts)} alerts at ${RATE}/s, both up | p50 ${ms(latency.fromPost.p50)}, p95 ${ms(latency.fromPost.p95)}, p99 ${ms(latency.fromPost.p99)}, max ${ms(latency.fromPost.max)} | p99 < 1 s | ${verdict(latency.fromPost.p99 < 1000)} |
| live: a declaration at B matching only the last alert | channel ${latency.live.channel}, reason \`source: "alert"\` with the alert's id: ${latency.live.reasonFound ? 'yes' : '**no**'} | the reason is the alert | ${verdict(latency.live.reasonFound)} |
| outage: ${fmt(ALERTS)} alerts from ${CLIENTS} clients, B stopped (SIGTERM) after ${fmt(outage.stopAfter)} for ${OUTAGE_S} s, then restarted: down ${fmt(outage.downSeconds, 1)} s until it answered \`/healthz\` | B holds ${fmt(outage.received)} received alerts: ${outage.lost} lost, ${outage.duplicated} duplicated, ${outage.unexpected} unexpected, ${outage.notAccepted} not accepted; arrival order = A's seq order: ${outage.inOrder ? 'yes' : '**no**'}; A's deliveries ${Object.entries(
  outage.deliveries,
)
  .map(([s, n]) => `${fmt(n)} ${s}`)
  .join(', ')} | nothing lost | ${verdict(nothingLost)} |

Outage run in detail: stream ${fmt(outage.streamSeconds, 1)} s (${fmt(outage.issuedPerSecond)} alerts issued per second at A, each \`POST /v1/alerts\` one transaction with its log record and delivery); B exited ${fmt(outage.stoppedAfter)} alerts into the stream and took ${fmt(outage.startupSeconds, 1)} s to start again; ${fmt(outage.backlogAtRestart)} deliveries pending at A when B answered again; first acceptance ${fmt(outage.firstAcceptAfterRestartSeconds, 1)} s after B was back (A's retry backoff, 0.5 s doubling to 30 s); that backlog drained ${fmt(outage.drainSeconds, 1)} s after B was back, everything delivered ${fmt(outage.allDeliveredSeconds, 1)} s after; ${fmt(outage.attempts)} delivery attempts in all for ${fmt(ALERTS)} items; ${outage.refusalsAtB} refusals recorded at B.
Latency from A's stored \`created_at\` instead of the POST's return: p50 ${ms(latency.fromStored.p50)}, p99 ${ms(latency.fromStored.p99)}, max ${ms(latency.fromStored.max)}. B's \`created_at\` is taken in the inbox transaction just before it commits. A's delivery worker is kicked when the log has appended an item and otherwise looks every 250 ms.
`;
console.log(`\n${markdown}`);
writeReportSection('docs/PERFORMANCE.md', 'sharing', markdown);
if (!nothingLost || !latency.live.reasonFound) process.exitCode = 1;

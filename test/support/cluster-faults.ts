/**
 * The fault run of the cluster mode (issue 14), shared by the small version in `npm test`
 * (`test/cluster-faults.test.ts`) and the full one (`npm run test:faults`, the same test with
 * `GREENLANE_FAULTS=full`): worker processes (`greenlane worker`) decide a stream of declarations
 * and amendments while some are killed with SIGKILL at random moments (one of them the sequencer),
 * optionally with the NATS server restarted mid-stream; then every declaration must be decided
 * exactly once per version, amendments in publication order, every decision in the log once, and
 * `greenlane log verify` must pass.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { NatsBus } from '../../src/driven/bus/nats-bus.ts';
import { openDatabase } from '../../src/driven/database/database.ts';
import { migrateToLatest } from '../../src/driven/database/migrate.ts';
import { publishRecords } from '../../src/installation/cluster.ts';
import { greenlaneScript } from './cli-bundle.ts';
import { makeDeclaration } from './declaration-fixture.ts';

const NATS_SERVER = '/usr/sbin/nats-server';

export interface FaultParameters {
  /** Distinct declarations published. */
  declarations: number;
  /** Every `amendEvery`-th declaration gets two amendments, published later in the stream. */
  amendEvery: number;
  /** Worker processes kept running (a killed one is replaced at once). */
  workers: number;
  /** SIGKILLs of workers at random moments while the stream is processed (one of them hits the sequencer). */
  kills: number;
  /** Restart the (private) NATS server once mid-stream. */
  restartNats: boolean;
  /** Messages published per second (spreads the stream over time so the kills land mid-stream). */
  publishRate: number;
  /** PostgreSQL URL (a fresh schema). */
  dbUrl: string;
  seed: number;
  /** Longest wait for the cluster to finish after the last publication. */
  settleMs: number;
}

export interface FaultReport {
  published: number;
  duplicates: number;
  kills: number;
  sequencerKills: number;
  natsRestarts: number;
  seconds: number;
  versions: number;
  /** (declaration, version) pairs with more or fewer than one automatic decision. */
  notExactlyOnce: string[];
  /** Declarations whose stored versions are not the published contents in publication order. */
  outOfOrder: string[];
  /** Declarations whose current version is not their last published one. */
  wrongHead: string[];
  /** Decisions without a log index, or sharing one. */
  logProblems: string[];
  /** Exit code and output of `greenlane log verify`. */
  verify: { code: number | null; output: string };
  /** Declarations with no decision on the results stream. */
  missingResults: number;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const debug = (what: string) => {
  if (process.env.GREENLANE_FAULTS_DEBUG)
    process.stderr.write(`[faults ${new Date().toISOString()}] ${what}\n`);
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
    s.on('error', reject);
  });
}

/** A NATS server of the run's own (port and store directory), so restarting it disturbs nobody. */
class PrivateNats {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}
  get url() {
    return `nats://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i += 1) {
      try {
        const nc = await connect({ servers: this.url, reconnect: false });
        await jetstreamManager(nc);
        await nc.close();
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`nats-server on ${this.port} did not start`);
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The declarations and their amendments in publication order: `[id, invoiceTotal]` per message. */
function plan(p: FaultParameters): Array<{ id: string; total: number }> {
  const out: Array<{ id: string; total: number }> = [];
  const later: Array<{ at: number; id: string; total: number }> = [];
  for (let i = 0; i < p.declarations; i += 1) {
    const id = `F-${i}`;
    out.push({ id, total: 1000 + i });
    if (i % p.amendEvery === 0) {
      later.push({ at: i + 37, id, total: 2000 + i });
      later.push({ at: i + 211, id, total: 3000 + i });
    }
    while (later.length > 0 && later[0]!.at <= i) {
      const next = later.shift()!;
      out.push({ id: next.id, total: next.total });
    }
  }
  for (const l of later) out.push({ id: l.id, total: l.total });
  return out;
}

/** Runs the fault scenario and reports what it found; the caller asserts on the report. */
export async function runFaults(p: FaultParameters): Promise<FaultReport> {
  const started = performance.now();
  const random = mulberry32(p.seed);
  const home = mkdtempSync(join(tmpdir(), 'greenlane-faults-'));
  const natsDir = mkdtempSync(join(tmpdir(), 'greenlane-faults-nats-'));
  const nats = new PrivateNats(await freePort(), natsDir);
  await nats.start();
  const prefix = `scale_test_${p.seed}`;
  const env = { ...process.env, GREENLANE_HOME: home, GREENLANE_LOG_LEVEL: 'warn' };
  const conn = openDatabase(p.dbUrl);
  await migrateToLatest(conn);
  // Streams created here, with a short ack wait so a killed worker's messages come back soon.
  const busOptions = { url: nats.url, prefix, partitions: 8, ackWaitMs: 5000 };
  await (await NatsBus.open(busOptions)).close();

  const workers = new Set<ChildProcess>();
  const startWorker = () => {
    const child = spawn(
      process.execPath,
      [
        greenlaneScript(),
        'worker',
        '--db',
        p.dbUrl,
        '--nats',
        nats.url,
        '--prefix',
        prefix,
        '--no-screening',
        '--ack-wait',
        '5000',
        '--lease',
        '3000',
        '--batch',
        '200',
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (d: Buffer) => {
      if (process.env.GREENLANE_FAULTS_DEBUG) process.stderr.write(`[worker ${child.pid}] ${d}`);
    });
    workers.add(child);
    child.once('exit', () => workers.delete(child));
    return child;
  };
  for (let i = 0; i < p.workers; i += 1) startWorker();
  // Kills are meant for running workers: wait until they all hold their membership and one the sequencer.
  for (;;) {
    const live = await conn.db
      .selectFrom('leases')
      .select('name')
      .where('expires_at', '>=', new Date().toISOString())
      .execute();
    const members = live.filter((l) => l.name.startsWith('member:')).length;
    if (members >= p.workers && live.some((l) => l.name === 'sequencer')) break;
    await sleep(200);
  }

  debug('workers up');
  const messages = plan(p);
  const last = new Map<string, number>();
  const contents = new Map<string, number[]>();
  for (const m of messages) {
    last.set(m.id, m.total);
    contents.set(m.id, [...(contents.get(m.id) ?? []), m.total]);
  }
  // Kill moments: random points of the progress (decided versions), so every kill lands while
  // the stream is being processed, the sequencer kill among them; the NATS restart at half.
  const killAt = Array.from({ length: p.kills }, () => 0.05 + random() * 0.85).sort((a, b) => a - b);
  const sequencerKill = Math.floor(random() * p.kills);
  let kills = 0;
  let sequencerKills = 0;
  let natsRestarts = 0;
  const decided = async () =>
    Number(
      (
        (await sql<{ n: string }>`select count(*) as n from declaration_versions`.execute(conn.db))
          .rows[0] as {
          n: string;
        }
      ).n,
    ) / messages.length;
  /** Pids of workers that are up (hold their membership lease), or of the sequencer. */
  const livePids = async (lease: 'member' | 'sequencer') => {
    const rows = await conn.db
      .selectFrom('leases')
      .select(['name', 'holder'])
      .where('expires_at', '>=', new Date().toISOString())
      .execute();
    return rows
      .filter((r) => (lease === 'sequencer' ? r.name === 'sequencer' : r.name.startsWith('member:')))
      .map((r) => Number(r.holder.split('/')[1]));
  };

  const publishStart = performance.now();
  async function* paced() {
    for (let k = 0; k < messages.length; k += 1) {
      const due = (k / p.publishRate) * 1000 - (performance.now() - publishStart);
      if (due > 5) await sleep(due);
      const m = messages[k]!;
      yield `${JSON.stringify(makeDeclaration({ id: m.id, invoiceTotal: m.total }))}\n`;
    }
  }
  const faults = (async () => {
    let restarted = !p.restartNats;
    for (const [k, at] of killAt.entries()) {
      while ((await decided()) < at) {
        if (!restarted && (await decided()) >= 0.5) {
          debug('restarting NATS');
          await nats.stop();
          await sleep(500);
          await nats.start();
          natsRestarts += 1;
          restarted = true;
        }
        await sleep(100);
      }
      let victim: ChildProcess | undefined;
      for (let tries = 0; !victim && tries < 600; tries += 1) {
        const pids = await livePids(k === sequencerKill ? 'sequencer' : 'member');
        const up = [...workers].filter((w) => pids.includes(w.pid ?? -1));
        victim = up[Math.floor(random() * up.length)];
        if (!victim) await sleep(100);
      }
      if (!victim) continue;
      if (k === sequencerKill) sequencerKills += 1;
      debug(`kill ${victim.pid}${k === sequencerKill ? ' (sequencer)' : ''} at ${at.toFixed(2)}`);
      workers.delete(victim);
      victim.kill('SIGKILL');
      kills += 1;
      startWorker();
    }
    if (!restarted) {
      while ((await decided()) < 0.5) await sleep(100);
      await nats.stop();
      await sleep(500);
      await nats.start();
      natsRestarts += 1;
    }
  })();
  const summary = await publishRecords(paced(), 'ndjson', {
    bus: busOptions,
    administration: 'FT',
    sourceName: 'faults',
    onReject: () => undefined,
    window: 64,
  });
  debug(`published ${JSON.stringify(summary)}`);
  await faults;
  debug('faults done');

  // Settle: every version decided and every decision in the log.
  const expectedVersions = messages.length;
  const deadline = performance.now() + p.settleMs;
  for (;;) {
    const [{ versions }] = (
      await sql<{ versions: string }>`select count(*) as versions from declaration_versions`.execute(conn.db)
    ).rows as [{ versions: string }];
    const [{ pending }] = (
      await sql<{
        pending: string;
      }>`select count(*) as pending from ledger_records where log_index is null`.execute(conn.db)
    ).rows as [{ pending: string }];
    debug(`versions ${versions}/${expectedVersions}, pending ${pending}`);
    if ((Number(versions) >= expectedVersions && Number(pending) === 0) || performance.now() > deadline)
      break;
    await sleep(250);
  }
  // A graceful stop of the survivors (SIGTERM: finish, hand over, final checkpoint).
  await Promise.all(
    [...workers].map((w) => {
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      return exited;
    }),
  );

  const report = await check(conn, contents, last, env, p.dbUrl);
  const results = await resultsOnStream(busOptions, prefix);
  const missingResults = [...contents.keys()].filter((id) => !results.has(id)).length;
  await conn.close();
  await nats.stop();
  rmSync(natsDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  return {
    published: summary.published,
    duplicates: summary.duplicates,
    kills,
    sequencerKills,
    natsRestarts,
    seconds: (performance.now() - started) / 1000,
    missingResults,
    ...report,
  };
}

async function check(
  conn: ReturnType<typeof openDatabase>,
  contents: Map<string, number[]>,
  last: Map<string, number>,
  env: NodeJS.ProcessEnv,
  dbUrl: string,
) {
  const versions = await conn.db
    .selectFrom('declaration_versions')
    .select(['declaration_id', 'version', 'content'])
    .where('administration', '=', 'FT')
    .orderBy('declaration_id')
    .orderBy('version')
    .execute();
  const stored = new Map<string, number[]>();
  for (const v of versions) {
    const total = (JSON.parse(v.content) as { invoiceTotal: number }).invoiceTotal;
    stored.set(v.declaration_id, [...(stored.get(v.declaration_id) ?? []), total]);
  }
  const outOfOrder: string[] = [];
  for (const [id, published] of contents)
    if (JSON.stringify(stored.get(id) ?? []) !== JSON.stringify(published)) outOfOrder.push(id);
  const heads = await conn.db
    .selectFrom('declarations')
    .innerJoin('declaration_versions as v', (j) =>
      j
        .onRef('v.administration', '=', 'declarations.administration')
        .onRef('v.declaration_id', '=', 'declarations.id')
        .onRef('v.version', '=', 'declarations.current_version'),
    )
    .select(['declarations.id', 'v.content'])
    .where('declarations.administration', '=', 'FT')
    .execute();
  const wrongHead = heads
    .filter((h) => (JSON.parse(h.content) as { invoiceTotal: number }).invoiceTotal !== last.get(h.id))
    .map((h) => h.id);
  if (heads.length !== last.size) wrongHead.push(`${last.size - heads.length} declarations missing`);
  const decisions = await conn.db
    .selectFrom('decisions')
    .select(['declaration_id', 'version', 'log_index'])
    .where('administration', '=', 'FT')
    .where('kind', '=', 'auto')
    .execute();
  const perVersion = new Map<string, number>();
  for (const d of decisions) {
    const key = `${d.declaration_id}@${d.version}`;
    perVersion.set(key, (perVersion.get(key) ?? 0) + 1);
  }
  const notExactlyOnce: string[] = [];
  for (const [id, published] of contents)
    for (let v = 1; v <= published.length; v += 1)
      if (perVersion.get(`${id}@${v}`) !== 1)
        notExactlyOnce.push(`${id}@${v}: ${perVersion.get(`${id}@${v}`) ?? 0}`);
  const logProblems: string[] = [];
  const indexes = new Set<number>();
  for (const d of decisions) {
    if (d.log_index === null) logProblems.push(`${d.declaration_id}@${d.version} not logged`);
    else if (indexes.has(Number(d.log_index))) logProblems.push(`log index ${d.log_index} twice`);
    else indexes.add(Number(d.log_index));
  }
  const verify = await new Promise<{ code: number | null; output: string }>((resolveVerify) => {
    const child = spawn(process.execPath, [greenlaneScript(), 'log', 'verify', '--db', dbUrl], { env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('exit', (code) => resolveVerify({ code, output }));
  });
  return { versions: versions.length, notExactlyOnce, outOfOrder, wrongHead, logProblems, verify };
}

/** The declaration ids with a decision on the results stream. */
async function resultsOnStream(bus: { url: string }, prefix: string): Promise<Set<string>> {
  const nc = await connect({ servers: bus.url });
  const ids = new Set<string>();
  try {
    const { jetstream } = await import('@nats-io/jetstream');
    const js = jetstream(nc);
    const consumer = await js.consumers.get(`${prefix.toUpperCase()}_RESULTS`);
    const jsm = await jetstreamManager(nc);
    const total = (await jsm.streams.info(`${prefix.toUpperCase()}_RESULTS`)).state.messages;
    let seen = 0;
    while (seen < total) {
      const batch = await consumer.fetch({ max_messages: 5000, expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        got += 1;
        const body = m.json<{ type: string; declarationId?: string }>();
        if (body.type === 'decision' && body.declarationId) ids.add(body.declarationId);
      }
      if (got === 0) break;
      seen += got;
    }
  } finally {
    await nc.close();
  }
  return ids;
}

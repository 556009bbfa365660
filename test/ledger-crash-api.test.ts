import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { REFERENCE_FILES } from '../src/driven/reference/file-reference-data.ts';
import { DeclarationStore } from '../src/driven/store/declaration-store.ts';
import { dataDir } from '../src/installation/config.ts';
import { openTransparencyLog } from '../src/installation/transparency-log.ts';
import { greenlaneScript } from './support/cli-bundle.ts';
import { createTestDatabase, DIALECTS } from './support/databases.ts';

const RUNS = Number(process.env.CRASH_RUNS ?? 20);
const WRITERS = 4;
const PER_POST = 5;
const root = mkdtempSync(join(tmpdir(), 'greenlane-crash-api-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The reference data the server loads at start, cut to what the test declarations use (UN/LOCODE
 * to its first rows, HS to chapter 84): parsing the full files is most of a start-up, and this
 * test starts the server 40 times.
 */
function smallDataDir(): string {
  const dir = join(root, 'data');
  const keep: Partial<Record<string, (line: string, n: number) => boolean>> = {
    [REFERENCE_FILES.locodes]: (_, n) => n < 2000,
    [REFERENCE_FILES.hs2022]: (line, n) => n === 0 || /^[^,]*,84/.test(line),
    [REFERENCE_FILES.hs2017]: (line, n) => n === 0 || /^[^,]*,84/.test(line),
  };
  for (const file of Object.values(REFERENCE_FILES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    const filter = keep[file];
    if (filter) {
      const lines = readFileSync(join(dataDir(), file), 'utf8').split('\n');
      writeFileSync(join(dir, file), `${lines.filter(filter).join('\n')}\n`);
    } else copyFileSync(join(dataDir(), file), join(dir, file));
  }
  return dir;
}

const declaration = (id: string) => ({
  id,
  type: 'import',
  customsOffice: 'NLRTM01',
  lodgedAt: '2026-11-28T09:00:00Z',
  currency: 'EUR',
  importer: { id: 'NL-IMP-1', name: 'Importer BV', country: 'NL' },
  items: [{ sequence: 1, hsCode: '8471300000', originCountry: 'CN', netMass: 12, invoiceValue: 4000 }],
});

/** Starts `greenlane serve` as a child process; resolves with its base URL once it listens. */
function startServer(url: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [greenlaneScript(), 'serve', '--port', '0', '--db', url, '--no-screening'],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`server exited (${code ?? signal}): ${err}`));
    });
  });
}

/**
 * Streams POSTs of new declarations from several writers and SIGKILLs the server `killAfterMs`
 * after the first acknowledged (2xx) answer; returns the acknowledged ids. Any other answer fails
 * the test: the server must either store a request or die with it.
 */
async function postUntilKilled(
  base: string,
  key: string,
  run: number,
  child: ChildProcess,
  killAfterMs: number,
) {
  const acked: string[] = [];
  let alive = true;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Killed at a random moment once the stream flows (the first 2xx), in the middle of requests.
  let armed = false;
  const armKill = () => {
    if (armed) return;
    armed = true;
    setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  };
  void exited.then(() => {
    alive = false;
  });
  const writer = async (w: number) => {
    for (let n = 0; alive; n += 1) {
      const ids = Array.from({ length: PER_POST }, (_, k) => `K${run}-${w}-${n}-${k}`);
      let res: Response;
      try {
        res = await fetch(`${base}/v1/declarations`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify(ids.map(declaration)),
        });
        await res.arrayBuffer();
      } catch {
        return; // connection refused or reset: the server was killed
      }
      if (res.status < 200 || res.status >= 300)
        throw new Error(`POST /v1/declarations answered ${res.status}`);
      acked.push(...ids);
      armKill();
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  await exited;
  return acked;
}

async function crashSeries(dialect: (typeof DIALECTS)[number], data: string) {
  const db = await createTestDatabase(dialect);
  const home = mkdtempSync(join(root, `${dialect}-`));
  const env = {
    ...process.env,
    GREENLANE_HOME: home,
    GREENLANE_DATA_DIR: data,
    GREENLANE_LOG_LEVEL: 'warn',
    // Crashes, not the per-key limits, are under test: every writer's POST must reach the store.
    GREENLANE_RATE_LIMIT_PER_MINUTE: '100000',
    GREENLANE_RATE_LIMIT_BURST: '1000',
    GREENLANE_RATE_LIMIT_CONCURRENT: '64',
  };
  const setup = openDatabase(db.url);
  await migrateToLatest(setup);
  const store = new DeclarationStore(setup);
  await store.ensureAdministration('XA', 'Crash test');
  const key = (await store.createApiKey('XA', 'crash writer', 'ingest')).secret;
  await setup.close();

  const acknowledged: string[] = [];
  let caughtUp = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const { child, base } = await startServer(db.url, env);
    acknowledged.push(...(await postUntilKilled(base, key, run, child, Math.floor(Math.random() * 300))));

    const conn = openDatabase(db.url);
    try {
      const pending = await conn.db
        .selectFrom('ledger_records')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('log_index', 'is', null)
        .executeTakeFirstOrThrow();
      caughtUp += Number(pending.n);
      // The restart: opening the log appends whatever was committed but not yet logged.
      const log = await openTransparencyLog(conn, { env });
      const report = await log.verify();
      expect(report.firstDivergence).toBeUndefined();
      expect(report.ok).toBe(true);
      await log.close();
      const stored = new Set<string>();
      for (let i = 0; i < acknowledged.length; i += 500) {
        const rows = await conn.db
          .selectFrom('declarations')
          .select('id')
          .where('administration', '=', 'XA')
          .where('id', 'in', acknowledged.slice(i, i + 500))
          .execute();
        for (const r of rows) stored.add(r.id);
      }
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      const unlogged = await conn.db
        .selectFrom('decisions')
        .select('id')
        .where('log_index', 'is', null)
        .execute();
      expect(unlogged).toEqual([]);
    } finally {
      await conn.close();
    }
  }
  await db.dispose();
  return { acknowledged: acknowledged.length, caughtUp };
}

describe('crash safety of the API (SIGKILL of the real server)', () => {
  it(`${RUNS} kills during streams of POSTs on ${DIALECTS.join(' and ')}: every acknowledged declaration stored, every stored record logged, log verify passes`, async () => {
    const data = smallDataDir();
    // One database after the other: one server at a time keeps the suite's other workers unstarved.
    const results: Array<{ acknowledged: number; caughtUp: number }> = [];
    for (const dialect of DIALECTS) results.push(await crashSeries(dialect, data));
    DIALECTS.forEach((d, i) => {
      process.stderr.write(
        `api crash test (${d}): ${results[i]!.acknowledged} acknowledged declarations over ${RUNS} kills, ` +
          `${results[i]!.caughtUp} stored records appended at restart\n`,
      );
      expect(results[i]!.acknowledged).toBeGreaterThan(0);
    });
  }, 600_000);
});

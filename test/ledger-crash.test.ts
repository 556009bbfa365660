import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NOTE_ALG_ED25519 } from '../src/core/ledger/signed-note.ts';
import { openDatabase } from '../src/driven/database/database.ts';
import { migrateToLatest } from '../src/driven/database/migrate.ts';
import { loadOrCreateKey } from '../src/driven/ledger/signing-keys.ts';
import { TransparencyLog } from '../src/driven/ledger/transparency-log.ts';
import { ledgerAppenderCommand } from './support/cli-bundle.ts';
import { createTestDatabase, DIALECTS } from './support/databases.ts';

/** Kills per database: 10 on each, as many in all as the 20 on SQLite alone before (PostgreSQL restarts are slower). */
const RUNS = Number(process.env.CRASH_RUNS ?? 10);
const root = mkdtempSync(join(tmpdir(), 'greenlane-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the appender child, SIGKILLs it `afterMs` after it is ready, returns the acknowledged entries. */
function appendUntilKilled(
  url: string,
  home: string,
  run: number,
  afterMs: number,
): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ledgerAppenderCommand(), url, String(run), home], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Map<number, string>();
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        const m = /^ack (\d+) (\S+)$/.exec(line);
        if (m) acked.set(Number(m[1]), m[2]!);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`appender exited without being killed (${signal ?? _code})`));
      else resolve(acked);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`crash safety of the log (${dialect})`, () => {
    it(`SIGKILL at random moments, ${RUNS} times: the log verifies and no acknowledged entry is missing`, async () => {
      const acknowledged = new Map<number, string>();
      const testDb = await createTestDatabase(dialect);
      const url = testDb.url;
      const home = mkdtempSync(join(root, `${dialect}-`));
      const setup = openDatabase(url);
      await migrateToLatest(setup);
      await setup.close();
      for (let run = 0; run < RUNS; run += 1) {
        const acked = await appendUntilKilled(url, home, run, 20 + Math.floor(Math.random() * 400));
        for (const [i, id] of acked) acknowledged.set(i, id);
        const conn = openDatabase(url);
        await migrateToLatest(conn);
        const log = await TransparencyLog.open({
          conn,
          key: loadOrCreateKey(home, 'log.key', () => 'unused', NOTE_ALG_ED25519),
        });
        const report = await log.verify();
        expect(report.firstDivergence).toBeUndefined();
        expect(report.ok).toBe(true);
        const stored = new Map(
          (await log.store.entries(0, report.size)).map((e) => [e.index, JSON.parse(e.entry).id]),
        );
        const lost = [...acknowledged].filter(([index, id]) => stored.get(index) !== id);
        expect(lost).toEqual([]);
        await conn.close();
      }
      expect(acknowledged.size).toBeGreaterThan(1000);
      process.stderr.write(
        `crash test (${dialect}): ${acknowledged.size} acknowledged entries over ${RUNS} kills\n`,
      );
      await testDb.dispose();
    }, 180_000);
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/installation/config.ts';
import { runCli } from './installation-process.ts';

const BIN = join(PACKAGE_ROOT, 'bin', 'greenlane.mjs');

/**
 * `greenlane serve --demo` as `npm start` runs it (its 2,000 demo declarations, the workbench it
 * builds or finds current), on a free port and a temporary SQLite file, without the sanctions lists
 * (loading them is most of a start on a busy machine and no screen needs them), with one key per
 * human role of the demo administration.
 */
export interface WorkbenchServer {
  url: string;
  keys: Record<'admin' | 'officer' | 'analyst' | 'auditor', string>;
  /** `fetch` of the API with a key, JSON in and out. */
  api(key: string, path: string, init?: { method?: string; body?: unknown }): Promise<any>;
  log(): string;
  dispose(): Promise<void>;
}

export async function startWorkbenchServer(): Promise<WorkbenchServer> {
  const home = mkdtempSync(join(tmpdir(), 'greenlane-workbench-'));
  const db = `sqlite:${join(home, 'g.db')}`;
  const env = { ...process.env, GREENLANE_HOME: home, GREENLANE_LOG_LEVEL: 'warn' };
  let stderr = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--demo', '--port', '0', '--db', db, '--no-screening'],
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  child.stderr!.on('data', (c) => {
    stderr += String(c);
  });
  const deadline = Date.now() + 150_000;
  while (!/API key \(shown once\): (\S+)/.test(stderr) || !/serving (http:\/\/\S+)\//.test(stderr)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const admin = /API key \(shown once\): (\S+)/.exec(stderr)![1]!;
  const url = /serving (http:\/\/\S+)\//.exec(stderr)![1]!;
  const keys = { admin } as WorkbenchServer['keys'];
  await Promise.all(
    (['officer', 'analyst', 'auditor'] as const).map(async (role) => {
      const res = await runCli(
        [
          'keys',
          'create',
          '--administration',
          'DEMO',
          '--role',
          role,
          '--label',
          `browser ${role}`,
          '--db',
          db,
        ],
        env,
      );
      if (res.code !== 0) throw new Error(`keys create: ${res.stderr}`);
      keys[role] = JSON.parse(res.stdout).secret;
    }),
  );
  return {
    url,
    keys,
    api: async (key, path, init = {}) => {
      const res = await fetch(url + path, {
        method: init.method ?? 'GET',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
    log: () => stderr,
    dispose: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

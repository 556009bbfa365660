import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRiskModel } from '../../src/core/model/evaluate.ts';
import { type RiskModel, trainRiskModel } from '../../src/core/model/risk-model.ts';
import { openDatabase } from '../../src/driven/database/database.ts';
import { parseCustomsRows } from '../../src/driven/model/customs-rows.ts';
import type { ModelFileMeta } from '../../src/driven/model/model-file.ts';
import { ModelRegistry } from '../../src/driven/model/model-registry.ts';
import { installationConfig, PACKAGE_ROOT } from '../../src/installation/config.ts';
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
  /** The server's database (`sqlite:…`), for what no route does (registering a model). */
  db: string;
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
    db,
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

/**
 * A small fraud model, trained in this process on the first rows of the data set's training year
 * (seconds, not the minutes of a full model), with held-out metrics from the validation year: what
 * an analyst's `greenlane model train --valid` would give. CPU-bound: start it while the server
 * and the browser start.
 */
export function trainTrialModel(): { model: RiskModel; meta: ModelFileMeta } {
  const dir = join(installationConfig(undefined).dataDirectory, 'customs-declarations');
  const head = (file: string, lines: number) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .slice(0, lines + 1)
      .join('\n');
  const train = parseCustomsRows(head('df_syn_train_eng.csv', 2_000));
  const valid = parseCustomsRows(head('df_syn_valid_eng.csv', 1_000));
  const model = trainRiskModel(train, { target: 'fraud', params: { seed: 1, maxTrees: 10 } });
  const validation = evaluateRiskModel(model, valid, 'probability');
  return { model, meta: { createdAt: new Date().toISOString(), seed: 1, validation } };
}

/** Stores a model in an administration's registry (not active), as `greenlane model register` does. */
export async function registerModel(
  db: string,
  administration: string,
  trained: { model: RiskModel; meta: ModelFileMeta },
): Promise<string> {
  const conn = openDatabase(db);
  try {
    const registry = new ModelRegistry(conn.db, administration);
    return (await registry.register(trained.model, trained.meta, 'browser test')).id;
  } finally {
    await conn.close();
  }
}

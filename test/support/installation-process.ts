import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greenlaneScript } from './cli-bundle.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One Greenlane installation as a separate process: its own `GREENLANE_HOME` (keys, SQLite
 * database), name, port and URL, driven through the real `greenlane` command line and HTTP API,
 * as an operator would. Federation tests start two or three of these.
 */
export interface InstallationProcess {
  name: string;
  home: string;
  url: string;
  env: NodeJS.ProcessEnv;
  /** Runs `greenlane ...args` as a child process with this installation's environment. */
  cli(...args: string[]): Promise<CliResult>;
  /** Like {@link cli}, throws with stderr unless the exit code is 0; returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** (Re)starts `greenlane serve` and waits until it answers `/healthz`. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM; SIGKILL with `crash`). */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** What the server has written to stderr since it last started. */
  serverLog(): string;
  /** The running server's process id (benchmarks read its CPU time), undefined when stopped. */
  pid(): number | undefined;
  /** Stops the server and deletes the home. */
  dispose(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [greenlaneScript(), ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += String(c);
    });
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/**
 * Prepares an installation named `name` (not started: call `start()`), with extra environment.
 *
 * @example
 * const a = await installationProcess('a.example');
 * await a.start();
 * const identity = JSON.parse(await a.ok('identity'));
 */
export async function installationProcess(
  name: string,
  extraEnv: NodeJS.ProcessEnv = {},
  serveArgs: readonly string[] = ['--no-screening'],
): Promise<InstallationProcess> {
  const home = mkdtempSync(join(tmpdir(), `greenlane-${name}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GREENLANE_HOME: home,
    GREENLANE_NAME: name,
    GREENLANE_PUBLIC_URL: url,
    GREENLANE_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  delete env.GREENLANE_DB;
  let server: ChildProcess | undefined;
  let log = '';

  const self: InstallationProcess = {
    name,
    home,
    url,
    env,
    cli: (...args) => runCli(args, env),
    async ok(...args) {
      const r = await runCli(args, env);
      if (r.code !== 0) throw new Error(`greenlane ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
      return r.stdout;
    },
    async start() {
      log = '';
      const child = spawn(
        process.execPath,
        [greenlaneScript(), 'serve', '--port', String(port), ...serveArgs],
        {
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child.stderr!.on('data', (c) => {
        log += String(c);
      });
      server = child;
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${name}: serve exited ${child.exitCode}:\n${log}`);
        try {
          const res = await fetch(`${url}/healthz`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${name}: serve did not answer within 120 s:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(options = {}) {
      const child = server;
      server = undefined;
      if (!child || child.exitCode !== null) return;
      child.kill(options.crash ? 'SIGKILL' : 'SIGTERM');
      await once(child, 'exit');
    },
    serverLog: () => log,
    pid: () => (server && server.exitCode === null ? server.pid : undefined),
    async dispose() {
      await self.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return self;
}

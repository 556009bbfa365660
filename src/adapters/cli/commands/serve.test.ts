import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../app/config.ts';

/** `greenlane serve --demo` as `npm start` runs it, on a free port and a temporary SQLite file. */
describe('greenlane serve --demo', () => {
  let work: string;
  let server: ChildProcess;
  let stderr = '';
  let url: string;
  let key: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'greenlane-serve-'));
    server = spawn(
      process.execPath,
      [
        join(PACKAGE_ROOT, 'bin', 'greenlane.mjs'),
        'serve',
        '--demo',
        '--port',
        '0',
        '--db',
        `sqlite:${join(work, 'g.db')}`,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, GREENLANE_HOME: work, GREENLANE_LOG_LEVEL: 'warn' },
      },
    );
    server.stderr!.on('data', (chunk) => {
      stderr += String(chunk);
    });
    // Start-up seeds the demo queue: 39 s alone on the loaded shared machine (2026-12-03).
    const deadline = Date.now() + 150_000;
    while (!/API key \(shown once\): (\S+)/.test(stderr)) {
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`serve did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    url = /serving (http:\/\/\S+?)\/? /.exec(stderr)![1]!;
    key = /API key \(shown once\): (\S+)/.exec(stderr)![1]!;
  }, 180_000);
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('prints the URL and a demo key, seeds the queue and serves the API and the page', async () => {
    expect(stderr).toMatch(/seeded \d+ demo declarations/);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
    const queue = await fetch(`${url}/v1/queue?limit=5`, { headers: { authorization: `Bearer ${key}` } });
    expect(queue.status).toBe(200);
    expect(((await queue.json()) as { items: unknown[] }).items).toHaveLength(5);
    expect((await fetch(`${url}/v1/queue`)).status).toBe(401);
    expect(await (await fetch(`${url}/`)).text()).toContain('Inspection queue');
  });

  it('stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    expect(code).toBe(0);
    expect(stderr).toContain('shutting down');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greenlaneScript } from '../../../../test/support/cli-bundle.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../../test/support/databases.ts';

for (const dialect of DIALECTS) {
  /**
   * `greenlane serve --demo` as `npm start` runs it (from the run's CLI bundle: the same sources as
   * `bin/greenlane.mjs`, without tsx), on a free port and a temporary SQLite file; and
   * on PostgreSQL without the screening lists (loading them is the same on both databases and most
   * of a start on a busy machine).
   */
  describe(`greenlane serve --demo (${dialect})`, () => {
    let work: string;
    let db: TestDatabase;
    let server: ChildProcess;
    let stderr = '';
    let url: string;
    let key: string;

    function start(): ChildProcess {
      stderr = '';
      const child = spawn(
        process.execPath,
        [
          greenlaneScript(),
          'serve',
          '--demo',
          '--port',
          '0',
          '--db',
          db.url,
          ...(dialect === 'postgres' ? ['--no-screening'] : []),
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, GREENLANE_HOME: work, GREENLANE_LOG_LEVEL: 'warn' },
        },
      );
      child.stderr!.on('data', (chunk) => {
        stderr += String(chunk);
      });
      return child;
    }

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'greenlane-serve-'));
      db =
        dialect === 'sqlite'
          ? { dialect, url: `sqlite:${join(work, 'g.db')}`, dispose: async () => {} }
          : await createTestDatabase(dialect);
      server = start();
      // Loading the four lists alone took 44 s on the shared 2-core machine under load.
      const deadline = Date.now() + 150_000;
      while (!/API key \(shown once\): (\S+)/.test(stderr)) {
        if (Date.now() > deadline || server.exitCode !== null)
          throw new Error(`serve did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      url = /serving (http:\/\/\S+?)\/? /.exec(stderr)![1]!;
      key = /API key \(shown once\): (\S+)/.exec(stderr)![1]!;
    }, 180_000); // First start: profiles, screening lists and 2000 demo declarations; slow under load.
    afterAll(async () => {
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
      rmSync(work, { recursive: true, force: true });
      await db?.dispose();
    });

    it('prints the URL and a demo key, seeds the queue and serves the API and the workbench', async () => {
      expect(stderr).toMatch(/seeded \d+ demo declarations/);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
      const queue = await fetch(`${url}/v1/queue?limit=5`, { headers: { authorization: `Bearer ${key}` } });
      expect(queue.status).toBe(200);
      expect(((await queue.json()) as { items: unknown[] }).items).toHaveLength(5);
      expect((await fetch(`${url}/v1/queue`)).status).toBe(401);
      expect(await (await fetch(`${url}/`)).text()).toContain('<title>Greenlane workbench</title>');
    });

    it('stops cleanly on SIGTERM', async () => {
      server.kill('SIGTERM');
      const [code] = await once(server, 'exit');
      expect(code).toBe(0);
      expect(stderr).toContain('shutting down');
    });

    it('keeps its database and keys owner-only, and mints no second demo key on the next start', async () => {
      const mode = (path: string) => statSync(path).mode & 0o777;
      if (dialect === 'sqlite') expect(mode(join(work, 'g.db'))).toBe(0o600);
      expect(mode(join(work, 'selection', 'keys.json'))).toBe(0o600);
      expect(mode(join(work, 'ledger', 'log.key'))).toBe(0o600);
      server = start();
      const deadline = Date.now() + 100_000;
      while (!stderr.includes('serving http') || !stderr.includes('federation:')) {
        if (Date.now() > deadline || server.exitCode !== null)
          throw new Error(`serve did not restart:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Before: every `npm start` printed (and stored) another admin key.
      expect(stderr).not.toContain('API key (shown once)');
      expect(stderr).toMatch(/demo API key \S+ was minted at this installation's first start/);
      const queue = await fetch(`${/serving (http:\/\/\S+?)\/? /.exec(stderr)![1]!}/v1/queue?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(queue.status).toBe(200);
      server.kill('SIGTERM');
      await once(server, 'exit');
    }, 120_000); // Screening lists and profiles load again: slow on a busy machine.
  });
}

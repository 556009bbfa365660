/**
 * `npm run bench:pool-start`: what starting `greenlane serve`'s screening worker threads costs, with
 * the index loaded from its snapshot (the second start onwards). Per round: the time the server's
 * event loop is blocked by `openScreeningPool`, the time until both workers are ready, the CPU of
 * the process (workers included) and the RSS the workers add (after a collection). Run it with
 * `--rounds N` (default 3); each round is a fresh pool in this process.
 */
import { loadavg } from 'node:os';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { openScreeningPool } from '../src/driven/lists/screening-pool.ts';
import { dataDir, screeningIndexCache } from '../src/installation/config.ts';

const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 3;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const cache = screeningIndexCache();
const { index, snapshot } = await loadScreeningIndex({
  dataDirectory: dataDir(),
  ...(cache ? { cache } : {}),
});
for (let round = 1; round <= rounds; round += 1) {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const pool = openScreeningPool({
    index,
    dataDirectory: dataDir(),
    size: 2,
    ...(snapshot ? { snapshot } : {}),
  });
  const blockedMs = performance.now() - started;
  await pool.ready;
  const readyMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  gc();
  const addedMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  console.log(
    `round ${round}: index from ${snapshot ? 'snapshot' : 'files'}; event loop blocked ${blockedMs.toFixed(0)} ms; ` +
      `2 workers ready in ${readyMs.toFixed(0)} ms; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; ` +
      `workers' RSS ${addedMb.toFixed(0)} MB; load ${loadavg()[0]!.toFixed(1)}`,
  );
  await pool.close();
}

/**
 * `npm run bench:startup`: how long a `greenlane` command takes to start.
 *
 * Part `commands`: from the bundle that bin/greenlane.mjs now builds at the first start
 * (bin/cli-bundle.mjs) against the previous way, tsx transforming the TypeScript sources at each
 * start (GREENLANE_CLI_TSX=1), in one run, interleaved, medians of several rounds. Two commands:
 * `gs1 parse` (start-up alone) and `assess` of one declaration without screening (start-up plus
 * reference data and the pipeline). Writes docs/PERFORMANCE.md (section `startup`).
 *
 * Part `index`: the screening index from files (no cache), at a first start with the cache (build
 * and write the snapshot) and from the snapshot, each load in a fresh process (bench/index-load.ts),
 * and `greenlane screen` of one name with the cache off and on. Writes section `index-snapshot`.
 *
 * `--part commands|index|all` (default all), `--rounds N` (commands, default 7), `--index-rounds N`
 * (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freshCliBundle } from '../bin/cli-bundle.mjs';
import { PACKAGE_ROOT } from '../src/installation/config.ts';
import { sampleDeclaration } from '../test/support/fixtures.ts';
import { median, writeReportSection } from './report.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'index-rounds': { type: 'string', default: '3' },
    part: { type: 'string', default: 'all' },
  },
});
const rounds = Number(values.rounds);
const indexRounds = Number(values['index-rounds']);
if (!['commands', 'index', 'all'].includes(values.part!))
  throw new Error('--part must be commands, index or all');
const bin = join(PACKAGE_ROOT, 'bin', 'greenlane.mjs');
const work = mkdtempSync(join(tmpdir(), 'greenlane-startup-'));
const declaration = join(work, 'one.json');
writeFileSync(declaration, JSON.stringify(sampleDeclaration()));

const commands: Record<string, string[]> = {
  'gs1 parse': ['gs1', 'parse', '(01)09506000134352(10)LOT7'],
  'assess, one declaration, --no-screening': ['assess', declaration, '--no-screening'],
};
const ways = { bundle: {}, tsx: { GREENLANE_CLI_TSX: '1' } } as const;
type Way = keyof typeof ways;

/** Wall and CPU (user + system) seconds and maximum resident set (MiB) of one run, from GNU time. */
function timed(args: string[], env: Record<string, string>): { wall: number; cpu: number; maxRssMB: number } {
  const res = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, GREENLANE_HOME: join(work, 'home') },
  });
  if (res.status !== 0) throw new Error(`greenlane ${args.join(' ')} failed:\n${res.stderr}`);
  const [wall, user, sys, maxKB] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys!, maxRssMB: maxKB! / 1024 };
}

if (!(await freshCliBundle())) throw new Error('the CLI bundle cannot be built here');
if (values.part !== 'index') commandsPart();
if (values.part !== 'commands') indexPart();
rmSync(work, { recursive: true, force: true });

function commandsPart(): void {
  const samples: Record<string, Record<Way, { wall: number[]; cpu: number[] }>> = {};
  for (const name of Object.keys(commands)) {
    samples[name] = { bundle: { wall: [], cpu: [] }, tsx: { wall: [], cpu: [] } };
    timed(commands[name]!, {}); // warm the file cache
  }
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Flip the order each round so neither way always runs on a warmer machine.
    const order: Way[] = r % 2 ? ['tsx', 'bundle'] : ['bundle', 'tsx'];
    for (const [name, args] of Object.entries(commands)) {
      for (const way of order) {
        const t = timed(args, ways[way]);
        samples[name]![way].wall.push(t.wall);
        samples[name]![way].cpu.push(t.cpu);
      }
    }
    loads.push(loadavg()[0]!);
    process.stderr.write(`round ${r + 1}/${rounds}\n`);
  }

  const rows = Object.keys(commands).map((name) => {
    const s = samples[name]!;
    const m = (way: Way, k: 'wall' | 'cpu') => median(s[way][k]);
    const change = (k: 'wall' | 'cpu') =>
      `${(((m('bundle', k) - m('tsx', k)) / m('tsx', k)) * 100).toFixed(0)}%`;
    return `| ${name} | ${m('tsx', 'wall').toFixed(2)} | ${m('bundle', 'wall').toFixed(2)} | ${change('wall')} | ${m('tsx', 'cpu').toFixed(2)} | ${m('bundle', 'cpu').toFixed(2)} | ${change('cpu')} |`;
  });
  const markdown = `## Command start-up (\`npm run bench:startup\`)

Command: \`npm run bench:startup -- --part commands --rounds ${rounds}\` — run ${new Date().toISOString()} (Node ${process.version}, 2-core machine; 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the rounds). Seconds per command, medians of ${rounds} rounds, the two ways interleaved (order flipped each round). "tsx" is how \`bin/greenlane.mjs\` started every command before (tsx transforming the TypeScript sources at each start, still the fallback: \`GREENLANE_CLI_TSX=1\`); "bundle" is the esbuild bundle it now builds at the first start after the sources change (bin/cli-bundle.mjs), not counted here. CPU is user + system time of the process.

| command | tsx wall | bundle wall | change | tsx CPU | bundle CPU | change |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
  console.log(markdown);
  writeReportSection(join(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), 'startup', markdown);
}

interface IndexLoad {
  wallMs: number;
  cpuMs: number;
  rssMB: number;
  heapMB: number;
  timings: {
    source: string;
    keyMs: number;
    snapshotMs: number;
    parseMs: number;
    tablesMs: number;
    buildMs: number;
  };
  contentDigest: string;
  hitsDigest: string;
}

/** One load of the index in a fresh process (bench/index-load.ts). */
function indexLoad(cache: string): IndexLoad {
  const res = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(PACKAGE_ROOT, 'bench', 'index-load.ts'), '--cache', cache],
    { encoding: 'utf8', cwd: PACKAGE_ROOT },
  );
  if (res.status !== 0) throw new Error(`bench/index-load.ts failed:\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as IndexLoad;
}

function indexPart(): void {
  const ways = ['files', 'first start', 'snapshot'] as const;
  type IndexWay = (typeof ways)[number];
  const warm = join(work, 'cache-warm');
  // Writes the snapshot the `snapshot` runs read.
  indexLoad(warm);
  const runs: Record<IndexWay, IndexLoad[]> = { files: [], 'first start': [], snapshot: [] };
  const screens: Record<'off' | 'on', ReturnType<typeof timed>[]> = { off: [], on: [] };
  const names = join(work, 'names.ndjson');
  writeFileSync(names, `${JSON.stringify({ id: 'p1', name: 'Abdul Rahman Yasin', type: 'person' })}\n`);
  const screen = ['screen', names, '--source', 'data', '--format', 'ndjson', '--db', 'sqlite::memory:'];
  const loads: number[] = [];
  for (let r = 0; r < indexRounds; r++) {
    const order = r % 2 ? [...ways].reverse() : [...ways];
    for (const way of order) {
      const cache = way === 'files' ? 'off' : way === 'snapshot' ? warm : join(work, `cache-fresh-${r}`);
      runs[way].push(indexLoad(cache));
    }
    for (const way of r % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const))
      screens[way].push(
        timed(
          screen,
          way === 'off'
            ? { GREENLANE_SCREENING_CACHE: 'off' }
            : { GREENLANE_CACHE_DIR: warm, GREENLANE_SCREENING_CACHE: '' },
        ),
      );
    loads.push(loadavg()[0]!);
    process.stderr.write(`index round ${r + 1}/${indexRounds}\n`);
  }
  const all = Object.values(runs).flat();
  const same = (k: 'contentDigest' | 'hitsDigest') => new Set(all.map((x) => x[k])).size === 1;
  if (!same('contentDigest') || !same('hitsDigest'))
    throw new Error('the index from the snapshot differs from the index built from files');
  const snapshotFile = readdirSync(warm).find((f) => f.endsWith('.v8'))!;
  const snapshotMB = statSync(join(warm, snapshotFile)).size / 2 ** 20;

  const m = (way: IndexWay, f: (x: IndexLoad) => number) => median(runs[way].map(f));
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const rows = ways.map(
    (way) =>
      `| ${way} | ${s(m(way, (x) => x.wallMs))} | ${s(m(way, (x) => x.cpuMs))} | ${m(way, (x) => x.rssMB).toFixed(0)} | ${m(way, (x) => x.heapMB).toFixed(0)} | ${s(m(way, (x) => x.timings.keyMs))} | ${s(m(way, (x) => x.timings.parseMs + x.timings.buildMs))} | ${s(m(way, (x) => x.timings.tablesMs))} | ${s(m(way, (x) => x.timings.snapshotMs))} |`,
  );
  const c = (way: 'off' | 'on', k: 'wall' | 'cpu' | 'maxRssMB') => median(screens[way].map((x) => x[k]));
  const ratio = (k: 'wallMs' | 'cpuMs') => (m('files', (x) => x[k]) / m('snapshot', (x) => x[k])).toFixed(1);
  const markdown = `## Screening index: from files and from the snapshot (\`npm run bench:startup -- --part index\`)

Command: \`npm run bench:startup -- --part index --index-rounds ${indexRounds}\` — run ${new Date().toISOString()} (Node ${process.version}, 2-core machine shared with other work; 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the rounds, so wall times are inflated: compare the CPU columns). Each load of the four lists' index runs in a fresh process (bench/index-load.ts), medians of ${indexRounds} rounds, ways interleaved (order flipped each round). "files": built from the data directory, cache off (what every start did before). "first start": built, then the snapshot written to an empty cache directory. "snapshot": read from the snapshot (${snapshotMB.toFixed(1)} MiB) written by an earlier start. CPU is user + system time of the load (V8's parallel garbage collector can make it exceed wall). RSS and heap are measured after two full garbage collections, with the index loaded. Every run's index had the same content digest (postings, names, entities, versions) and gave the same hits for ${2 * Math.ceil(66_824 / 250)} queries (listed names every 250th, as written and with two letters swapped, original scripts included).

| way | wall s | CPU s | RSS MiB | heap MiB | key (hash inputs) s | parse + build s | name tables s | snapshot read / write s |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

From the snapshot the index loads ${ratio('wallMs')}× faster in wall time and with ${ratio('cpuMs')}× less CPU than from files; a first start with the cache costs the snapshot write on top of a build.

The whole command, \`greenlane screen\` of one name (\`--source data\`, bundle): cache off ${c('off', 'wall').toFixed(2)} s wall, ${c('off', 'cpu').toFixed(2)} s CPU, ${c('off', 'maxRssMB').toFixed(0)} MiB peak RSS; from the snapshot ${c('on', 'wall').toFixed(2)} s wall, ${c('on', 'cpu').toFixed(2)} s CPU, ${c('on', 'maxRssMB').toFixed(0)} MiB peak RSS (medians of ${indexRounds}).
`;
  console.log(markdown);
  writeReportSection(join(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), 'index-snapshot', markdown);
}

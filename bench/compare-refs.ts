/**
 * `npm run bench:compare -- --base <git ref> [--bench assess|screening] [--rounds N] [--section NAME]`
 * — a benchmark on two versions of the code in one run, interleaved (base, head, then head, base,
 * …) so a noisy machine affects both alike, medians of the rounds side by side.
 *
 * The base version is checked out into a temporary git worktree (sharing this checkout's
 * `node_modules` and reference-data directory); the head is this checkout. Each round runs the
 * benchmark of that version in a child process and reads its figures from what it prints, a
 * contract older versions already keep:
 * - `assess` (default): `bench/assess.ts --quick`, standard error "in-process: N/s", "API + SQLite:
 *   N/s", "API + SQLite without screening: N/s";
 * - `screening`: `bench/screening.ts`, its Markdown table rows "queries per second, one core",
 *   "queries per CPU second" and the settled RSS.
 * Writes its table to docs/PERFORMANCE.md (section `<bench>-compare`, or --section).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';
import { median, writeReportSection } from './report.ts';

type Figures = Record<string, number>;
interface Metric {
  key: string;
  label: string;
  pattern: RegExp;
  /** True when a lower figure is better (memory). */
  lowerIsBetter?: boolean;
}
interface BenchSpec {
  args: string[];
  /** Which output carries the figures. */
  stream: 'stdout' | 'stderr';
  unit: string;
  metrics: Metric[];
}

const BENCHES: Record<string, BenchSpec> = {
  assess: {
    args: ['--import', 'tsx', 'bench/assess.ts', '--quick'],
    stream: 'stderr',
    unit: 'declarations/s',
    metrics: [
      {
        key: 'inProcess',
        label: 'validate + profiles + decide, in-process',
        pattern: /^in-process: (\d+)\/s/m,
      },
      {
        key: 'api',
        label: '`POST /v1/declarations` + SQLite, screening, log',
        pattern: /^API \+ SQLite: (\d+)\/s/m,
      },
      {
        key: 'apiNoScreening',
        label: 'the same with `serve --no-screening`',
        pattern: /^API \+ SQLite without screening: (\d+)\/s/m,
      },
    ],
  },
  screening: {
    args: ['--expose-gc', '--import', 'tsx', 'bench/screening.ts'],
    stream: 'stdout',
    unit: 'queries/s; MB',
    metrics: [
      {
        key: 'qps',
        label: 'queries per second, one core (wall clock)',
        pattern: /^\| queries per second, one core \(wall clock\) \|[^|]*\| (\d+) \|/m,
      },
      {
        key: 'cpuQps',
        label: 'queries per CPU second',
        pattern: /^\| queries per CPU second \|[^|]*\| (\d+) \|/m,
      },
      {
        key: 'rssMb',
        label: 'process RSS once settled (MB)',
        pattern: /^\| heap of lists \+ index[^|]*\|[^|]*\| \d+ MB \/ (\d+) MB \|/m,
        lowerIsBetter: true,
      },
    ],
  },
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const baseRef = option('--base');
if (!baseRef) {
  console.error('usage: npm run bench:compare -- --base <git ref> [--rounds N] [--section NAME]');
  process.exit(2);
}
const rounds = Number(option('--rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
  console.error('--rounds must be a whole number from 1 to 20');
  process.exit(2);
}
const benchName = option('--bench') ?? 'assess';
if (!Object.hasOwn(BENCHES, benchName)) {
  console.error(`--bench must be one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const bench: BenchSpec = BENCHES[benchName]!;
const METRICS = bench.metrics;
const section = option('--section') ?? `${benchName}-compare`;
const git = (...args: string[]) => execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim();
const baseCommit = git('rev-parse', '--verify', `${baseRef}^{commit}`);
const headCommit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';

async function runOnce(root: string, label: string): Promise<Figures> {
  const child = spawn(process.execPath, bench.args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GREENLANE_DATA_DIR: dataDir(), GREENLANE_BENCH_NO_REPORT: '1' },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr.on('data', (d) => {
    out.stderr += d;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0)
    throw new Error(`${bench.args.join(' ')} of ${label} exited ${code}:\n${out.stderr.slice(-2000)}`);
  const figures: Figures = {};
  for (const m of METRICS) {
    const match = m.pattern.exec(out[bench.stream]);
    if (!match) throw new Error(`${bench.args.join(' ')} of ${label} printed no "${m.pattern.source}" line`);
    figures[m.key] = Number(match[1]);
  }
  process.stderr.write(`${label}: ${JSON.stringify(figures)}\n`);
  return figures;
}

const tmp = mkdtempSync(join(tmpdir(), 'greenlane-compare-'));
const baseRoot = join(tmp, 'base');
try {
  git('worktree', 'add', '--detach', baseRoot, baseCommit);
  symlinkSync(resolve(PACKAGE_ROOT, 'node_modules'), join(baseRoot, 'node_modules'), 'dir');
  const base: Figures[] = [];
  const head: Figures[] = [];
  // The order flips every round (base first, then head first, …) so whatever a run leaves behind
  // for the next (page cache, disk writeback of the last one's files) falls on both alike.
  for (let r = 0; r < rounds; r++) {
    const runBase = async () =>
      base.push(await runOnce(baseRoot, `round ${r + 1} base ${baseCommit.slice(0, 7)}`));
    const runHead = async () =>
      head.push(await runOnce(PACKAGE_ROOT, `round ${r + 1} head ${headCommit.slice(0, 7)}`));
    if (r % 2 === 0) {
      await runBase();
      await runHead();
    } else {
      await runHead();
      await runBase();
    }
  }
  const rows = METRICS.map((m) => {
    const b = median(base.map((f) => f[m.key]!));
    const h = median(head.map((f) => f[m.key]!));
    const change = ((h - b) / b) * 100;
    const worse = m.lowerIsBetter ? change : -change;
    const verdict =
      worse <= 5 ? 'within 5% or better' : worse <= 10 ? 'worse by 5-10%' : '**worse by more than 10%**';
    return `| ${m.label} | ${b.toLocaleString('en')} | ${h.toLocaleString('en')} | ${change >= 0 ? '+' : ''}${change.toFixed(1)}% | ${verdict} |`;
  });
  const md = `## ${benchName}: before and after, interleaved (\`npm run bench:compare -- --base ${baseRef} --bench ${benchName} --rounds ${rounds}\`)

Run ${new Date().toISOString().slice(0, 16)}Z on this 2-core machine (load average ${loadavg()[0]!.toFixed(1)} at the end), Node ${process.version}:
\`node ${bench.args.join(' ')}\` of base ${baseCommit.slice(0, 7)} and head ${headCommit.slice(0, 7)}${dirty ? ' (with uncommitted changes)' : ''}, alternately (the order flipping every round),
${rounds} rounds each; each figure is the median over the rounds of that round's own figure (${bench.unit}).

| path | base | head | change | |
|---|---:|---:|---:|---|
${rows.join('\n')}`;
  console.log(md);
  writeReportSection(resolve(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), section, md);
} finally {
  try {
    git('worktree', 'remove', '--force', baseRoot);
  } catch {
    // the temporary worktree was never created: nothing to remove
  }
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * `npm run bench:compare -- --base <git ref> [--rounds N] [--section NAME]` — `bench:assess` on two
 * versions of the code in one run, interleaved (base, head, base, head, …) so a noisy machine
 * affects both alike, medians of the rounds side by side.
 *
 * The base version is checked out into a temporary git worktree (sharing this checkout's
 * `node_modules` and reference-data directory); the head is this checkout. Each round runs
 * `bench/assess.ts --quick` of that version in a child process and reads its three throughput
 * lines from standard error ("in-process: N/s", "API + SQLite: N/s", "API + SQLite without
 * screening: N/s"), a contract older versions of the benchmark already print.
 * Writes its table to docs/PERFORMANCE.md (section `assess-compare`, or --section).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';
import { median, writeReportSection } from './report.ts';

interface Figures {
  inProcess: number;
  api: number;
  apiNoScreening: number;
}

const METRICS: ReadonlyArray<{ key: keyof Figures; label: string; pattern: RegExp }> = [
  { key: 'inProcess', label: 'validate + profiles + decide, in-process', pattern: /^in-process: (\d+)\/s/m },
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
];

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
const section = option('--section') ?? 'assess-compare';
const git = (...args: string[]) => execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim();
const baseCommit = git('rev-parse', '--verify', `${baseRef}^{commit}`);
const headCommit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';

async function runOnce(root: string, label: string): Promise<Figures> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'assess.ts'), '--quick'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GREENLANE_DATA_DIR: dataDir(), GREENLANE_BENCH_NO_REPORT: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`bench/assess.ts of ${label} exited ${code}:\n${stderr.slice(-2000)}`);
  const figures = {} as Figures;
  for (const m of METRICS) {
    const match = m.pattern.exec(stderr);
    if (!match) throw new Error(`bench/assess.ts of ${label} printed no "${m.pattern.source}" line`);
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
  for (let r = 0; r < rounds; r++) {
    base.push(await runOnce(baseRoot, `round ${r + 1} base ${baseCommit.slice(0, 7)}`));
    head.push(await runOnce(PACKAGE_ROOT, `round ${r + 1} head ${headCommit.slice(0, 7)}`));
  }
  const rows = METRICS.map((m) => {
    const b = median(base.map((f) => f[m.key]));
    const h = median(head.map((f) => f[m.key]));
    const change = ((h - b) / b) * 100;
    const within = Math.abs(change) <= 5 || change > 0;
    return `| ${m.label} | ${b.toLocaleString('en')} | ${h.toLocaleString('en')} | ${change >= 0 ? '+' : ''}${change.toFixed(1)}% | ${within ? 'within 5% or faster' : '**slower by more than 5%**'} |`;
  });
  const md = `## Before and after, interleaved (\`npm run bench:compare -- --base ${baseRef} --rounds ${rounds}\`)

Run ${new Date().toISOString().slice(0, 16)}Z on this 2-core machine, Node ${process.version}: \`bench/assess.ts --quick\` of
base ${baseCommit.slice(0, 7)} and head ${headCommit.slice(0, 7)}${dirty ? ' (with uncommitted changes)' : ''}, alternately, ${rounds} rounds each;
each figure is the median over the rounds of that round's median of 5 runs (declarations/s).

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

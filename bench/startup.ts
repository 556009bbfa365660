/**
 * `npm run bench:startup`: how long a `greenlane` command takes to start, from the bundle that
 * bin/greenlane.mjs now builds at the first start (bin/cli-bundle.mjs) against the previous way,
 * tsx transforming the TypeScript sources at each start (GREENLANE_CLI_TSX=1), in one run,
 * interleaved, medians of several rounds. Two commands: `gs1 parse` (start-up alone) and `assess`
 * of one declaration without screening (start-up plus reference data and the pipeline).
 * Writes docs/PERFORMANCE.md (section `startup`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freshCliBundle } from '../bin/cli-bundle.mjs';
import { PACKAGE_ROOT } from '../src/installation/config.ts';
import { sampleDeclaration } from '../test/support/fixtures.ts';
import { median, writeReportSection } from './report.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
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

/** Wall and CPU (user + system) seconds of one run, from GNU time. */
function timed(args: string[], env: Record<string, string>): { wall: number; cpu: number } {
  const res = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, GREENLANE_HOME: join(work, 'home') },
  });
  if (res.status !== 0) throw new Error(`greenlane ${args.join(' ')} failed:\n${res.stderr}`);
  const [wall, user, sys] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys! };
}

if (!(await freshCliBundle())) throw new Error('the CLI bundle cannot be built here');
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
rmSync(work, { recursive: true, force: true });

const rows = Object.keys(commands).map((name) => {
  const s = samples[name]!;
  const m = (way: Way, k: 'wall' | 'cpu') => median(s[way][k]);
  const change = (k: 'wall' | 'cpu') =>
    `${(((m('bundle', k) - m('tsx', k)) / m('tsx', k)) * 100).toFixed(0)}%`;
  return `| ${name} | ${m('tsx', 'wall').toFixed(2)} | ${m('bundle', 'wall').toFixed(2)} | ${change('wall')} | ${m('tsx', 'cpu').toFixed(2)} | ${m('bundle', 'cpu').toFixed(2)} | ${change('cpu')} |`;
});
const markdown = `## Command start-up (\`npm run bench:startup\`)

Command: \`npm run bench:startup -- --rounds ${rounds}\` — run ${new Date().toISOString()} (Node ${process.version}, 2-core machine; 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the rounds). Seconds per command, medians of ${rounds} rounds, the two ways interleaved (order flipped each round). "tsx" is how \`bin/greenlane.mjs\` started every command before (tsx transforming the TypeScript sources at each start, still the fallback: \`GREENLANE_CLI_TSX=1\`); "bundle" is the esbuild bundle it now builds at the first start after the sources change (bin/cli-bundle.mjs), not counted here. CPU is user + system time of the process.

| command | tsx wall | bundle wall | change | tsx CPU | bundle CPU | change |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
console.log(markdown);
writeReportSection(join(PACKAGE_ROOT, 'docs', 'PERFORMANCE.md'), 'startup', markdown);

/**
 * `npm run bench:screening-profile`: where the CPU time of screening goes. Loads the four lists,
 * screens the queries of `bench:screening` (typed persons) a few times under the V8 sampling
 * profiler (node:inspector, started after the index is built so loading is not counted) and prints
 * the self time of the heaviest functions. Nothing is written to the docs: it is a diagnostic.
 *
 * Options: `--passes N` (default 3), `--top N` (default 25), `--save FILE` (the .cpuprofile, for
 * Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { screenParty } from '../src/core/screening/screen.ts';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { dataDir } from '../src/installation/config.ts';
import { benchScreeningQueries } from './screening-queries.ts';

const { values } = parseArgs({
  options: {
    passes: { type: 'string', default: '3' },
    top: { type: 'string', default: '25' },
    save: { type: 'string' },
  },
});
const data = dataDir();
const { index } = await loadScreeningIndex({ dataDirectory: data });
// The same mix as bench:screening: synthetic non-listed persons, one perturbed UN person in 16.
const { queries } = benchScreeningQueries(data);
for (const q of queries.slice(0, 2000)) screenParty(q, index);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu = process.cpuUsage();
const passes = Number(values.passes);
for (let p = 0; p < passes; p++) for (const q of queries) screenParty(q, index);
const used = process.cpuUsage(cpu);
const { profile } = await session.post('Profiler.stop');
if (values.save) writeFileSync(values.save, JSON.stringify(profile));

const seconds = (used.user + used.system) / 1e6;
const selfByName = new Map<string, number>();
const dt = profile.timeDeltas ?? [];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
let total = 0;
for (let i = 0; i < (profile.samples ?? []).length; i++) {
  const node = byId.get(profile.samples![i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.split('/').slice(-1)[0] ?? '';
  const key = `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
  const d = dt[i] ?? 0;
  selfByName.set(key, (selfByName.get(key) ?? 0) + d);
  total += d;
}
console.log(
  `${queries.length * passes} queries in ${seconds.toFixed(2)} CPU s: ${((queries.length * passes) / seconds).toFixed(0)} per CPU second (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
);
for (const [name, t] of [...selfByName].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);

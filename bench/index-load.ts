/**
 * One load of the screening index, for `npm run bench:startup` (run as a child process so each
 * load starts cold): `--cache off` builds from the data directory without the snapshot cache,
 * `--cache DIR` reads the snapshot in DIR or builds and writes it. Prints one JSON line: wall and
 * CPU milliseconds of the load, where the index came from, and the resident set and heap after
 * a full garbage collection (what the loaded index holds, not what loading it left behind), and,
 * measured after those, two digests that must not depend on where the index came from: one of
 * the index's content (postings, names, entities, versions) and one of the hits of a few hundred
 * queries (listed names as written and misspelt, names in their original script).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { screenParty } from '../src/core/screening/screen.ts';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { dataDir, PACKAGE_ROOT } from '../src/installation/config.ts';

const { values } = parseArgs({ options: { cache: { type: 'string', default: 'off' } } });
const cache = values.cache === 'off' ? undefined : { directory: values.cache!, packageRoot: PACKAGE_ROOT };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { index, versions, timings } = await loadScreeningIndex({
  dataDirectory: dataDir(),
  ...(cache ? { cache } : {}),
});
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
gc();
gc();
const memory = process.memoryUsage();

const content = createHash('sha256');
for (const [key, ids] of index.postings)
  content.update(`${key}\0`).update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
for (const name of index.names) content.update(JSON.stringify(name));
content.update(
  JSON.stringify([index.entities, index.entityVersion, index.entityIds, [...index.entityParty]]),
);
content.update(
  JSON.stringify([
    [...index.exact],
    [...index.imo],
    [...index.nameEntity],
    [...index.nameType],
    [...index.nameLength],
  ]),
);
content.update(JSON.stringify(versions.map((v) => ({ ...v, entities: v.entities.length }))));
const hits = createHash('sha256');
for (let n = 0; n < index.names.length; n += 250) {
  const name = index.names[n]!.value;
  const typo = name.length > 6 ? `${name.slice(0, 3)}${name[4]}${name[3]}${name.slice(5)}` : name;
  for (const q of [name, typo]) hits.update(JSON.stringify(screenParty({ name: q, type: 'any' }, index)));
}
console.log(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMB: memory.rss / 2 ** 20,
    heapMB: memory.heapUsed / 2 ** 20,
    names: index.size,
    timings,
    contentDigest: content.digest('hex'),
    hitsDigest: hits.digest('hex'),
  }),
);

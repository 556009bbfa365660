/**
 * `npm run build:web`: builds the workbench into web/dist now (serve and the tests build it
 * themselves when its sources changed). `--check` only says whether the build is current.
 */

import { join } from 'node:path';
import { buildWeb, readBuildInfo, WEB_DIR, webSourceHash } from '../src/driving/http/web/web-build.ts';

const outDir = join(WEB_DIR, 'dist');
if (process.argv.includes('--check')) {
  const current = readBuildInfo(outDir)?.sourceHash === webSourceHash();
  console.log(current ? 'web build is current' : 'web build is missing or stale');
  process.exit(current ? 0 : 1);
}
const started = performance.now();
const info = await buildWeb(WEB_DIR, outDir);
console.log(
  `built ${info.files.length} files into web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

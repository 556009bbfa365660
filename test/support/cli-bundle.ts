import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { inject } from 'vitest';
import { PACKAGE_ROOT } from '../../src/installation/config.ts';

/** What users run (`npx greenlane`): registers tsx, then transforms the TypeScript tree as it loads. */
export const GREENLANE_BIN = join(PACKAGE_ROOT, 'bin', 'greenlane.mjs');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI bundle that `test/support/global-setup.ts` built for this run. */
    greenlaneCliBundle: string;
  }
}

/**
 * Every `import.meta.url` (and `.dirname`/`.filename`) of a source file is replaced by that source
 * file's own location, so paths the code resolves from its module (`PACKAGE_ROOT`, the screening
 * worker thread, kuromoji's dictionary) are the same in the bundle as under tsx.
 */
const sourceLocations: Plugin = {
  name: 'source-locations',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(join(args.path, '..')))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * Bundles the `greenlane` command line (`src/driving/cli/main.ts`, packages left to
 * `node_modules`) into one ES module `dir/greenlane.mjs`, from the current sources. A process
 * started from it does the same as `bin/greenlane.mjs` without tsx resolving and transforming
 * ~250 TypeScript files at each start (about 3 s of CPU per process on the 2-core test machine).
 * `dir` must lie inside the package (e.g. `node_modules/.cache/<name>`) so the bundle finds the
 * packages in the package's `node_modules`.
 */
export async function buildCliBundle(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'greenlane.mjs');
  await build({
    stdin: {
      contents: "import { main } from './src/driving/cli/main.ts';\nawait main(process.argv);\n",
      resolveDir: PACKAGE_ROOT,
      sourcefile: 'greenlane-cli-entry.ts',
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [sourceLocations],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The script test processes start `greenlane` from: the bundle of this run (built once by the
 * global setup), or `bin/greenlane.mjs` outside vitest (benchmarks) or without that setup.
 */
export function greenlaneScript(): string {
  if (!process.env.VITEST) return GREENLANE_BIN;
  return inject('greenlaneCliBundle') ?? GREENLANE_BIN;
}

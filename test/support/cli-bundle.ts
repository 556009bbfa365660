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
    /** The bundle of `test/support/ledger-appender.ts` built with it. */
    ledgerAppenderBundle: string;
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

/** The script of the `greenlane` CLI bundle (the entry point esbuild writes to `greenlane.mjs`). */
const CLI_ENTRY: Plugin = {
  name: 'greenlane-cli-entry',
  setup(builder) {
    builder.onResolve({ filter: /^greenlane-cli-entry$/ }, () => ({ path: 'entry', namespace: 'cli' }));
    builder.onLoad({ filter: /.*/, namespace: 'cli' }, () => ({
      contents: "import { main } from './src/driving/cli/main.ts';\nawait main(process.argv);\n",
      resolveDir: PACKAGE_ROOT,
      loader: 'ts',
    }));
  },
};

/**
 * Bundles, from the current sources, the `greenlane` command line (`src/driving/cli/main.ts`) into
 * `dir/greenlane.mjs` and the crash test's appender (`test/support/ledger-appender.ts`) into
 * `dir/ledger-appender.mjs`, as ES modules that share chunks and keep dynamic imports lazy; the
 * packages stay in `node_modules`. A process started from them does the same as through tsx
 * (`bin/greenlane.mjs`, `node --import tsx`) without tsx resolving and transforming some 250
 * TypeScript files at each start (about 3 s of CPU per `greenlane` process on the 2-core test
 * machine). `dir` must lie inside the package (e.g. `node_modules/.cache/<name>`) so the bundles
 * find the packages in the package's `node_modules`.
 */
export async function buildTestBundles(dir: string): Promise<{ cli: string; ledgerAppender: string }> {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: {
      greenlane: 'greenlane-cli-entry',
      'ledger-appender': join(PACKAGE_ROOT, 'test', 'support', 'ledger-appender.ts'),
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [CLI_ENTRY, sourceLocations],
    logLevel: 'warning',
  });
  return { cli: join(dir, 'greenlane.mjs'), ledgerAppender: join(dir, 'ledger-appender.mjs') };
}

/**
 * The script test processes start `greenlane` from: the bundle of this run (built once by the
 * global setup), or `bin/greenlane.mjs` outside vitest (benchmarks) or without that setup.
 */
export function greenlaneScript(): string {
  if (!process.env.VITEST) return GREENLANE_BIN;
  return inject('greenlaneCliBundle') ?? GREENLANE_BIN;
}

/**
 * The command that starts the crash test's appender: this run's bundle, or the TypeScript file
 * through tsx without the global setup.
 */
export function ledgerAppenderCommand(): string[] {
  const bundle = process.env.VITEST ? inject('ledgerAppenderBundle') : undefined;
  return bundle ? [bundle] : ['--import', 'tsx', join(PACKAGE_ROOT, 'test', 'support', 'ledger-appender.ts')];
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { inject } from 'vitest';
import { bundleOptions } from '../../bin/cli-bundle.mjs';
import { PACKAGE_ROOT } from '../../src/installation/config.ts';

/** What users run (`npx greenlane`): a bundle of the sources built at the first start (bin/cli-bundle.mjs), tsx where none can be built. */
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
  await build(
    bundleOptions(
      {
        greenlane: 'greenlane-cli-entry',
        'ledger-appender': join(PACKAGE_ROOT, 'test', 'support', 'ledger-appender.ts'),
      },
      dir,
    ),
  );
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

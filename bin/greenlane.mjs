#!/usr/bin/env node
// Entry point for `npx greenlane` and `npm start`. Runs a bundle of the TypeScript CLI, built by
// esbuild at the first start after the sources change (bin/cli-bundle.mjs); where it cannot be
// built, or with GREENLANE_CLI_TSX=1, runs the sources through tsx. No build step is needed.
import { pathToFileURL } from 'node:url';
import { freshCliBundle } from './cli-bundle.mjs';

const bundle = process.env.GREENLANE_CLI_TSX === '1' ? undefined : await freshCliBundle();
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/driving/cli/main.ts');
  await main(process.argv);
}

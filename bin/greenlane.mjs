#!/usr/bin/env node
// Entry point for `npx greenlane`: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/driving/cli/main.ts');
await main(process.argv);

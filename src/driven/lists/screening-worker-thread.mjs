// Entry of a screening worker thread (see screening-pool.ts). A worker thread does not inherit the
// TypeScript loader of the thread that starts it, so it registers tsx before loading the worker.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

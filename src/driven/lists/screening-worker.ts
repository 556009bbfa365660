/**
 * Body of a screening worker thread (started by `openScreeningPool`): reads its own screening
 * index from the snapshot it is handed, else builds it from the list versions (handed along, or
 * asked for when the snapshot cannot be read), then answers batches of party queries, so that
 * scoring names never runs on the HTTP server's event loop.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { buildScreeningIndex } from '../../core/screening/candidate-index.ts';
import type { ListVersion } from '../../core/screening/entity.ts';
import { screenParty } from '../../core/screening/screen.ts';
import { releaseJapaneseReader } from './japanese-reader.ts';
import { indexFromSnapshot, loadScreeningTables } from './load-index.ts';
import type { ScreeningWorkerData, WorkerReply, WorkerRequest, WorkerVersions } from './screening-pool.ts';

const port = parentPort!;
const { dataDirectory, snapshot } = workerData as ScreeningWorkerData;

/** The list versions: handed along at the start, else asked of the pool. */
function listVersions(): Promise<ListVersion[]> {
  const given = (workerData as ScreeningWorkerData).versions;
  if (given) return Promise.resolve(given);
  return new Promise((resolve) => {
    port.once('message', (message: WorkerVersions) => resolve(message.versions));
    port.postMessage({ needVersions: true } satisfies WorkerReply);
  });
}

try {
  const index =
    (snapshot && (await indexFromSnapshot(snapshot, dataDirectory))) ??
    buildScreeningIndex(await listVersions(), await loadScreeningTables(dataDirectory));
  releaseJapaneseReader();
  // The build leaves about 120 MB of garbage (the cloned list versions' transfer, the Japanese
  // dictionary, intermediate arrays) and an idle worker never collects it: collect once now.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  port.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id: request.id, hits: request.queries.map((q) => screenParty(q, index)) };
    } catch (err) {
      reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: index.versions } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ failed: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
}

import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { InputRecord } from '../../driven/input/input-record.ts';
import { readRecords } from '../../driven/input/read-records.ts';
import type { CreatedApiKey } from '../../driven/store/api-key-records.ts';
import type { DeclarationStore } from '../../driven/store/declaration-store.ts';
import type { AssessRecords } from './routes/declarations.ts';

/** The tenant `greenlane serve --demo` creates; real installations name their own. */
export const DEMO_ADMINISTRATION = 'DEMO';

/** The synthetic declarations the demo queue is filled from (WCO BACUDA research data, test split). */
export function demoDeclarationsFile(dataDir: string): string {
  return join(dataDir, 'customs-declarations', 'df_syn_test_eng.csv');
}

/** The data set's training year, from which the demo computes its unit-price bands; absent if missing. */
export function demoTrainingFile(dataDir: string): string | undefined {
  const file = join(dataDir, 'customs-declarations', 'df_syn_train_eng.csv');
  return existsSync(file) ? file : undefined;
}

/** The installation-state name under which the demo key's id is kept. */
export const DEMO_KEY_STATE = 'demo_key';

/**
 * Creates the demo administration if needed and, once per installation, an admin API key for it.
 * Only the hash of a key is stored, so its secret is shown at that first start only; later starts
 * (and starts after it was revoked) mint nothing and return the id of the key minted then, so
 * `npm start` does not pile up admin keys.
 */
export async function createDemoKey(
  store: DeclarationStore,
): Promise<{ created: CreatedApiKey } | { existingId: string }> {
  await store.ensureAdministration(DEMO_ADMINISTRATION, 'Demo administration (synthetic data)');
  return store.createApiKeyOnce(
    DEMO_KEY_STATE,
    DEMO_ADMINISTRATION,
    'demo key (greenlane serve --demo)',
    'admin',
  );
}

export interface SeedResult {
  accepted: number;
  rejected: number;
}

/**
 * Fills an empty demo queue with the first `limit` synthetic declarations, through the same
 * assessment pipeline as the API (so they get real channels and explanations). Does nothing and
 * returns null when the queue already has declarations, so restarts do not duplicate work.
 */
export async function seedDemoQueue(
  store: DeclarationStore,
  assess: AssessRecords,
  file: string,
  limit: number,
): Promise<SeedResult | null> {
  const current = await store.queue(DEMO_ADMINISTRATION, { limit: 1 });
  if (current.items.length > 0) return null;
  const result: SeedResult = { accepted: 0, rejected: 0 };
  const source = `file:${basename(file)}`;
  let batch: InputRecord[] = [];
  const flush = async () => {
    const lines = await assess(DEMO_ADMINISTRATION, batch, { source, actor: 'greenlane serve --demo' });
    for (const line of lines) {
      if ('rejected' in line) result.rejected++;
      else result.accepted++;
    }
    batch = [];
  };
  let read = 0;
  for await (const input of readRecords(createReadStream(file), 'customs-csv')) {
    if (read++ >= limit) break;
    // The data set's inspection labels are left out: the demo queue waits for its officers.
    const { outcome: _labels, ...record } = input;
    batch.push(record);
    if (batch.length === 500) await flush();
  }
  if (batch.length > 0) await flush();
  return result;
}

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type DialectName, openDatabase, type StoreConnection } from '../../src/driven/database/database.ts';
import { migrateToLatest } from '../../src/driven/database/migrate.ts';
import type { ReceivedItemHandler, ReceivedItemHandlers } from '../../src/driven/federation/sharing-port.ts';
import type { TransparencyLog } from '../../src/driven/ledger/transparency-log.ts';
import { DeclarationStore } from '../../src/driven/store/declaration-store.ts';
import { createApp } from '../../src/driving/http/app.ts';
import { federationRoutes } from '../../src/driving/http/routes/federation.ts';
import { partnerRoutes } from '../../src/driving/http/routes/partners.ts';
import { type Federation, openFederation } from '../../src/installation/federation.ts';
import { openTransparencyLog } from '../../src/installation/transparency-log.ts';
import { createTestDatabase } from './databases.ts';

/** The test capability: an accepted alert becomes an `installation_state` row, in the inbox transaction. */
export const recordingHandler: ReceivedItemHandler = async (trx, received) => {
  await trx
    .insertInto('installation_state')
    .values({
      name: `received:${received.item.seq}:${received.item.itemId}`,
      value: JSON.stringify({ partner: received.partner, administration: received.administration }),
      set_at: new Date().toISOString(),
    })
    .execute();
  return { status: 'accepted' };
};

/** One installation for federation tests: its own home, database, log, HTTP server and worker. */
export interface FederationNode {
  name: string;
  url: string;
  conn: StoreConnection;
  log: TransparencyLog;
  store: DeclarationStore;
  federation: Federation;
  /** Shares an alert from administration NL to `to`, commits, and waits for its log index. */
  shareAlert(to: string[], n: number): Promise<{ itemId: string; seq: number; logIndex: number }>;
  /** Stops accepting connections (the partner is "down"); `up()` listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFederationNode(
  name: string,
  dialect: DialectName,
  options: { publicUrl?: string; listen?: boolean; handlers?: ReceivedItemHandlers } = {},
): Promise<FederationNode> {
  const home = mkdtempSync(join(tmpdir(), `greenlane-fed-${name}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, GREENLANE_HOME: home, GREENLANE_NAME: name };
  delete env.GREENLANE_PUBLIC_URL;
  if (options.publicUrl) env.GREENLANE_PUBLIC_URL = options.publicUrl;
  const database = await createTestDatabase(dialect);
  const conn = openDatabase(database.url);
  await migrateToLatest(conn);
  const log = await openTransparencyLog(conn, { env, checkpointIntervalMs: 50 });
  const store = new DeclarationStore(conn);
  await store.ensureAdministration('NL', 'Test administration NL');
  const federation = await openFederation({
    conn,
    log,
    env,
    handlers: { alert: recordingHandler, ...options.handlers },
    worker: {
      intervalMs: 50,
      backoffMs: 100,
      maxBackoffMs: 400,
      requestTimeoutMs: 2000,
      ...(process.env.FED_DEBUG ? { onError: (err, p) => console.error(name, p, err) } : {}),
    },
  });
  const app = createApp({
    authenticate: store.authenticate,
    routes: [federationRoutes({ federation }), partnerRoutes({ partners: federation.partners })],
  });
  let server: ReturnType<typeof serve> | undefined;
  let port = 0;
  const listen = async () => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      s.once('listening', resolve);
      s.once('error', reject);
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      if ('closeAllConnections' in s) s.closeAllConnections();
    });
  };
  if (options.listen !== false) {
    await listen();
    await federation.servedAt(`http://127.0.0.1:${port}`);
  }
  federation.worker.start();
  return {
    name,
    url: federation.url(),
    conn,
    log,
    store,
    federation,
    shareAlert: async (to, n) => {
      const receipt = await conn.db.transaction().execute((trx) =>
        federation.outbox.share(trx, {
          administration: 'NL',
          kind: 'alert',
          handling: 'AMBER',
          body: { alertId: `${name}:alert-${n}`, version: 1, content: { title: `alert ${n}` } },
          to,
        }),
      );
      return { ...receipt, logIndex: await federation.outbox.logIndexOf(receipt.itemId) };
    },
    down,
    up: listen,
    close: async () => {
      await federation.worker.stop();
      await down();
      await log.close();
      await conn.close();
      await database.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value (not a timing assertion: the deadline only ends a hung test). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

import type { StoreConnection } from '../driven/database/database.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../driven/federation/delivery-worker.ts';
import { type FederationIdentity, loadFederationIdentity } from '../driven/federation/federation-identity.ts';
import { FeedServer } from '../driven/federation/feed.ts';
import { FederationInbox } from '../driven/federation/inbox.ts';
import { FederationOutbox } from '../driven/federation/outbox.ts';
import { PartnerStore } from '../driven/federation/partner-store.ts';
import { Sealer } from '../driven/federation/sealer.ts';
import type { ReceivedItemHandlers } from '../driven/federation/sharing-port.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import { lotUsageReceivedHandlers } from '../driven/medical/lot-usage-sharing.ts';
import { groupReceivedHandlers, seizureReceivedHandlers } from '../driven/sharing/received-handlers.ts';
import { GroupRepository } from '../driven/store/group-repository.ts';
import { SeizureRepository } from '../driven/store/seizure-repository.ts';
import { alertReceivedHandlers } from './alert-inbox.ts';
import { stateDir } from './config.ts';

/** `installation_state` row holding the URL `greenlane serve` last listened on. */
const SERVED_URL = 'federation_url';
/** What `greenlane identity` says before any server ran and without `GREENLANE_PUBLIC_URL`: serve's default address. */
const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Federation of one installation: its identity, partners, outbox, inbox, feed and delivery worker. */
export interface Federation {
  identity: FederationIdentity;
  /** The URL partners reach this installation at (`GREENLANE_PUBLIC_URL`, else where serve listens). */
  url(): string;
  /** Called by serve once it listens: `GREENLANE_PUBLIC_URL`, else that address, is the URL (remembered for `greenlane identity`). */
  servedAt(url: string): Promise<void>;
  partners: PartnerStore;
  outbox: FederationOutbox;
  inbox: FederationInbox;
  feed: FeedServer;
  /** Started by `greenlane serve`, stopped when it closes. */
  worker: DeliveryWorker;
}

/**
 * What each kind of received item does: the capabilities that share (alerts, seizures, groups)
 * each add theirs here; a kind without one is recorded as refused ("takes no ... items").
 * `name` is this installation's name, as partners list it among a group's members.
 */
export function federationHandlers(conn: StoreConnection, name: string): ReceivedItemHandlers {
  return {
    ...alertReceivedHandlers(),
    ...seizureReceivedHandlers(new SeizureRepository(conn)),
    ...groupReceivedHandlers(new GroupRepository(conn), { memberName: () => name }),
    ...lotUsageReceivedHandlers(),
  };
}

/** `installation_state` row holding the name `GREENLANE_NAME` last gave. */
const NAME = 'federation_name';

/**
 * This installation's federation identity. Its name is `GREENLANE_NAME` when set, and remembered
 * in the database, so a command run later without the variable (`greenlane alerts issue`) shares
 * under the same name as the server; else the name remembered; else the key's generated one.
 */
export async function federationIdentity(
  conn: StoreConnection,
  env: NodeJS.ProcessEnv,
): Promise<FederationIdentity> {
  const given = env.GREENLANE_NAME || undefined;
  if (given) {
    const identity = loadFederationIdentity(stateDir(env), given); // validates the name first
    const at = new Date().toISOString();
    await conn.db
      .insertInto('installation_state')
      .values({ name: NAME, value: given, set_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: given, set_at: at }))
      .execute();
    return identity;
  }
  const row = await conn.db
    .selectFrom('installation_state')
    .select('value')
    .where('name', '=', NAME)
    .executeTakeFirst();
  return loadFederationIdentity(stateDir(env), row?.value);
}

/** This installation's public URL as `greenlane identity` reports it. */
export async function federationUrl(conn: StoreConnection, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GREENLANE_PUBLIC_URL) return env.GREENLANE_PUBLIC_URL.replace(/\/+$/, '');
  const row = await conn.db
    .selectFrom('installation_state')
    .select('value')
    .where('name', '=', SERVED_URL)
    .executeTakeFirst();
  return row?.value ?? DEFAULT_URL;
}

/**
 * Wires federation over an open database and log. The identity key lives under the state
 * directory (`ledger/federation.key`); the name is `GREENLANE_NAME` or the key's generated name.
 */
export async function openFederation(deps: {
  conn: StoreConnection;
  log: TransparencyLog;
  env: NodeJS.ProcessEnv;
  handlers?: ReceivedItemHandlers;
  worker?: Partial<Omit<DeliveryWorkerOptions, 'conn' | 'partners' | 'sealer' | 'inbox'>>;
}): Promise<Federation> {
  const { conn, log, env } = deps;
  const identity = await federationIdentity(conn, env);
  let url = await federationUrl(conn, env);
  const partners = new PartnerStore(conn);
  const sealer = new Sealer({ conn, log, identity });
  const inbox = new FederationInbox({
    conn,
    partners,
    handlers: deps.handlers ?? federationHandlers(conn, identity.name),
    authority: () => new URL(url).host,
  });
  const worker = new DeliveryWorker({ conn, partners, sealer, inbox, ...deps.worker });
  const outbox = new FederationOutbox({ conn, log, sender: identity.name, onLogged: () => worker.kick() });
  return {
    identity,
    url: () => url,
    servedAt: async (served) => {
      // Remembered either way, so `greenlane identity` run without the variable says the same.
      url = env.GREENLANE_PUBLIC_URL
        ? env.GREENLANE_PUBLIC_URL.replace(/\/+$/, '')
        : served.replace(/\/+$/, '');
      const at = new Date().toISOString();
      await conn.db
        .insertInto('installation_state')
        .values({ name: SERVED_URL, value: url, set_at: at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: url, set_at: at }))
        .execute();
    },
    partners,
    outbox,
    inbox,
    feed: new FeedServer({ conn, partners, sealer }),
    worker,
  };
}

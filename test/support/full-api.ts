import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asInputRecords, createAssessmentService } from '../../src/app/assess.ts';
import type { SelectionPolicy } from '../../src/core/decision/selection-policy.ts';
import { compileProfiles } from '../../src/core/rules/evaluate.ts';
import { buildScreeningIndex } from '../../src/core/screening/candidate-index.ts';
import { addName, newEntity } from '../../src/core/screening/entity.ts';
import { testNameTables } from '../../src/core/screening/test-tables.ts';
import type { EnvelopeKind } from '../../src/core/sharing/envelope.ts';
import type { TlpCode } from '../../src/core/sharing/tlp.ts';
import { type DialectName, openDatabase, type StoreConnection } from '../../src/driven/database/database.ts';
import { migrateToLatest } from '../../src/driven/database/migrate.ts';
import type { ReceivedItemHandlers, ReceiveResult } from '../../src/driven/federation/sharing-port.ts';
import { goodPartyScreening } from '../../src/driven/lists/screening-context.ts';
import { referenceData } from '../../src/driven/reference/file-reference-data.ts';
import {
  groupReceivedHandlers,
  seizureReceivedHandlers,
} from '../../src/driven/sharing/received-handlers.ts';
import { API_KEY_ROLES, type ApiKeyRole } from '../../src/driven/store/api-key-records.ts';
import { GroupRepository } from '../../src/driven/store/group-repository.ts';
import { ScreeningStore } from '../../src/driven/store/screening-store.ts';
import { SeizureRepository } from '../../src/driven/store/seizure-repository.ts';
import { createApp } from '../../src/driving/http/app.ts';
import type { ApiApp } from '../../src/driving/http/route-module.ts';
import { greenlaneRoutes } from '../../src/driving/http/routes/index.ts';
import { alertReceivedHandlers } from '../../src/installation/alert-inbox.ts';
import { AlertService } from '../../src/installation/alert-service.ts';
import { dataDir } from '../../src/installation/config.ts';
import { openFederation } from '../../src/installation/federation.ts';
import { LoggedDeclarationStore, logDecisions } from '../../src/installation/ledger-recording.ts';
import { openTransparencyLog, openWitness } from '../../src/installation/transparency-log.ts';
import { TEST_PROFILE } from './api-test-kit.ts';
import { createTestDatabase } from './databases.ts';
import { RecordingOutbox } from './recording-outbox.ts';
import { testSelectionKey } from './selection-key.ts';

/** Two sanctioned people, one screened by each test administration. */
export const LISTED_NAMES = { XA: 'Abdul Rahman Yasin', XB: 'Ivan Petrovich Sidorenko' } as const;

function testListVersion() {
  const entities = Object.values(LISTED_NAMES).map((name, i) => {
    const person = newEntity('un', `QDi.00${i + 1}`, 'person');
    addName(person, name, 'primary');
    return person;
  });
  return {
    list: 'un' as const,
    publishedOn: '2026-02-27',
    sha256: 'd'.repeat(64),
    origin: ['test'],
    entities,
  };
}

const POLICY: SelectionPolicy = {
  thresholds: { yellow: 20, red: 50 },
  randomRates: { yellow: 0, red: 0 },
};

/** Each test administration's partners (what `greenlane partners add --administration` would hold). */
export const PARTNERS = { XA: ['xa-partner', 'xa-other'], XB: ['xb-partner'] } as const;

/** The API keys of one administration: one per role, and one revoked admin key. */
export type AdministrationKeys = Record<ApiKeyRole | 'revoked', string>;

/**
 * The whole server as `greenlane serve` composes it (declarations, queue, web fragment,
 * screening with a two-entry list, transparency log and witness) on a fresh database and state
 * directory, with administrations `XA` and `XB` and their keys. For cross-cutting API tests.
 */
export interface FullTestApi {
  app: ApiApp;
  /** The database connection (for fixtures no route makes, such as a registered model). */
  conn: StoreConnection;
  store: LoggedDeclarationStore;
  screening: ScreeningStore;
  /** What the sharing routes handed to federation (partners: {@link PARTNERS}). */
  outbox: RecordingOutbox;
  /**
   * An item from `partner` arriving at `administration` as the inbox applies it after it verified
   * (the alert, seizure and group handlers, in one transaction; handling AMBER unless given).
   */
  receive(
    administration: string,
    partner: string,
    item: { kind: EnvelopeKind; handling?: TlpCode; body: unknown },
  ): Promise<ReceiveResult>;
  /** The pipeline behind `POST /v1/declarations`, for fixtures that must not count against a key's rate limit. */
  submit(administration: string, declarations: readonly object[]): Promise<void>;
  keys: Record<'XA' | 'XB', AdministrationKeys>;
  /** Alerts over the recording outbox (the federation seam): both administrations know the partner `peer`. */
  alerts: AlertService;
  dispose(): Promise<void>;
}

/** The federation partner of each test administration (pulls its feed with the partner key). */
export const peerName = (admin: 'XA' | 'XB') => `${admin.toLowerCase()}-peer`;

/** A fresh Ed25519 federation public key, raw 32 bytes in base64 (as `greenlane identity` prints). */
export function newFederationKey(): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

export async function createFullTestApi(dialect: DialectName): Promise<FullTestApi> {
  const home = mkdtempSync(join(tmpdir(), 'greenlane-full-api-'));
  const env = { ...process.env, GREENLANE_HOME: home };
  const database = await createTestDatabase(dialect);
  const conn = openDatabase(database.url);
  await migrateToLatest(conn);
  const log = await openTransparencyLog(conn, { env });
  const store = new LoggedDeclarationStore(conn, log);
  const reference = referenceData(dataDir());
  const { assess } = createAssessmentService({
    reference,
    profiles: compileProfiles([TEST_PROFILE], reference),
    policy: POLICY,
    selectionKey: testSelectionKey('tenancy-test'),
    store,
    afterSave: [logDecisions(log)],
  });

  const screening = new ScreeningStore(conn.db);
  const version = testListVersion();
  await screening.saveListVersion(version, 'test');
  const index = buildScreeningIndex([version], testNameTables());

  const keys = {} as Record<'XA' | 'XB', AdministrationKeys>;
  for (const admin of ['XA', 'XB'] as const) {
    await store.ensureAdministration(admin, `Test administration ${admin}`);
    const own = {} as AdministrationKeys;
    // A partner key's label is the partner's name (the feed it reads): xa-peer, xb-peer.
    for (const role of API_KEY_ROLES)
      own[role] = (
        await store.createApiKey(admin, role === 'partner' ? peerName(admin) : `${admin} ${role}`, role)
      ).secret;
    const revoked = await store.createApiKey(admin, `${admin} revoked admin`, 'admin');
    await store.revokeApiKey(admin, revoked.id, 'test');
    own.revoked = revoked.secret;
    keys[admin] = own;
  }

  // Both administrations also know the partner `peer` (the alert fixtures' sender).
  const outbox = new RecordingOutbox('hub', {
    XA: [...PARTNERS.XA, 'peer'],
    XB: [...PARTNERS.XB, 'peer'],
  });
  const alerts = new AlertService({ conn, outbox });
  const inbox: ReceivedItemHandlers = {
    ...alertReceivedHandlers(),
    ...seizureReceivedHandlers(new SeizureRepository(conn)),
    ...groupReceivedHandlers(new GroupRepository(conn), { memberName: (a) => a.toLowerCase() }),
  };
  let received = 0;
  const federation = await openFederation({ conn, log, env });
  for (const admin of ['XA', 'XB'] as const)
    await federation.partners.add({
      name: peerName(admin),
      url: `https://${peerName(admin)}.example/${admin}SECRET`,
      publicKey: newFederationKey(),
      administration: admin,
      pull: true,
      addedBy: 'test',
    });

  const app = createApp({
    authenticate: store.authenticate,
    routes: greenlaneRoutes({
      conn,
      store,
      assess,
      alerts,
      log: { log, witness: openWitness(conn, env) },
      federation,
      screening: {
        index: () => index,
        store: screening,
        resolveCountry: (v) => (v && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : undefined),
        ...goodPartyScreening(screening, index),
        onAdjudicated: () => log.drainRecords(),
      },
      sharing: { outbox },
    }),
    // Replays and concurrent duplicates are what these suites attack: per-key rate limits
    // (tested in rate-limit.test.ts) would answer 429 before the store is reached.
    rateLimits: { perMinute: 100_000, burst: 1_000, concurrent: 100 },
  });
  return {
    app,
    conn,
    store,
    screening,
    outbox,
    receive: (administration, partner, { kind, handling = 'AMBER', body }) => {
      received += 1;
      const item = {
        itemId: `in-${received}`,
        sender: partner,
        kind,
        seq: received,
        handling,
        originator: partner,
        body,
      };
      return conn.db
        .transaction()
        .execute((trx) => inbox[kind]!(trx, { administration, partner, item, logIndex: received }));
    },
    submit: async (administration, declarations) => {
      const lines = await assess(administration, asInputRecords(declarations), {
        source: 'test',
        actor: 'test',
      });
      const rejected = lines.filter((l) => 'rejected' in l);
      if (rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(rejected)}`);
    },
    keys,
    alerts,
    dispose: async () => {
      await log.close();
      await conn.close();
      await database.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A response whose JSON the test reads as it likes. */
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/**
 * A request to the full test API with the key of `role` in `admin`: GET without a body, POST of
 * the body as JSON with one.
 */
export function callAs(
  api: FullTestApi,
  role: ApiKeyRole,
  path: string,
  body?: unknown,
  admin: 'XA' | 'XB' = 'XA',
): Promise<JsonResponse> {
  return api.app.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${api.keys[admin][role]}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }) as Promise<JsonResponse>;
}

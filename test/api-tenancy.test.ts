import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../src/driven/database/database.ts';
import { ModelRegistry } from '../src/driven/model/model-registry.ts';
import { API_KEY_ROLES, type ApiKeyRole } from '../src/driven/store/api-key-records.ts';
import { ROUTE_ACCESS, type RouteAccess, type RouteKey } from '../src/driving/http/route-access.ts';
import {
  createFullTestApi,
  type FullTestApi,
  LISTED_NAMES,
  newFederationKey,
  PARTNERS,
  peerName,
} from './support/full-api.ts';
import {
  type Admin,
  markedAlert,
  markedCash,
  markedConsignment,
  markedDeclaration,
  markedGroup,
  markedPermit,
  markedProduct,
  markedQuota,
  markedSeizure,
  PRODUCT_GTINS,
} from './support/tenancy-objects.ts';
import { markedProfileYaml, storeMarkedProfile, TINY_MODEL } from './support/workbench-fixtures.ts';

/*
 * The adversarial tenancy suite (issue 8). Generated from the served OpenAPI document and the app's
 * own route list: every route × every caller (each role of API_KEY_ROLES, no key, a revoked key) ×
 * its own administration's object, another administration's and a missing one, checked against
 * the role table of the server (src/driving/http/route-access.ts). The caller is always of
 * administration XA; XB owns the foreign objects. Every string of XB's fixtures holds `XBSECRET`
 * (XA's `XASECRET`), so a leak is a substring away. Models and risk profiles have no HTTP route
 * yet; when one appears, it fails "has a request recipe" until it gets one here.
 */

/** Who calls: a role's key, no key, or a revoked key. */
type CallerKind = ApiKeyRole | 'no key' | 'revoked key';
/** Which object a case is about: its own administration's, another's, one that does not exist, or none. */
type CaseTarget = 'own' | 'foreign' | 'missing' | 'collection';

const CALLERS: readonly CallerKind[] = [...API_KEY_ROLES, 'no key', 'revoked key'];
const OWN = 'XASECRET';
const FOREIGN = 'XBSECRET';

/** The fixture objects of one administration. */
interface Objects {
  declarationId: string;
  hitId: string;
  logIndex: number;
  /** An alert the administration issued to partner `peer`, with feedback from it. */
  alertId: string;
  /** An AMBER alert `peer` sent the administration (accepted). */
  receivedAlertId: string;
  seizureId: string;
  cashId: string;
  /** A permit in the administration's register. */
  permitNumber: string;
  /** The GTIN of a product in the administration's medical registry. */
  productGtin: string;
  consignmentId: string;
  groupId: string;
  /** The administration's federation partner. */
  partnerName: string;
  /** A registered (inactive) model version. */
  modelId: string;
  /** A stored risk profile (with a draft). */
  profileId: string;
}
interface Fixture {
  api: FullTestApi;
  objects: Record<Admin, Objects>;
  /** A counter for fresh ids. */
  next(): number;
}

interface Call {
  path: string;
  init?: RequestInit;
}
/** How to call a route about an object id (own, foreign or missing) or, for collections, about none. */
interface Recipe {
  object?: keyof Objects | 'fresh declaration' | 'pending clearance' | 'fresh alert';
  call(id: string, f: Fixture): Call;
}

const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const enc = encodeURIComponent;

const RECIPES: Record<RouteKey, Recipe> = {
  'GET /': { call: () => ({ path: '/' }) },
  'GET /queue': { call: () => ({ path: '/queue' }) },
  'GET /declarations/*': { call: () => ({ path: '/declarations/X' }) },
  'GET /profiles': { call: () => ({ path: '/profiles' }) },
  'GET /profiles/*': { call: () => ({ path: '/profiles/P' }) },
  'GET /screening': { call: () => ({ path: '/screening' }) },
  'GET /models': { call: () => ({ path: '/models' }) },
  'GET /log': { call: () => ({ path: '/log' }) },
  'GET /dashboards': { call: () => ({ path: '/dashboards' }) },
  'GET /assets/*': { call: () => ({ path: '/assets/none.js' }) },
  'GET /openapi.json': { call: () => ({ path: '/openapi.json' }) },
  'GET /healthz': { call: () => ({ path: '/healthz' }) },
  'GET /readyz': { call: () => ({ path: '/readyz' }) },
  'GET /v1/me': { call: () => ({ path: '/v1/me' }) },
  'POST /v1/declarations': {
    object: 'fresh declaration',
    call: (id) => ({
      path: '/v1/declarations',
      init: jsonPost(markedDeclaration(id.startsWith(OWN) ? 'XA' : 'XB', id)),
    }),
  },
  // This suite's server decides in process: no tracking ids (through the bus: test/bus-submissions.test.ts).
  'GET /v1/submissions/{trackingId}': { call: () => ({ path: '/v1/submissions/1' }) },
  'GET /v1/declarations/{id}': {
    object: 'declarationId',
    call: (id) => ({ path: `/v1/declarations/${enc(id)}` }),
  },
  'GET /v1/declarations/{id}/explanation': {
    object: 'declarationId',
    call: (id) => ({ path: `/v1/declarations/${enc(id)}/explanation` }),
  },
  'GET /v1/declarations/{id}/log-proof': {
    object: 'declarationId',
    call: (id) => ({ path: `/v1/declarations/${enc(id)}/log-proof` }),
  },
  'POST /v1/declarations/{id}/events': {
    object: 'declarationId',
    call: (id) => ({
      path: `/v1/declarations/${enc(id)}/events`,
      init: jsonPost({ event: 'inspection_start', at: '2026-11-30T08:00:00Z' }),
    }),
  },
  'POST /v1/declarations/{id}/outcome': {
    object: 'declarationId',
    call: (id) => ({
      path: `/v1/declarations/${enc(id)}/outcome`,
      init: jsonPost({ result: 'discrepancy', notes: 'found by the tenancy suite' }),
    }),
  },
  'POST /v1/declarations/{id}/override': {
    object: 'declarationId',
    call: (id) => ({
      path: `/v1/declarations/${enc(id)}/override`,
      init: jsonPost({ channel: 'yellow', reason: 'set by the tenancy suite' }),
    }),
  },
  'GET /v1/queue': { call: () => ({ path: '/v1/queue?limit=1000' }) },
  'POST /v1/consignments': {
    call: (_id, f) => ({
      path: '/v1/consignments',
      init: jsonPost([markedConsignment('XA', `XA-L${f.next()}`)]),
    }),
  },
  'GET /v1/consignments/{id}': {
    object: 'consignmentId',
    call: (id) => ({ path: `/v1/consignments/${enc(id)}` }),
  },
  'POST /v1/screen': {
    call: (_id, f) => ({
      path: '/v1/screen',
      init: jsonPost({ id: `XA-P${f.next()}`, name: LISTED_NAMES.XA }),
    }),
  },
  'GET /v1/screening/hits': { call: () => ({ path: '/v1/screening/hits?limit=1000' }) },
  'POST /v1/screening/hits/{id}/adjudication': {
    object: 'hitId',
    call: (id) => ({
      path: `/v1/screening/hits/${enc(id)}/adjudication`,
      init: jsonPost({ verdict: 'true_positive', note: 'confirmed by the tenancy suite' }),
    }),
  },
  'GET /v1/screening/hits/{id}': {
    object: 'hitId',
    call: (id) => ({ path: `/v1/screening/hits/${enc(id)}` }),
  },
  'POST /v1/screening/hits/{id}/confirmation': {
    object: 'pending clearance',
    call: (id) => ({
      path: `/v1/screening/hits/${enc(id)}/confirmation`,
      init: jsonPost({ note: 'confirmed by the tenancy suite' }),
    }),
  },
  'GET /v1/screening/good-parties': { call: () => ({ path: '/v1/screening/good-parties?limit=1000' }) },
  'GET /v1/screening/lists': { call: () => ({ path: '/v1/screening/lists' }) },
  'POST /v1/alerts': {
    call: () => ({ path: '/v1/alerts', init: jsonPost({ alert: markedAlert('XA'), to: ['peer'] }) }),
  },
  'GET /v1/alerts': { call: () => ({ path: '/v1/alerts?received=true&limit=1000' }) },
  'GET /v1/alerts/{id}': { object: 'receivedAlertId', call: (id) => ({ path: `/v1/alerts/${enc(id)}` }) },
  'POST /v1/alerts/{id}/amendment': {
    object: 'alertId',
    call: (id) => ({ path: `/v1/alerts/${enc(id)}/amendment`, init: jsonPost({ alert: markedAlert('XA') }) }),
  },
  'POST /v1/alerts/{id}/withdrawal': {
    object: 'fresh alert',
    call: (id) => ({
      path: `/v1/alerts/${enc(id)}/withdrawal`,
      init: jsonPost({ reason: 'withdrawn by the tenancy suite' }),
    }),
  },
  'POST /v1/alerts/{id}/feedback': {
    object: 'receivedAlertId',
    call: (id) => ({
      path: `/v1/alerts/${enc(id)}/feedback`,
      init: jsonPost({ outcome: 'hit', note: 'found by the tenancy suite' }),
    }),
  },
  'GET /v1/alerts/{id}/feedback': {
    object: 'alertId',
    call: (id) => ({ path: `/v1/alerts/${enc(id)}/feedback` }),
  },
  'POST /v1/seizures': {
    call: (_id, f) => ({ path: '/v1/seizures', init: jsonPost(markedSeizure('XA', `XA-S${f.next()}`)) }),
  },
  'GET /v1/seizures': { call: () => ({ path: '/v1/seizures?form=national&limit=1000' }) },
  'GET /v1/seizures/{id}': {
    object: 'seizureId',
    call: (id) => ({ path: `/v1/seizures/${enc(id)}?form=national` }),
  },
  'POST /v1/seizures/{id}/share': {
    object: 'seizureId',
    call: (id) => ({
      path: `/v1/seizures/${enc(id)}/share`,
      init: jsonPost({ to: [PARTNERS.XA[0]], form: 'national', handling: 'AMBER+STRICT' }),
    }),
  },
  'POST /v1/cash-declarations': {
    call: (_id, f) => ({
      path: '/v1/cash-declarations',
      init: jsonPost(markedCash('XA', `XA-C${f.next()}`)),
    }),
  },
  'GET /v1/cash-declarations': { call: () => ({ path: '/v1/cash-declarations?limit=1000' }) },
  'POST /v1/permits': {
    call: (_id, f) => ({
      path: '/v1/permits',
      init: jsonPost({ records: [markedPermit('XA', `XA-PERMIT-${f.next()}`)] }),
    }),
  },
  'GET /v1/permits': { call: () => ({ path: '/v1/permits?limit=1000' }) },
  'GET /v1/permits/{number}': { object: 'permitNumber', call: (id) => ({ path: `/v1/permits/${enc(id)}` }) },
  'POST /v1/products': {
    call: () => ({ path: '/v1/products', init: jsonPost({ products: [markedProduct('XA')] }) }),
  },
  'GET /v1/products': { call: () => ({ path: '/v1/products?limit=1000' }) },
  'GET /v1/products/{gtin}': { object: 'productGtin', call: (id) => ({ path: `/v1/products/${enc(id)}` }) },
  'POST /v1/products/{gtin}/lots/{lot}/recall': {
    object: 'productGtin',
    call: (id) => ({
      path: `/v1/products/${enc(id)}/lots/L1/recall`,
      init: jsonPost({ reason: 'tenancy suite' }),
    }),
  },
  'GET /v1/permit-reports/{report}': { call: () => ({ path: '/v1/permit-reports/quota?year=2026' }) },
  'GET /v1/cash-declarations/{id}': {
    object: 'cashId',
    call: (id) => ({ path: `/v1/cash-declarations/${enc(id)}` }),
  },
  'POST /v1/groups': { call: () => ({ path: '/v1/groups', init: jsonPost(markedGroup('XA')) }) },
  'GET /v1/groups': { call: () => ({ path: '/v1/groups' }) },
  'GET /v1/groups/{id}': { object: 'groupId', call: (id) => ({ path: `/v1/groups/${enc(id)}` }) },
  'POST /v1/groups/{id}/posts': {
    object: 'groupId',
    call: (id) => ({
      path: `/v1/groups/${enc(id)}/posts`,
      init: jsonPost({ kind: 'message', text: 'posted by the tenancy suite' }),
    }),
  },
  'GET /v1/groups/{id}/posts': { object: 'groupId', call: (id) => ({ path: `/v1/groups/${enc(id)}/posts` }) },
  'GET /v1/groups/{id}/summary': {
    object: 'groupId',
    call: (id) => ({ path: `/v1/groups/${enc(id)}/summary` }),
  },
  'GET /v1/log/checkpoint': { call: () => ({ path: '/v1/log/checkpoint' }) },
  'GET /v1/log/entries/{index}': { object: 'logIndex', call: (i) => ({ path: `/v1/log/entries/${i}` }) },
  'GET /v1/log/proof/inclusion': { call: () => ({ path: '/v1/log/proof/inclusion?index=0' }) },
  'GET /v1/log/proof/consistency': { call: () => ({ path: '/v1/log/proof/consistency?from=1&to=1' }) },
  'GET /v1/log/public-key': { call: () => ({ path: '/v1/log/public-key' }) },
  'GET /v1/log/checkpoints': { call: () => ({ path: '/v1/log/checkpoints?limit=500' }) },
  'GET /v1/log/witnesses': { call: () => ({ path: '/v1/log/witnesses' }) },
  'GET /v1/dashboards/time-release': { call: () => ({ path: '/v1/dashboards/time-release?period=day' }) },
  'GET /v1/dashboards/channel-mix': { call: () => ({ path: '/v1/dashboards/channel-mix?period=day' }) },
  'GET /v1/dashboards/hit-rates': { call: () => ({ path: '/v1/dashboards/hit-rates?period=day' }) },
  'GET /v1/dashboards/revenue': { call: () => ({ path: '/v1/dashboards/revenue?period=day' }) },
  'GET /v1/dashboards/seizures': { call: () => ({ path: '/v1/dashboards/seizures?period=day' }) },
  'GET /v1/dashboards/model-precision': {
    call: () => ({ path: '/v1/dashboards/model-precision?period=day' }),
  },
  'GET /v1/profiles': { call: () => ({ path: '/v1/profiles' }) },
  'GET /v1/profiles/{id}': { object: 'profileId', call: (id) => ({ path: `/v1/profiles/${enc(id)}` }) },
  'POST /v1/profiles/lint': {
    call: () => ({ path: '/v1/profiles/lint', init: jsonPost({ yaml: markedProfileYaml('XA', 'XA-LINT') }) }),
  },
  // A draft of a new profile id is the analyst's to create: a collection-like route.
  'PUT /v1/profiles/{id}/draft': {
    call: (_id, f) => {
      const id = `XA-NEW-${f.next()}`;
      return {
        path: `/v1/profiles/${id}/draft`,
        init: { ...jsonPost({ yaml: markedProfileYaml('XA', id) }), method: 'PUT' },
      };
    },
  },
  'POST /v1/profiles/{id}/activation': {
    object: 'profileId',
    call: (id) => ({ path: `/v1/profiles/${enc(id)}/activation`, init: jsonPost({ enabled: false }) }),
  },
  'POST /v1/profiles/backtest': {
    call: () => ({
      path: '/v1/profiles/backtest',
      init: jsonPost({ yaml: markedProfileYaml('XA', 'XA-BT') }),
    }),
  },
  'GET /v1/models': { call: () => ({ path: '/v1/models' }) },
  'POST /v1/models/{id}/activation': {
    object: 'modelId',
    call: (id) => ({ path: `/v1/models/${enc(id)}/activation`, init: jsonPost({ policy: 'probability' }) }),
  },
  'POST /v1/witness/add-checkpoint': {
    call: () => ({
      path: '/v1/witness/add-checkpoint',
      init: {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'old 0\n\nnot a checkpoint\n',
      },
    }),
  },
  'GET /v1/witness/public-key': { call: () => ({ path: '/v1/witness/public-key' }) },
  'GET /v1/federation/identity': { call: () => ({ path: '/v1/federation/identity' }) },
  // Unsigned: refused as BAD_SIGNATURE, recorded, nothing applied.
  'POST /v1/federation/inbox': {
    call: () => ({ path: '/v1/federation/inbox', init: jsonPost({ itemId: 'XASECRET-item', seq: 1 }) }),
  },
  'GET /v1/federation/feed': { call: () => ({ path: '/v1/federation/feed?after=0' }) },
  'GET /v1/partners': { call: () => ({ path: '/v1/partners' }) },
  'POST /v1/partners': {
    call: (_id, f) => ({
      path: '/v1/partners',
      init: jsonPost({
        name: `xa-new-${f.next()}`,
        url: 'https://new.example/XASECRET',
        publicKey: newFederationKey(),
      }),
    }),
  },
  'GET /v1/partners/{name}': { object: 'partnerName', call: (id) => ({ path: `/v1/partners/${enc(id)}` }) },
};

// ---- the routes, from the served document and the app's router ----------------------------------

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** `METHOD /path` of every operation in an OpenAPI document, with `security` or not. */
/** Per operation: whether OpenAPI names a key, and whether it also allows none (an empty requirement). */
function documentedRoutes(doc: any): Map<string, { secured: boolean; keyOptional: boolean }> {
  const routes = new Map<string, { secured: boolean; keyOptional: boolean }>();
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const requirements: object[] = op.security ?? [];
      routes.set(`${method.toUpperCase()} ${path}`, {
        secured: requirements.some((r) => Object.keys(r).length > 0),
        keyOptional: requirements.some((r) => Object.keys(r).length === 0),
      });
    }
  }
  return routes;
}
/** `METHOD /path` of every handler the app serves (middleware left out), in OpenAPI's `{param}` form. */
function servedRoutes(api: FullTestApi): Set<string> {
  return new Set(
    api.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
  );
}
const isPublic = (access: RouteAccess): access is Extract<RouteAccess, { public: string }> =>
  'public' in access;
const table = ROUTE_ACCESS as Record<string, RouteAccess>;

// The case list is generated when the file is collected: from the document of a real app.
const sqliteApi = await createFullTestApi('sqlite');
const DOCUMENT: any = await (await sqliteApi.app.request('/openapi.json')).json();
const ROUTES = [
  ...new Set([
    ...documentedRoutes(DOCUMENT).keys(),
    ...[...servedRoutes(sqliteApi)].filter((r) => table[r]?.hidden),
  ]),
].sort();

interface Case {
  name: string;
  route: RouteKey;
  caller: CallerKind;
  target: CaseTarget;
}
function casesOf(route: string): Case[] {
  const recipe = RECIPES[route as RouteKey];
  if (!table[route] || !recipe) return []; // reported by the role-table tests below
  const targets: CaseTarget[] = recipe.object ? ['own', 'foreign', 'missing'] : ['collection'];
  return CALLERS.flatMap((caller) =>
    targets.map((target) => ({
      name: `${route} · ${caller} · ${target}`,
      route: route as RouteKey,
      caller,
      target,
    })),
  );
}
const CASES = ROUTES.flatMap(casesOf);

// ---- checks ----------------------------------------------------------------------------------------

/** Every string of a body, with base64 strings decoded too (log leaves travel as base64). */
function readable(text: string): string {
  const decoded = (text.match(/[A-Za-z0-9+/]{24,}={0,2}/g) ?? []).map((b) =>
    Buffer.from(b, 'base64').toString('latin1'),
  );
  return [text, ...decoded].join('\n');
}
/** A body with the id the caller sent and the instants masked, to compare a foreign and a missing answer. */
const normalised = (text: string, id: string) =>
  text.replaceAll(id, '{id}').replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '{instant}');

async function setUp(dialect: DialectName): Promise<Fixture> {
  const api = dialect === 'sqlite' ? sqliteApi : await createFullTestApi(dialect);
  let counter = 0;
  const objects = {} as Record<Admin, Objects>;
  for (const admin of ['XA', 'XB'] as const) {
    const keys = api.keys[admin];
    const auth = { authorization: `Bearer ${keys.admin}` };
    const post = (path: string, body: unknown) =>
      api.app.request(path, { ...jsonPost(body), headers: { ...auth, 'content-type': 'application/json' } });
    const declarationId = `${admin}SECRET-D1`;
    expect((await post('/v1/declarations', [markedDeclaration(admin, declarationId)])).status).toBe(200);
    expect(
      (
        await post(`/v1/declarations/${declarationId}/override`, {
          channel: 'yellow',
          reason: `${admin}SECRET why`,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post(`/v1/declarations/${declarationId}/outcome`, {
          result: 'seizure',
          notes: `${admin}SECRET found`,
        })
      ).status,
    ).toBe(201);
    const party = `${admin}SECRET-P1`;
    expect((await post('/v1/screen', { id: party, name: LISTED_NAMES[admin] })).status).toBe(200);
    const hit = (await api.screening.hits(admin, { limit: 1000 })).find((h) => h.query.id === party);
    const detail = await api.store.getDeclaration(admin, declarationId);
    const { alert } = await api.alerts.issue(admin, markedAlert(admin), ['peer'], `${admin}SECRET analyst`);
    const feedback = {
      alertId: alert.id,
      alertVersion: 1,
      from: 'peer',
      outcome: 'seizure',
      at: '2026-12-03T10:00:00Z',
      note: `${admin}SECRET seized`,
    };
    expect(await api.receive(admin, 'peer', { kind: 'alert-feedback', body: feedback })).toEqual({
      status: 'accepted',
    });
    const receivedAlertId = `${admin}SECRET-RA1`;
    const received = { alertId: receivedAlertId, version: 1, content: markedAlert(admin) };
    expect(await api.receive(admin, 'peer', { kind: 'alert', body: received })).toEqual({
      status: 'accepted',
    });
    const seizureId = `${admin}SECRET-S1`;
    expect((await post('/v1/seizures', { ...markedSeizure(admin, seizureId), declarationId })).status).toBe(
      201,
    );
    const cashId = `${admin}SECRET-C1`;
    expect((await post('/v1/cash-declarations', markedCash(admin, cashId))).status).toBe(201);
    const permitNumber = `${admin}SECRET-PERMIT1`;
    const register = { records: [markedPermit(admin, permitNumber), markedQuota(admin)] };
    expect((await post('/v1/permits', register)).status).toBe(201);
    expect((await post('/v1/products', { products: [markedProduct(admin)] })).status).toBe(201);
    const consignmentId = `${admin}SECRET-L1`;
    expect((await post('/v1/consignments', markedConsignment(admin, consignmentId))).status).toBe(200);
    const group = await post('/v1/groups', markedGroup(admin));
    expect(group.status).toBe(201);
    const groupId = ((await group.json()) as { group: { id: string } }).group.id;
    expect((await post(`/v1/groups/${groupId}/posts`, { kind: 'seizure', seizureId })).status).toBe(201);
    // What partners shared with the administration: a national seizure under RED, and a group they run.
    const partner = PARTNERS[admin][0];
    const national = { ...markedSeizure(admin, `${admin}SECRET-R1`), administration: partner };
    expect(
      await api.receive(admin, partner, {
        kind: 'seizure',
        handling: 'RED',
        body: { form: 'national', report: national },
      }),
    ).toEqual({ status: 'accepted' });
    const theirs = {
      ...markedGroup(admin),
      id: `${admin}SECRET-G2`,
      coordinator: partner,
      members: [partner, admin.toLowerCase()],
    };
    expect(
      await api.receive(admin, partner, { kind: 'group', handling: 'AMBER+STRICT', body: theirs }),
    ).toEqual({ status: 'accepted' });
    objects[admin] = {
      declarationId,
      hitId: hit!.id,
      logIndex: detail.decisions[0]!.logIndex!,
      alertId: alert.id,
      receivedAlertId,
      seizureId,
      cashId,
      permitNumber,
      productGtin: PRODUCT_GTINS[admin],
      consignmentId,
      groupId,
      partnerName: peerName(admin),
      profileId: await storeMarkedProfile(api, admin),
      modelId: (
        await new ModelRegistry(api.conn.db, admin).register(
          TINY_MODEL,
          { createdAt: 'test' },
          `${admin}SECRET analyst`,
        )
      ).id,
    };
  }
  return { api, objects, next: () => ++counter };
}

/** What of XB's fixtures must survive XA's calls untouched. */
async function foreignState(f: Fixture) {
  const d = await f.api.store.getDeclaration('XB', f.objects.XB.declarationId);
  const hit = (await f.api.screening.hits('XB', { limit: 1000 })).find((h) => h.id === f.objects.XB.hitId);
  // XB's fixture alerts, and those made as targets of XA's calls ('fresh alert'): all untouched.
  const alerts = await f.api.alerts.list('XB', { limit: 1000 });
  const fixtures = [f.objects.XB.alertId, f.objects.XB.receivedAlertId];
  const feedback = await Promise.all(fixtures.map((id) => f.api.alerts.feedbackOf('XB', id)));
  const asXB = async (path: string) =>
    (await f.api.app.request(path, { headers: { authorization: `Bearer ${f.api.keys.XB.auditor}` } })).json();
  return {
    decisions: d.decisions,
    outcomes: d.outcomes,
    models: await new ModelRegistry(f.api.conn.db, 'XB').list(),
    versions: d.versions,
    hit: hit?.status,
    alerts: alerts.filter((a) => fixtures.includes(a.id)),
    alertTargets: alerts.filter((a) => !fixtures.includes(a.id)).map((a) => [a.status, a.version]),
    feedback,
    seizures: await asXB('/v1/seizures?form=national&limit=1000'),
    cash: ((await asXB('/v1/cash-declarations?limit=1000')) as { items: unknown[] }).items.length,
    permits: await asXB('/v1/permits?limit=1000'),
    products: await asXB('/v1/products?limit=1000'),
    product: await asXB(`/v1/products/${PRODUCT_GTINS.XB}`),
    reports: await asXB('/v1/permit-reports/quota?year=2026'),
    consignment: await asXB(`/v1/consignments/${enc(f.objects.XB.consignmentId)}`),
    groups: await asXB('/v1/groups'),
    posts: await asXB(`/v1/groups/${f.objects.XB.groupId}/posts`),
    // XB's shares, but for the issue of the fresh alerts made as targets (counted in alertTargets).
    shares: f.api.outbox.shares.filter(
      (s) =>
        s.administration === 'XB' &&
        !(s.kind === 'alert' && !fixtures.includes((s.body as { alertId: string }).alertId)),
    ).length,
  };
}

function keyOf(f: Fixture, caller: CallerKind): string | undefined {
  if (caller === 'no key') return undefined;
  return f.api.keys.XA[caller === 'revoked key' ? 'revoked' : caller];
}

async function send(f: Fixture, caller: CallerKind, call: Call): Promise<{ status: number; text: string }> {
  const key = keyOf(f, caller);
  const headers = new Headers(call.init?.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  const res = await f.api.app.request(call.path, { ...call.init, headers });
  return { status: res.status, text: await res.text() };
}

/** The id a case is about: XA's object, XB's, or one nobody has. */
async function idFor(f: Fixture, recipe: Recipe, target: CaseTarget): Promise<string> {
  if (!recipe.object || target === 'collection') return '';
  if (recipe.object === 'fresh declaration') {
    const id = `${target === 'own' ? 'XA' : 'XB'}SECRET-N${f.next()}`;
    if (target !== 'missing') {
      const owner = target === 'own' ? 'XA' : 'XB';
      await f.api.submit(owner, [markedDeclaration(owner, id)]);
    }
    return id;
  }
  if (recipe.object === 'fresh alert') {
    if (target === 'missing') return `NOSUCH-${f.next()}`;
    const owner = target === 'own' ? 'XA' : 'XB';
    return (await f.api.alerts.issue(owner, markedAlert(owner), ['peer'], 'tenancy suite')).alert.id;
  }
  if (recipe.object === 'pending clearance') {
    if (target === 'missing') return `NOSUCH-${f.next()}`;
    // A fresh exact hit cleared by a first analyst (none of the suite's keys), so that any
    // analyst or admin key of the owner may confirm it (four-eyes).
    const owner = target === 'own' ? 'XA' : 'XB';
    const n = f.next();
    const party = `${owner}SECRET-P${n}`;
    // A party is its name, type, country, birth date and IMO: a new country makes a new party
    // (the harness resolves any two letters), so each case has its own hit.
    const country = String.fromCharCode(65 + (n % 26), 65 + (Math.floor(n / 26) % 26));
    const res = await f.api.app.request('/v1/screen', {
      ...jsonPost({ id: party, name: LISTED_NAMES[owner], country }),
      headers: { authorization: `Bearer ${f.api.keys[owner].analyst}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const hit = (await f.api.screening.hits(owner, { limit: 1000 })).find((h) => h.query.id === party)!;
    const first = await f.api.screening.adjudicate(owner, hit.id, 'false_positive', {
      analyst: 'first analyst',
      analystKey: 'first-analyst-key',
    });
    expect(first.stage).toBe('pending');
    return hit.id;
  }
  if (target === 'missing') return recipe.object === 'logIndex' ? '999999999' : `NOSUCH-${f.next()}`;
  return String(f.objects[target === 'own' ? 'XA' : 'XB'][recipe.object]);
}

async function check(f: Fixture, c: Case): Promise<void> {
  const access = table[c.route]!;
  const recipe = RECIPES[c.route];
  const id = await idFor(f, recipe, c.target);
  const answer = await send(f, c.caller, recipe.call(id, f));
  const shown = readable(answer.text.replaceAll(id || '\u0000', ''));
  const label = `${c.name}: ${answer.status} ${answer.text.slice(0, 300)}`;

  if (isPublic(access) && access.readers) {
    // Public with more for readers: a sent key must be valid; the extra goes to the owner's readers.
    if (c.caller === 'revoked key') {
      expect(answer.status, label).toBe(401);
      return;
    }
    expect(answer.status, label).not.toBe(401);
    expect(answer.status, label).not.toBe(403);
    expect(shown, `${label}: shows another administration's data`).not.toContain(FOREIGN);
    const reader = c.target === 'own' && (access.readers as readonly string[]).includes(c.caller);
    if (!reader) expect(shown, `${label}: shows data to a key that may not read it`).not.toContain(OWN);
    if (c.target === 'missing') expect(answer.status, label).toBe(404);
    if (c.target === 'foreign') {
      const missingId = await idFor(f, recipe, 'missing');
      const own = await send(f, 'no key', recipe.call(id, f));
      // A reader of another administration gets exactly what an outsider gets.
      expect(answer.text, `${label}: differs from the public answer`).toBe(own.text);
      expect(missingId).not.toBe(id);
    }
    return;
  }
  if (isPublic(access)) {
    expect(answer.status, label).not.toBe(401);
    expect(answer.status, label).not.toBe(403);
    expect(shown, `${label}: a public answer shows an administration's data`).not.toContain(OWN);
    expect(shown, `${label}: a public answer shows an administration's data`).not.toContain(FOREIGN);
    if (c.target === 'missing') expect(answer.status, label).toBe(404);
    return;
  }
  expect(shown, `${label}: shows another administration's data`).not.toContain(FOREIGN);
  if (c.caller === 'no key' || c.caller === 'revoked key') {
    expect(answer.status, label).toBe(401);
    expect(JSON.parse(answer.text).error.code).toBe('unauthorized');
    return;
  }
  if (!access.roles.includes(c.caller)) {
    expect(answer.status, label).toBe(403);
    expect(JSON.parse(answer.text).error.code).toBe('forbidden');
    return;
  }
  if (c.route === 'POST /v1/declarations') {
    // Submitting another administration's id must be new here, exactly like an unknown id.
    expect(answer.status, label).toBe(200);
    const line = JSON.parse(answer.text).results[0];
    expect(line, label).toMatchObject(
      c.target === 'own' ? { status: 'unchanged', version: 1 } : { status: 'created', version: 1 },
    );
    if (c.target === 'foreign') {
      const missingId = await idFor(f, recipe, 'missing');
      const missing = await send(f, c.caller, recipe.call(missingId, f));
      expect(normalised(answer.text, id), label).toBe(normalised(missing.text, missingId));
    }
    return;
  }
  if (c.route === 'GET /v1/submissions/{trackingId}') {
    expect(answer.status, label).toBe(404);
    return;
  }
  if (c.target === 'own' || c.target === 'collection') {
    expect(answer.status, label).toBeGreaterThanOrEqual(200);
    expect(answer.status, label).toBeLessThan(300);
    return;
  }
  expect(answer.status, label).toBe(404);
  if (c.target === 'foreign') {
    const missingId = await idFor(f, recipe, 'missing');
    const missing = await send(f, c.caller, recipe.call(missingId, f));
    expect(normalised(answer.text, id), `${label}: differs from a missing object's answer`).toBe(
      normalised(missing.text, missingId),
    );
  }
}

// ---- the suite -------------------------------------------------------------------------------------

describe('the role table (src/driving/http/route-access.ts) and the routes', () => {
  const documented = documentedRoutes(DOCUMENT);
  const served = servedRoutes(sqliteApi);

  it('has an entry for every route of the OpenAPI document, with its security as the table says', () => {
    for (const [route, { secured, keyOptional }] of documented) {
      const access = table[route];
      expect(access, `${route} is in OpenAPI but not in the role table`).toBeDefined();
      expect(access!.hidden, `${route} is in OpenAPI but marked hidden`).toBeUndefined();
      const readers = isPublic(access!) && access.readers !== undefined;
      expect(secured, `${route}: OpenAPI security disagrees with the table`).toBe(
        !isPublic(access!) || readers,
      );
      expect(keyOptional, `${route}: OpenAPI says the key is optional, the table does not`).toBe(readers);
    }
  });

  it('has an entry for every route the app serves, and a served route for every entry', () => {
    for (const route of served)
      expect(table[route], `${route} is served but not in the role table`).toBeDefined();
    for (const route of Object.keys(table)) {
      expect(served.has(route), `${route} is in the role table but no such route is served`).toBe(true);
      if (!table[route]!.hidden)
        expect(documented.has(route), `${route} is in the table but not in OpenAPI`).toBe(true);
    }
  });

  it('has a request recipe in this suite for every route, and no recipe without a route', () => {
    for (const route of ROUTES) expect(RECIPES[route as RouteKey], `${route} has no recipe`).toBeDefined();
    for (const route of Object.keys(RECIPES))
      expect(ROUTES, `${route}: recipe without route`).toContain(route);
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`every route × caller × object on ${dialect}`, () => {
    let f: Fixture;
    let before: Awaited<ReturnType<typeof foreignState>>;
    beforeAll(async () => {
      f = await setUp(dialect);
      before = await foreignState(f);
    });
    afterAll(async () => f?.api.dispose());

    it('serves the same OpenAPI document the cases were generated from', async () => {
      expect(await (await f.api.app.request('/openapi.json')).json()).toEqual(DOCUMENT);
    });

    for (const c of CASES) it(c.name, () => check(f, c));

    it("leaves the other administration's objects as they were", async () => {
      const after = await foreignState(f);
      expect(after.alertTargets.length, 'the foreign withdrawal targets were made').toBeGreaterThan(0);
      for (const target of after.alertTargets) expect(target).toEqual(['issued', 1]);
      expect({ ...after, alertTargets: [] }).toEqual(before);
      expect(await f.api.alerts.feedbackOf('XA', f.objects.XA.alertId)).toHaveLength(1);
      const own = await f.api.store.getDeclaration('XA', f.objects.XA.declarationId);
      expect(own.outcomes.length, 'the own-object calls did reach the store').toBeGreaterThan(1);
    });
  });
}

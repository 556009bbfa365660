import type { MiddlewareHandler } from 'hono';
import type { ApiKeyRole } from '../../driven/store/api-key-records.ts';
import type { AuthVariables } from './api-key-auth.ts';
import { HttpError } from './http-error.ts';

/**
 * Who may call a route. A protected route names the roles allowed and always works inside the
 * key's administration (another administration's object answers exactly like a missing one); a
 * public route says why it may be public.
 */
export type RouteAccess =
  | {
      readonly roles: readonly ApiKeyRole[];
      /** True for a route served but left out of the OpenAPI document (the web page's fragment). */
      readonly hidden?: true;
    }
  | {
      readonly public: string;
      /**
       * A public route that shows more to a key of these roles (of the object's administration):
       * the key is optional, and one that is sent and invalid is refused (401).
       */
      readonly readers?: readonly ApiKeyRole[];
      readonly hidden?: true;
    };

/**
 * The role table: every route the server answers, as `METHOD /path` with OpenAPI path templates,
 * and who may call it. Route files take their role check from here ({@link requireRoute}), and
 * `test/api-tenancy.test.ts` calls every route of the OpenAPI document and of the app with every
 * role, no key and a revoked key, on its own and on another administration's objects, and fails
 * when a route is missing here or an entry has no route; docs/API.md shows the same table
 * (checked by `route-access.test.ts`). Change access here, nowhere else.
 */
export const ROUTE_ACCESS = {
  // The workbench (web/): one page shell at each of its paths, no data until a key is given.
  'GET /': { public: 'the workbench page shell: no data until a key is given', hidden: true },
  'GET /queue': { public: 'the workbench page shell', hidden: true },
  'GET /declarations/*': { public: 'the workbench page shell', hidden: true },
  'GET /profiles': { public: 'the workbench page shell', hidden: true },
  'GET /profiles/*': { public: 'the workbench page shell', hidden: true },
  'GET /screening': { public: 'the workbench page shell', hidden: true },
  'GET /models': { public: 'the workbench page shell', hidden: true },
  'GET /log': { public: 'the workbench page shell', hidden: true },
  'GET /dashboards': { public: 'the workbench page shell', hidden: true },
  'GET /assets/*': { public: 'the workbench script, style and images', hidden: true },
  'GET /openapi.json': { public: 'the API description', hidden: true },
  'GET /healthz': { public: 'load balancers probe without a key; says only ok or unavailable' },
  'GET /readyz': { public: 'orchestrators probe without a key; says only which dependency is unavailable' },

  // Every key may ask who it is: the workbench shapes itself to the role (a partner key included).
  'GET /v1/me': { roles: ['admin', 'analyst', 'officer', 'ingest', 'auditor', 'partner'] },

  // The clearance system submits; an officer may lodge one by hand (a traveller at a land border).
  'POST /v1/declarations': { roles: ['admin', 'ingest', 'officer'] },
  // What became of a declaration submitted through the bus: whoever may submit or read decisions.
  'GET /v1/submissions/{trackingId}': { roles: ['admin', 'ingest', 'officer', 'analyst', 'auditor'] },
  // The clearance system reads back decisions; people read explanations; auditors read, never write.
  'GET /v1/declarations/{id}': { roles: ['admin', 'analyst', 'officer', 'ingest', 'auditor'] },
  'GET /v1/declarations/{id}/explanation': { roles: ['admin', 'analyst', 'officer', 'ingest', 'auditor'] },
  // The record and salt within go only to the log's record readers (admin, analyst, officer).
  'GET /v1/declarations/{id}/log-proof': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  // Milestones come from the clearance system (arrival, lodgement) and from officers (inspection, release).
  'POST /v1/declarations/{id}/events': { roles: ['admin', 'officer', 'ingest'] },
  // Only people who inspect or supervise record outcomes and change channels.
  'POST /v1/declarations/{id}/outcome': { roles: ['admin', 'officer'] },
  'POST /v1/declarations/{id}/override': { roles: ['admin', 'analyst', 'officer'] },
  'GET /v1/queue': { roles: ['admin', 'analyst', 'officer', 'auditor'] },

  // Low-value consignments (the e-commerce lane): submitted like declarations, read by everyone who reads decisions.
  'POST /v1/consignments': { roles: ['admin', 'ingest', 'officer'] },
  'GET /v1/consignments/{id}': { roles: ['admin', 'analyst', 'officer', 'ingest', 'auditor'] },

  // Ingest keys (the clearance system) do not screen: the pipeline screens what they submit.
  'POST /v1/screen': { roles: ['admin', 'analyst', 'officer'] },
  'GET /v1/screening/hits': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/screening/hits/{id}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/screening/hits/{id}/adjudication': { roles: ['admin', 'analyst'] },
  'POST /v1/screening/hits/{id}/confirmation': { roles: ['admin', 'analyst'] },
  'GET /v1/screening/good-parties': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/screening/lists': { roles: ['admin', 'analyst', 'officer', 'auditor'] },

  // Analysts issue and change alerts; officers report what came of a partner's; auditors read.
  // A partner's key reaches federation routes only: alerts arrive through the inbox.
  'POST /v1/alerts': { roles: ['admin', 'analyst'] },
  'GET /v1/alerts': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/alerts/{id}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/alerts/{id}/amendment': { roles: ['admin', 'analyst'] },
  'POST /v1/alerts/{id}/withdrawal': { roles: ['admin', 'analyst'] },
  'POST /v1/alerts/{id}/feedback': { roles: ['admin', 'analyst', 'officer'] },
  'GET /v1/alerts/{id}/feedback': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  // Information sharing (docs/SHARING.md). Officers record what they seize; analysts decide what
  // leaves the administration; auditors read (national reads are themselves logged); a partner's
  // key reaches none of these (it speaks to the federation routes only).
  'POST /v1/seizures': { roles: ['admin', 'analyst', 'officer'] },
  'GET /v1/seizures': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/seizures/{id}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/seizures/{id}/share': { roles: ['admin', 'analyst'] },
  'POST /v1/cash-declarations': { roles: ['admin', 'officer'] },
  'GET /v1/cash-declarations': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/cash-declarations/{id}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/permits': { roles: ['admin', 'analyst'] },
  'GET /v1/permits': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/permits/{number}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  // The medical product registry (docs/MEDICAL.md): rights holders' and the regulator's data is
  // loaded and recalls recorded by the administration's analysts (there is no rights-holder role:
  // a rights holder's file reaches the registry through them); officers read packaging features.
  'POST /v1/products': { roles: ['admin', 'analyst'] },
  'GET /v1/products': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/products/{gtin}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/products/{gtin}/lots/{lot}/recall': { roles: ['admin', 'analyst'] },
  // Quota and trade reports: the people who answer for them (analysts, admins; there is no manager
  // role) and auditors; officers see documents one by one.
  'GET /v1/permit-reports/{report}': { roles: ['admin', 'analyst', 'auditor'] },
  'POST /v1/groups': { roles: ['admin', 'analyst'] },
  'GET /v1/groups': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/groups/{id}': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'POST /v1/groups/{id}/posts': { roles: ['admin', 'analyst'] },
  'GET /v1/groups/{id}/posts': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/groups/{id}/summary': { roles: ['admin', 'analyst', 'officer', 'auditor'] },

  // Manager dashboards: every person of the administration may read them (there is no manager role).
  'GET /v1/dashboards/time-release': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/dashboards/channel-mix': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/dashboards/hit-rates': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/dashboards/revenue': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/dashboards/seizures': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  'GET /v1/dashboards/model-precision': { roles: ['admin', 'analyst', 'officer', 'auditor'] },
  // Risk profiles (docs/RISK-PROFILES.md): analysts write, lint, backtest and activate; auditors read.
  'GET /v1/profiles': { roles: ['admin', 'analyst', 'auditor'] },
  'GET /v1/profiles/{id}': { roles: ['admin', 'analyst', 'auditor'] },
  'POST /v1/profiles/lint': { roles: ['admin', 'analyst'] },
  'PUT /v1/profiles/{id}/draft': { roles: ['admin', 'analyst'] },
  'POST /v1/profiles/{id}/activation': { roles: ['admin', 'analyst'] },
  'POST /v1/profiles/backtest': { roles: ['admin', 'analyst'] },
  // Models (docs/MODEL.md): analysts read and activate; auditors read the registry and its history.
  'GET /v1/models': { roles: ['admin', 'analyst', 'auditor'] },
  'POST /v1/models/{id}/activation': { roles: ['admin', 'analyst'] },

  'GET /v1/log/checkpoint': { public: 'partners verify the log with its public key alone' },
  'GET /v1/log/entries/{index}': {
    public: 'the leaf (a salted commitment) and its hash: partners verify the log with its public key alone',
    // The record and its salt go only to these roles of the record's administration.
    readers: ['admin', 'analyst', 'officer'],
  },
  'GET /v1/log/proof/inclusion': { public: 'partners verify the log with its public key alone' },
  'GET /v1/log/proof/consistency': { public: 'partners verify the log with its public key alone' },
  'GET /v1/log/public-key': { public: 'partners verify the log with its public key alone' },
  'GET /v1/log/checkpoints': { public: 'signed checkpoints and cosignatures: what every verifier may see' },
  'GET /v1/log/witnesses': {
    public: "the log's witnesses and their public keys: what every verifier may see",
  },
  'POST /v1/witness/add-checkpoint': {
    public: 'C2SP tlog-witness: the request is authenticated by the log signature it carries',
  },
  'GET /v1/witness/public-key': { public: 'partners verify cosignatures with it' },

  // Federation (docs/SHARING.md). A partner's operator adds this installation by its identity.
  'GET /v1/federation/identity': { public: 'name, HTTP signing key and URL: what a partner adds' },
  'POST /v1/federation/inbox': {
    public:
      "authenticated by the envelope's RFC 9421 signature with a partner's federation key, not by an API key; refused and recorded otherwise",
  },
  // A partner that accepts no inbound connection reads what is shared with it with a partner key.
  'GET /v1/federation/feed': { roles: ['partner'] },
  // Partners are the administration's: people who decide what to share see them; admins add them.
  'GET /v1/partners': { roles: ['admin', 'analyst', 'auditor'] },
  'POST /v1/partners': { roles: ['admin'] },
  'GET /v1/partners/{name}': { roles: ['admin', 'analyst', 'auditor'] },
} as const satisfies Record<string, RouteAccess>;

export type RouteKey = keyof typeof ROUTE_ACCESS;
/** The routes that need a key (the ones {@link requireRoute} accepts). */
export type ProtectedRouteKey = {
  [K in RouteKey]: (typeof ROUTE_ACCESS)[K] extends { roles: unknown } ? K : never;
}[RouteKey];

/** The roles allowed on a protected route. */
export function rolesOf(route: ProtectedRouteKey): readonly ApiKeyRole[] {
  return ROUTE_ACCESS[route].roles;
}

/**
 * The role check of one route, from {@link ROUTE_ACCESS}; use as a `createRoute` middleware
 * after the app's API-key authentication. A role not in the table is 403 `forbidden`, decided
 * before any object is looked up, so it says nothing about what exists.
 *
 * @example
 * createRoute({ method: 'get', path: '/v1/queue', middleware: [requireRoute('GET /v1/queue')] as const, ... })
 */
export function requireRoute(route: ProtectedRouteKey): MiddlewareHandler<{ Variables: AuthVariables }> {
  const roles = rolesOf(route);
  return async (c, next) => {
    const { role } = c.get('principal');
    if (!roles.includes(role)) {
      throw new HttpError(
        403,
        'forbidden',
        `${route} needs one of the roles ${roles.join(', ')}; the key has ${role}`,
      );
    }
    await next();
  };
}

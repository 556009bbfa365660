import { sql } from 'kysely';
import type { StoreConnection } from '../../../driven/database/database.ts';
import { AdministrationRepository } from '../../../driven/store/administration-repository.ts';
import { CashDeclarationRepository } from '../../../driven/store/cash-declaration-repository.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { GroupRepository } from '../../../driven/store/group-repository.ts';
import { SeizureRepository } from '../../../driven/store/seizure-repository.ts';
import type { AlertService } from '../../../installation/alert-service.ts';
import type { BusIntake } from '../../../installation/bus-intake.ts';
import type { Federation } from '../../../installation/federation.ts';
import type { RouteModule } from '../route-module.ts';
import { type WebAssets, webRoutes } from '../web/web-routes.ts';
import { alertRoutes } from './alerts.ts';
import { registerCashDeclarationRoutes } from './cash-declarations.ts';
import { type ConsignmentRouteDeps, consignmentRoutes } from './consignments.ts';
import { dashboardRoutes } from './dashboards.ts';
import { declarationPageRoutes } from './declaration-page.ts';
import { type AssessRecords, declarationRoutes } from './declarations.ts';
import { federationRoutes } from './federation.ts';
import { registerGroupRoutes } from './groups.ts';
import { healthRoutes } from './health.ts';
import { type LogRouteDeps, logRoutes } from './log.ts';
import { meRoutes } from './me.ts';
import { modelRoutes } from './models.ts';
import { partnerRoutes } from './partners.ts';
import { permitRoutes } from './permits.ts';
import { productRoutes } from './products.ts';
import { type ProfileRouteDeps, profileRoutes } from './profiles.ts';
import { queueRoutes } from './queue.ts';
import { type ScreeningRouteDeps, screeningRoutes } from './screening.ts';
import { registerSeizureRoutes } from './seizures.ts';
import type { SharingRouteDeps } from './sharing-support.ts';
import { submissionRoutes } from './submissions.ts';

export interface GreenlaneRouteDeps {
  conn: StoreConnection;
  store: DeclarationStore;
  /** `createAssessmentService(...).assess`. */
  assess: AssessRecords;
  /** Party screening endpoints, when the installation screens. */
  screening?: ScreeningRouteDeps;
  /** Transparency-log endpoints (public: partners verify proofs without a key). */
  log?: LogRouteDeps;
  /** Alerts issued to and received from partners (`openInstallation(...).alerts`). */
  alerts: AlertService;
  /**
   * Information sharing: federation's outbox (without it the routes that share answer 503), the
   * administration's name among group members, alert feedback for group summaries. Seizures,
   * cash declarations and groups are served either way; cash travellers are screened by `screening`.
   */
  sharing?: Pick<SharingRouteDeps, 'outbox' | 'memberName' | 'alertFeedback'>;
  /** Risk profile routes (lint, backtest): the reference data and price bands the pipeline uses. */
  profiles?: Pick<ProfileRouteDeps, 'reference' | 'priceBands'>;
  /** Federation: identity, inbox, feed and partners (docs/SHARING.md). */
  federation?: Federation;
  /** The e-commerce lane (docs/ECOMMERCE.md), when the server runs it. */
  consignments?: ConsignmentRouteDeps;
  /** The built workbench (web/), served at `/`; `serve` builds and loads it. */
  web?: WebAssets;
  /** Declarations through the message bus (`serve --nats`): decided by the cluster's workers. */
  intake?: BusIntake;
  /** Whether the message bus answers (`GET /readyz`), when the server has one. */
  busPing?: () => Promise<boolean>;
}

/** Seizures, cash declarations and closed groups over the connection (docs/SHARING.md). */
function sharingRoutes(deps: GreenlaneRouteDeps): RouteModule {
  const seizures = new SeizureRepository(deps.conn);
  const sharing: SharingRouteDeps = {
    ...deps.sharing,
    seizures,
    cash: new CashDeclarationRepository(deps.conn, seizures),
    groups: new GroupRepository(deps.conn),
    alerts: deps.alerts,
    ...(deps.screening ? { screening: deps.screening } : {}),
    ...(deps.log ? { onLogged: () => deps.log!.log.drainRecords() } : {}),
  };
  return {
    name: 'sharing',
    register: (app) => {
      registerSeizureRoutes(app, sharing);
      registerCashDeclarationRoutes(app, sharing);
      registerGroupRoutes(app, sharing);
    },
  };
}

/**
 * The route modules of a Greenlane server, in one list: this is where a capability adds its
 * module (`screeningRoutes(...)`, `logRoutes(...)`), and the only place `serve` and the tests
 * take them from, so both always run the same API.
 */
export function greenlaneRoutes(deps: GreenlaneRouteDeps): RouteModule[] {
  const queue = deps.store.queue.bind(deps.store);
  const administrations = new AdministrationRepository(deps.conn);
  return [
    healthRoutes({
      ping: async () => void (await sql`select 1`.execute(deps.conn.db)),
      ...(deps.busPing ? { busPing: deps.busPing } : {}),
    }),
    meRoutes({ administration: (id) => administrations.administration(id) }),
    declarationRoutes({
      assess: deps.assess,
      store: deps.store,
      ...(deps.intake ? { intake: deps.intake } : {}),
    }),
    submissionRoutes(deps.intake ? { intake: deps.intake } : {}),
    declarationPageRoutes({ conn: deps.conn, store: deps.store, ...(deps.log ? { log: deps.log.log } : {}) }),
    queueRoutes({ queue }),
    ...(deps.consignments ? [consignmentRoutes(deps.consignments)] : []),
    webRoutes(deps.web ? { web: deps.web } : {}),
    ...(deps.screening ? [screeningRoutes(deps.screening)] : []),
    alertRoutes({ alerts: deps.alerts }),
    dashboardRoutes({ conn: deps.conn }),
    ...(deps.profiles
      ? [
          profileRoutes({
            conn: deps.conn,
            store: deps.store,
            ...deps.profiles,
            ...(deps.log ? { onLogged: () => deps.log!.log.drainRecords() } : {}),
          }),
        ]
      : []),
    modelRoutes({ conn: deps.conn, ...(deps.log ? { onLogged: () => deps.log!.log.drainRecords() } : {}) }),
    sharingRoutes(deps),
    permitRoutes({ conn: deps.conn }),
    productRoutes({ conn: deps.conn }),
    ...(deps.log
      ? [
          {
            ...logRoutes({ authenticate: deps.store.authenticate, ...deps.log }),
            publicPaths: ['/v1/log/*', '/v1/witness/*'],
          },
        ]
      : []),
    ...(deps.federation
      ? [
          federationRoutes({ federation: deps.federation }),
          partnerRoutes({ partners: deps.federation.partners, self: deps.federation.identity }),
        ]
      : []),
  ];
}

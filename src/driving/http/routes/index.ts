import { sql } from 'kysely';
import type { StoreConnection } from '../../../driven/database/database.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import type { Federation } from '../../../installation/federation.ts';
import type { RouteModule } from '../route-module.ts';
import { webRoutes } from '../web/web-routes.ts';
import { type AssessRecords, declarationRoutes } from './declarations.ts';
import { federationRoutes } from './federation.ts';
import { healthRoutes } from './health.ts';
import { type LogRouteDeps, logRoutes } from './log.ts';
import { partnerRoutes } from './partners.ts';
import { queueRoutes } from './queue.ts';
import { type ScreeningRouteDeps, screeningRoutes } from './screening.ts';

export interface GreenlaneRouteDeps {
  conn: StoreConnection;
  store: DeclarationStore;
  /** `createAssessmentService(...).assess`. */
  assess: AssessRecords;
  /** Party screening endpoints, when the installation screens. */
  screening?: ScreeningRouteDeps;
  /** Transparency-log endpoints (public: partners verify proofs without a key). */
  log?: LogRouteDeps;
  /** Federation: identity, inbox, feed and partners (docs/SHARING.md). */
  federation?: Federation;
}

/**
 * The route modules of a Greenlane server, in one list: this is where a capability adds its
 * module (`screeningRoutes(...)`, `logRoutes(...)`), and the only place `serve` and the tests
 * take them from, so both always run the same API.
 */
export function greenlaneRoutes(deps: GreenlaneRouteDeps): RouteModule[] {
  const queue = deps.store.queue.bind(deps.store);
  return [
    healthRoutes({ ping: async () => void (await sql`select 1`.execute(deps.conn.db)) }),
    declarationRoutes({ assess: deps.assess, store: deps.store }),
    queueRoutes({ queue }),
    webRoutes({ queue }),
    ...(deps.screening ? [screeningRoutes(deps.screening)] : []),
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
          partnerRoutes({ partners: deps.federation.partners }),
        ]
      : []),
  ];
}

import type { AlertTables } from './alert-tables.ts';
import type { ClusterTables } from './cluster-tables.ts';
import type { ConsignmentTables } from './consignment-tables.ts';
import type { CoreTables } from './core-tables.ts';
import type { EnvironmentTables } from './environment-tables.ts';
import type { FederationTables } from './federation-tables.ts';
import type { LedgerTables } from './ledger-tables.ts';
import type { MedicalTables } from './medical-tables.ts';
import type { ModelTables } from './model-tables.ts';
import type { ScreeningTables } from './screening-tables.ts';
import type { SharingTables } from './sharing-tables.ts';

/**
 * The whole database as Kysely sees it. Each capability declares its own tables in its own file
 * (`core-tables.ts`, `ledger-tables.ts`, ...) and is added here.
 */
export interface Database
  extends AlertTables,
    ConsignmentTables,
    ClusterTables,
    CoreTables,
    EnvironmentTables,
    FederationTables,
    LedgerTables,
    MedicalTables,
    ModelTables,
    ScreeningTables,
    SharingTables {}

import type { Migration } from 'kysely';
import { coreMigration } from './0001-core.ts';
import { ledgerMigration } from './0002-ledger.ts';
import { screeningMigration } from './0003-screening.ts';
import { modelMigration } from './0004-model.ts';
import { screeningTenancyMigration } from './0005-screening-tenancy.ts';
import { profileTenancyMigration } from './0006-profile-tenancy.ts';
import { installationStateMigration } from './0007-installation-state.ts';
import { ledgerRecordsMigration } from './0008-ledger-records.ts';
import { federationMigration } from './0009-federation.ts';
import { alertsMigration } from './0010-alerts.ts';
import { seizuresGroupsMigration } from './0011-seizures-groups.ts';
import { medicalMigration } from './0012-medical.ts';
import { environmentMigration } from './0013-environment.ts';
import { clusterMigration } from './0014-cluster.ts';
import { profileDraftsMigration } from './0015-profile-drafts.ts';
import { consignmentsMigration } from './0016-consignments.ts';
import { medicalRegistryVersionsMigration } from './0017-medical-registry-versions.ts';
import { medicalLotUsageMigration } from './0018-medical-lot-usage.ts';
import { queueIndexesMigration } from './0020-queue-indexes.ts';

/**
 * All migrations in order. Names sort lexically (`0001-core`, `0002-ledger`, ...); each capability
 * adds its own file and one entry here. Migrations are written once SQLite and PostgreSQL agree.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-core': coreMigration,
  '0002-ledger': ledgerMigration,
  '0003-screening': screeningMigration,
  '0004-model': modelMigration,
  '0005-screening-tenancy': screeningTenancyMigration,
  '0006-profile-tenancy': profileTenancyMigration,
  '0007-installation-state': installationStateMigration,
  '0008-ledger-records': ledgerRecordsMigration,
  '0009-federation': federationMigration,
  '0010-alerts': alertsMigration,
  '0011-seizures-groups': seizuresGroupsMigration,
  '0012-medical': medicalMigration,
  '0013-environment': environmentMigration,
  '0014-cluster': clusterMigration,
  '0015-profile-drafts': profileDraftsMigration,
  '0016-consignments': consignmentsMigration,
  '0017-medical-registry-versions': medicalRegistryVersionsMigration,
  '0018-medical-lot-usage': medicalLotUsageMigration,
  '0020-queue-indexes': queueIndexesMigration,
};

import { createAssessmentService } from '../../src/app/assess.ts';
import type { SelectionPolicy } from '../../src/core/decision/selection-policy.ts';
import { compileProfiles } from '../../src/core/rules/evaluate.ts';
import { RiskProfileSchema } from '../../src/core/rules/risk-profile.ts';
import { type DialectName, openDatabase } from '../../src/driven/database/database.ts';
import { migrateToLatest } from '../../src/driven/database/migrate.ts';
import { referenceData } from '../../src/driven/reference/file-reference-data.ts';
import type { ApiKeyRole } from '../../src/driven/store/api-key-records.ts';
import { DeclarationStore } from '../../src/driven/store/declaration-store.ts';
import { createApp } from '../../src/driving/http/app.ts';
import type { ApiApp } from '../../src/driving/http/route-module.ts';
import { greenlaneRoutes } from '../../src/driving/http/routes/index.ts';
import { AlertService } from '../../src/installation/alert-service.ts';
import { dataDir, type RateLimits } from '../../src/installation/config.ts';
import { createTestDatabase } from './databases.ts';
import { testSelectionKey } from './selection-key.ts';

/**
 * For the API tests only: the real app on a fresh real database (SQLite file or PostgreSQL
 * schema), the real assessment pipeline with one test profile, and one API key per role in
 * administration `XA` (plus an officer key of administration `XB`, to prove tenant isolation).
 */
export interface TestApi {
  app: ApiApp;
  store: DeclarationStore;
  keys: Record<ApiKeyRole | 'otherAdministration', string>;
  dispose(): Promise<void>;
}

/** Fires on goods from China: red whatever the score, 60 points. */
export const TEST_PROFILE = RiskProfileSchema.parse({
  id: 'TEST-ORIGIN-CN',
  version: 1,
  title: 'Test: origin China',
  reason: 'Goods originate in a country under a test watch',
  instructions: 'Open the container and check the origin marks',
  criteria: { originCountry: ['CN'] },
  weight: 60,
  minChannel: 'red',
});

const POLICY: SelectionPolicy = {
  thresholds: { yellow: 20, red: 50 },
  randomRates: { yellow: 0, red: 0 },
};

export async function createTestApi(
  dialect: DialectName,
  opts: { bodyLimitBytes?: number; rateLimits?: RateLimits } = {},
): Promise<TestApi> {
  const database = await createTestDatabase(dialect);
  const conn = openDatabase(database.url);
  await migrateToLatest(conn);
  const store = new DeclarationStore(conn);
  const reference = referenceData(dataDir());
  const { assess } = createAssessmentService({
    reference,
    profiles: compileProfiles([TEST_PROFILE], reference),
    policy: POLICY,
    selectionKey: testSelectionKey('api-test'),
    store,
  });
  await store.ensureAdministration('XA', 'Test administration A');
  await store.ensureAdministration('XB', 'Test administration B');
  const key = async (admin: string, role: ApiKeyRole) =>
    (await store.createApiKey(admin, `${role} key`, role)).secret;
  const keys = {
    admin: await key('XA', 'admin'),
    analyst: await key('XA', 'analyst'),
    officer: await key('XA', 'officer'),
    ingest: await key('XA', 'ingest'),
    auditor: await key('XA', 'auditor'),
    partner: await key('XA', 'partner'),
    otherAdministration: await key('XB', 'officer'),
  };
  const app = createApp({
    authenticate: store.authenticate,
    routes: greenlaneRoutes({ conn, store, assess, alerts: new AlertService({ conn }) }),
    ...(opts.bodyLimitBytes ? { bodyLimitBytes: opts.bodyLimitBytes } : {}),
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
  });
  return {
    app,
    store,
    keys,
    dispose: async () => {
      await conn.close();
      await database.dispose();
    },
  };
}

/** A valid declaration (HS 2022, real country and currency codes), varied by id and origin. */
export function testDeclaration(id: string, origin = 'DE', office = 'NLRTM01') {
  return {
    id,
    type: 'import',
    customsOffice: office,
    lodgedAt: '2026-11-28T09:00:00Z',
    currency: 'EUR',
    importer: { id: 'NL-IMP-1', name: 'Importer BV', country: 'NL' },
    items: [{ sequence: 1, hsCode: '8471300000', originCountry: origin, netMass: 12, invoiceValue: 4000 }],
  };
}

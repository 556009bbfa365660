import { expect } from 'vitest';
import type { AssessmentItem } from '../../src/app/ports/assessment-store.ts';
import type { DecisionInput } from '../../src/app/ports/decision-records.ts';
import { contentHash } from '../../src/core/declaration/content-hash.ts';
import type { Declaration } from '../../src/core/declaration/declaration.ts';
import { openDatabase, type StoreConnection } from '../../src/driven/database/database.ts';
import { migrateToLatest } from '../../src/driven/database/migrate.ts';
import { StoreError } from '../../src/driven/database/store-error.ts';
import { DeclarationStore } from '../../src/driven/store/declaration-store.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/** What the store's repository tests share: two administrations, a declaration, a decision. */

export const A = 'ADM-A';
export const B = 'ADM-B';

export function declaration(id: string, overrides: Partial<Declaration> = {}): Declaration {
  return {
    id,
    type: 'import',
    customsOffice: 'NLRTM001',
    lodgedAt: '2026-11-28T09:00:00Z',
    importer: { id: `IMP-${id}`, name: 'Acme Trading BV', country: 'NL' },
    exporter: { name: 'Shenzhen Export Co', address: { country: 'CN' } },
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'EUR',
    items: [
      {
        sequence: 1,
        hsCode: '300490',
        hsEdition: '2022',
        originCountry: 'CN',
        invoiceValue: 1200.5,
        documents: [],
      },
    ],
    ...overrides,
  };
}

export const SELECTION = {
  keyId: 'sel_0123456789abcdef',
  draw: 0.0042,
  rates: { yellow: 0.02, red: 0.01 },
  thresholds: { yellow: 40, red: 80 },
};

export function decision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    channel: 'red',
    score: 12.5,
    reasons: [
      {
        source: 'profile',
        code: 'P-MEDICINES',
        message: 'Medicines from a new importer',
        score: 10,
        minChannel: 'yellow',
        instructions: 'Check the marketing authorisation',
        items: [1],
        evidence: { hsCode: '300490', firstTime: true },
      },
      { source: 'random', code: 'RANDOM_RED', message: 'Selected at random', score: 0, minChannel: 'red' },
    ],
    summary: 'red (physical inspection): random selection',
    selection: SELECTION,
    decidedAt: '2026-11-28T10:00:00Z',
    profileVersions: { 'P-MEDICINES': 3 },
    referenceVersion: 'ref-2026-11',
    modelVersion: 'gbdt-7',
    listVersions: { un: 'un:2026-11-01:abc' },
    ...overrides,
  };
}

export function item(d: Declaration, dec: DecisionInput = decision(), source = 'api'): AssessmentItem {
  return { declaration: d, contentHash: contentHash(d), source, decision: dec };
}

export async function expectStoreError(promise: Promise<unknown>, code: StoreError['code']): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
}

export type CountedTable = 'decisions' | 'declaration_versions' | 'lifecycle_events' | 'declarations';

export async function countRows(conn: StoreConnection, table: CountedTable): Promise<number> {
  const row = await conn.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A migrated database of `dialect` with administrations A and B, and the store over it. */
export async function openStore(
  dialect: TestDatabase['dialect'],
): Promise<{ testDb: TestDatabase; conn: StoreConnection; store: DeclarationStore }> {
  const testDb = await createTestDatabase(dialect);
  const conn = openDatabase(testDb.url);
  await migrateToLatest(conn);
  const store = new DeclarationStore(conn);
  await store.ensureAdministration(A, 'Administration A');
  await store.ensureAdministration(B, 'Administration B');
  return { testDb, conn, store };
}

export async function closeStore(testDb: TestDatabase, conn: StoreConnection): Promise<void> {
  await conn.close();
  await testDb.dispose();
}

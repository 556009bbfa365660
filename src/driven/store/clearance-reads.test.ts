import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import {
  A,
  B,
  closeStore,
  decision,
  declaration,
  item,
  openStore,
} from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import { ClearanceReads } from './clearance-reads.ts';
import type { DeclarationStore } from './declaration-store.ts';

for (const dialect of DIALECTS) {
  describe(`ClearanceReads on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let clearance: ClearanceReads;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      clearance = new ClearanceReads(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('summarises channels, statuses, hits and revenue as numbers on both databases', async () => {
      await store.saveAssessments(A, [
        item(declaration('S1'), decision({ channel: 'red', decidedAt: '2026-11-28T10:00:00Z' })),
        item(declaration('S2'), decision({ channel: 'green', decidedAt: '2026-11-28T11:00:00Z' })),
        item(declaration('S3'), decision({ channel: 'yellow', decidedAt: '2026-11-29T10:00:00Z' })),
      ]);
      await store.recordOutcome(
        A,
        'S1',
        { result: 'seizure', fraud: true, critical: true, revenueRecovered: 1500.25 },
        'o',
      );
      await store.recordOutcome(A, 'S3', { result: 'no_discrepancy', fraud: false, critical: false }, 'o');
      expect(await clearance.summary(A)).toEqual({
        declarations: 3,
        byChannel: { green: 1, yellow: 1, red: 1 },
        byStatus: { assessed: 1, under_inspection: 0, inspected: 2, released: 0 },
        inspections: 2,
        hits: 1,
        seizures: 1,
        revenueRecovered: 1500.25,
      });
      expect(await clearance.summary(A, { from: '2026-11-28', to: '2026-11-29' })).toMatchObject({
        declarations: 2,
        inspections: 1,
        hits: 1,
      });
      expect(await clearance.summary(B)).toMatchObject({
        declarations: 0,
        inspections: 0,
        revenueRecovered: 0,
      });
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import { AuditLog } from './audit-log.ts';

for (const dialect of DIALECTS) {
  describe(`AuditLog on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let auditLog: AuditLog;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      auditLog = new AuditLog(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('keeps entries per administration and installation-wide ones apart, newest first', async () => {
      await auditLog.audit('admin-a', 'declarations.submit', 'batch-1', { records: 3 }, A);
      await auditLog.audit('admin-a', 'declarations.submit', 'batch-2', {}, A);
      await auditLog.audit('admin-b', 'declarations.submit', 'batch-1', {}, B);
      await auditLog.audit('operator', 'lists.load', 'un');

      const a = await auditLog.auditTrail(A);
      // Newest first to the millisecond (ids written within one millisecond are in no set order).
      expect(a.map((e) => e.at)).toEqual(
        a
          .map((e) => e.at)
          .sort()
          .reverse(),
      );
      expect(a.map((e) => [e.subject, e.actor, e.administration]).sort()).toEqual([
        ['batch-1', 'admin-a', A],
        ['batch-2', 'admin-a', A],
      ]);
      expect(a.find((e) => e.subject === 'batch-1')!.details).toEqual({ records: 3 });
      expect(a[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect((await auditLog.auditTrail(null)).map((e) => [e.action, e.subject])).toEqual([
        ['lists.load', 'un'],
      ]);
      expect((await auditLog.auditTrail(A, { subject: 'batch-1' })).map((e) => e.subject)).toEqual([
        'batch-1',
      ]);
      expect(await auditLog.auditTrail(A, { limit: 1 })).toHaveLength(1);
    });

    it('refuses an empty actor or action and a bad limit, writing nothing', async () => {
      await expectStoreError(auditLog.audit('  ', 'x.y', 's', {}, A), 'INVALID_INPUT');
      await expectStoreError(auditLog.audit('someone', '', 's', {}, A), 'INVALID_INPUT');
      await expectStoreError(auditLog.auditTrail(A, { limit: 0 }), 'INVALID_INPUT');
      expect(await auditLog.auditTrail(A)).toEqual([]);
    });
  });
}

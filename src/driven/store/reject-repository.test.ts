import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, closeStore, openStore } from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import { RejectRepository } from './reject-repository.ts';

for (const dialect of DIALECTS) {
  describe(`RejectRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let rejects: RejectRepository;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      rejects = new RejectRepository(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('keeps rejects with their errors, bounded raw text and pagination', async () => {
      const long = 'x'.repeat(70_000);
      const ids = await rejects.saveRejects(A, [
        {
          source: 'file:a.ndjson',
          batchId: 'b1',
          recordNumber: 1,
          errors: [{ path: '/currency', code: 'unknown_currency', message: 'bad' }],
          raw: '{"currency":"XXX"}',
          receivedAt: '2026-11-28T08:00:00Z',
        },
        {
          source: 'file:a.ndjson',
          batchId: 'b1',
          recordNumber: 2,
          declarationId: 'R2',
          errors: [{ path: '', code: 'malformed_syntax', message: 'not JSON' }],
          raw: long,
          receivedAt: '2026-11-28T08:00:01Z',
        },
        {
          source: 'api',
          recordNumber: 1,
          errors: [{ path: '/id', code: 'required', message: 'missing' }],
          raw: '{}',
          receivedAt: '2026-11-28T08:00:02Z',
        },
      ]);
      expect(ids).toHaveLength(3);

      const batch = await rejects.listRejects(A, { batchId: 'b1' });
      expect(batch.items.map((r) => r.recordNumber)).toEqual([2, 1]);
      const big = batch.items[0]!;
      expect(big).toMatchObject({ declarationId: 'R2', rawLength: 70_000, truncated: true });
      expect(big.raw.length).toBe(65_536);
      expect(batch.items[1]!.errors).toEqual([
        { path: '/currency', code: 'unknown_currency', message: 'bad' },
      ]);

      const first = await rejects.listRejects(A, { limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const second = await rejects.listRejects(A, { limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((r) => r.source)).toEqual(['file:a.ndjson']);
      expect(second.nextCursor).toBeNull();
      expect((await rejects.listRejects(A, { source: 'api' })).items).toHaveLength(1);
      expect((await rejects.listRejects(A, { from: '2026-11-28T08:00:01Z' })).items).toHaveLength(2);
    });
  });
}

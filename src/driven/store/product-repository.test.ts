import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { parsedProduct } from '../../../test/support/medical-fixtures.ts';
import { A, B, closeStore, openStore } from '../../../test/support/store-fixtures.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { ProductRepository } from './product-repository.ts';
import { registryVersion } from './serial-registry-index.ts';

const GTIN = '09506000134352';
const lot = (serials: string[]) => [{ lot: 'L1', expiry: '2027-06-30', quantityReleased: 10, serials }];

for (const dialect of DIALECTS) {
  describe(`ProductRepository serial checks on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
    });
    afterEach(() => closeStore(testDb, conn));

    it('answers from the in-memory index and sees a load made through another connection at the next check', async () => {
      const repo = new ProductRepository(conn);
      await repo.load(A, [parsedProduct({ lots: lot(['S1', 'S2']) })], 'test');
      const asked: Array<[string, string]> = [
        [GTIN, 'S1'],
        [GTIN, 'S3'],
        ['09506000134369', 'S1'],
      ];
      expect(await repo.registeredOf(A, asked)).toEqual([[GTIN, 'S1']]);
      expect(await repo.registeredOf(B, asked)).toEqual([]);
      expect(await registryVersion(conn.db, A)).toBe(1);

      // Another process (here: another connection) adds a serial; this one's index follows.
      const other = openDatabase(testDb.url);
      try {
        await new ProductRepository(other).load(A, [parsedProduct({ lots: lot(['S3']) })], 'test');
      } finally {
        await other.close();
      }
      expect(await registryVersion(conn.db, A)).toBe(2);
      expect(await repo.registeredOf(A, asked)).toEqual([
        [GTIN, 'S1'],
        [GTIN, 'S3'],
      ]);
      expect(await repo.registeredOf(B, asked)).toEqual([]);
    });

    it('a failed load raises no version and adds no serial', async () => {
      const repo = new ProductRepository(conn);
      await expect(repo.load('NO-SUCH-ADMIN', [parsedProduct()], 'test')).rejects.toThrow();
      expect(await registryVersion(conn.db, 'NO-SUCH-ADMIN')).toBe(0);
      expect(await repo.registeredOf(A, [[GTIN, 'S1']])).toEqual([]);
    });
  });
}

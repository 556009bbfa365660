import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { cashBody as cashInput } from '../../../test/support/sharing-fixtures.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import type { StoreError } from '../database/store-error.ts';
import { CASH_PERSONAL_DATA_READ, CashDeclarationRepository } from './cash-declaration-repository.ts';
import { SeizureRepository } from './seizure-repository.ts';

const reader = { actor: 'analyst-1', via: 'test' };

for (const dialect of DIALECTS) {
  describe(`CashDeclarationRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let seizures: SeizureRepository;
    let cash: CashDeclarationRepository;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      seizures = new SeizureRepository(conn);
      cash = new CashDeclarationRepository(conn, seizures);
    });
    afterEach(() => closeStore(testDb, conn));

    const kinds = async () =>
      (
        await conn.db.selectFrom('ledger_records').select(['kind', 'record_id']).orderBy('kind').execute()
      ).map((r) => `${r.kind} ${r.record_id}`);

    it('stores an undeclared movement with its seizure and screening, each logged, in one go', async () => {
      const screening = { status: 'screened' as const, results: [{ id: 'CASH-1/traveller', matches: [] }] };
      const { stored, seizure } = await cash.record(A, cash.parse(A, cashInput()), screening, 'officer-1');
      expect(stored.declaration.administration).toBe(A);
      expect(seizure).toMatchObject({
        id: 'cash-CASH-1',
        category: 'cash-and-bearer-instruments',
        quantity: { value: 48_000, unit: 'currency-units' },
      });
      expect(stored.seizureId).toBe('cash-CASH-1');
      expect(await kinds()).toEqual([`cash-declaration ${A}/CASH-1`, `seizure ${A}/cash-CASH-1`]);
      const national = await seizures.get(A, 'cash-CASH-1', { form: 'national', reader });
      expect(JSON.stringify(national.report)).toContain('Karel Courier');
      expect(
        JSON.stringify((await seizures.get(A, 'cash-CASH-1', { form: 'global', reader })).report),
      ).not.toContain('Karel');
      const got = await cash.get(A, 'CASH-1', reader);
      expect(got.screening).toEqual(screening);
      const reads = await conn.db
        .selectFrom('audit_log')
        .select('subject')
        .where('action', '=', CASH_PERSONAL_DATA_READ)
        .execute();
      expect(reads.map((r) => r.subject)).toEqual(['cash-declaration/CASH-1']);
    });

    it('a plainly declared movement derives no seizure', async () => {
      const { stored, seizure } = await cash.record(
        A,
        cash.parse(A, cashInput({ status: 'declared' })),
        null,
        'o',
      );
      expect(seizure).toBeNull();
      expect(stored.seizureId).toBeNull();
      expect(await kinds()).toEqual([`cash-declaration ${A}/CASH-1`]);
    });

    it('names the missing field of a suspicious movement', async () => {
      let error: StoreError | undefined;
      try {
        cash.parse(A, cashInput({ status: 'suspicious', amount: -1 }));
      } catch (e) {
        error = e as StoreError;
      }
      expect(error?.code).toBe('INVALID_INPUT');
      expect(error?.details?.map((d) => d.path).sort()).toEqual(['/amount', '/grounds']);
    });

    it('writes nothing when the seizure cannot be stored, and refuses a second declaration with the same id', async () => {
      // A seizure already recorded under the derived id makes the whole declaration fail.
      await seizures.record(
        A,
        { ...(await cash.record(B, cash.parse(B, cashInput()), null, 'o')).seizure!, administration: A },
        'o',
      );
      await expectStoreError(cash.record(A, cash.parse(A, cashInput()), null, 'o'), 'CONFLICT');
      expect(await cash.list(A, {}, reader)).toEqual([]);
      await expectStoreError(cash.record(B, cash.parse(B, cashInput()), null, 'o'), 'CONFLICT');
    });

    it('keeps administrations apart and filters by status', async () => {
      await cash.record(A, cash.parse(A, cashInput({ id: 'C-1' })), null, 'o');
      await cash.record(A, cash.parse(A, cashInput({ id: 'C-2', status: 'declared' })), null, 'o');
      await expectStoreError(cash.get(B, 'C-1', reader), 'NOT_FOUND');
      expect(await cash.list(B, {}, reader)).toEqual([]);
      expect((await cash.list(A, { status: 'declared' }, reader)).map((c) => c.declaration.id)).toEqual([
        'C-2',
      ]);
    });
  });
}

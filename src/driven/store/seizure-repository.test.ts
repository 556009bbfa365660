import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import {
  A,
  B,
  closeStore,
  declaration,
  expectStoreError,
  item,
  openStore,
} from '../../../test/support/store-fixtures.ts';
import { releaseForm } from '../../core/sharing/release-policy.ts';
import { makeSeizure } from '../../core/sharing/test-fixtures.ts';
import type { StoreConnection } from '../database/database.ts';
import { StoreError } from '../database/store-error.ts';
import type { DeclarationStore } from './declaration-store.ts';
import { LedgerRecordStore } from './ledger-records.ts';
import { PERSONAL_DATA_READ, SeizureRepository } from './seizure-repository.ts';

const reader = { actor: 'officer-1', via: 'test' };
/** A national record of administration A, as an officer submits it (no administration). */
const input = (overrides: Record<string, unknown> = {}) => {
  const { administration: _, ...rest } = makeSeizure();
  return { ...rest, declarationId: undefined, ...overrides };
};

for (const dialect of DIALECTS) {
  describe(`SeizureRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let seizures: SeizureRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      seizures = new SeizureRepository(conn);
    });
    afterEach(() => closeStore(testDb, conn));

    const count = async (table: 'seizures' | 'ledger_records' | 'audit_log') =>
      Number(
        (
          await conn.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const personalReads = () =>
      conn.db.selectFrom('audit_log').selectAll().where('action', '=', PERSONAL_DATA_READ).execute();

    it('records a national seizure with its log record, and releases the global form without personal data', async () => {
      await store.saveAssessments(A, [item(declaration('D-1'))]);
      const report = await seizures.record(A, input({ declarationId: 'D-1' }), 'officer-1');
      expect(report.administration).toBe(A);
      const ledger = await conn.db
        .selectFrom('ledger_records')
        .selectAll()
        .where('kind', '=', 'seizure')
        .execute();
      expect(ledger.map((r) => [r.record_id, r.administration])).toEqual([[`${A}/${report.id}`, A]]);
      // The log record commits to the record by hash; no personal value is in it.
      expect(ledger[0]!.content).not.toContain('Jan de Vries');

      const global = await seizures.get(A, report.id, { form: 'global', reader });
      expect(global.form).toBe('global');
      expect(global.report).toEqual(releaseForm(report, 'global'));
      expect(JSON.stringify(global)).not.toContain('Jan de Vries');
      expect(await personalReads()).toEqual([]);

      const national = await seizures.get(A, report.id, { form: 'national', reader });
      expect(national.report).toEqual(report);
      const reads = await personalReads();
      expect(reads.map((r) => [r.administration, r.actor, r.subject])).toEqual([
        [A, 'officer-1', `seizure/${report.id}`],
      ]);
      expect(JSON.parse(reads[0]!.details)).toMatchObject({ via: 'test', persons: 1, companies: 1 });
    });

    it('gives a new id when none is given', async () => {
      const { id: _, ...noId } = input();
      const report = await seizures.record(A, noId, 'officer-1');
      expect(report.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("refuses another administration's declaration exactly like a missing one, and writes nothing", async () => {
      await store.saveAssessments(B, [item(declaration('D-B'))]);
      const before = await Promise.all([count('seizures'), count('ledger_records'), count('audit_log')]);
      const foreign = await seizures
        .record(A, input({ declarationId: 'D-B' }), 'o')
        .catch((e: StoreError) => e);
      const missing = await seizures
        .record(A, input({ declarationId: 'D-X' }), 'o')
        .catch((e: StoreError) => e);
      expect(foreign).toBeInstanceOf(StoreError);
      expect((foreign as StoreError).code).toBe('INVALID_INPUT');
      expect((foreign as StoreError).details).toEqual((missing as StoreError).details);
      expect((foreign as StoreError).message.replace('D-B', 'D-X')).toBe((missing as StoreError).message);
      expect(await Promise.all([count('seizures'), count('ledger_records'), count('audit_log')])).toEqual(
        before,
      );
    });

    it('names every invalid field by its pointer', async () => {
      const error = (await seizures
        .record(A, input({ category: 'gold', route: { departure: 'nl', destination: 'BE' } }), 'o')
        .catch((e: unknown) => e)) as StoreError;
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details?.map((d) => d.path).sort()).toEqual(['/category', '/route/departure']);
      await expectStoreError(seizures.record(A, input({ administration: B }), 'o'), 'INVALID_INPUT');
    });

    it('refuses a second seizure with the same id', async () => {
      await seizures.record(A, input(), 'o');
      await expectStoreError(seizures.record(A, input(), 'o'), 'CONFLICT');
      // The same id in another administration is another seizure.
      await seizures.record(B, input(), 'o');
    });

    it("never shows one administration another's seizures", async () => {
      const report = await seizures.record(A, input(), 'o');
      await expectStoreError(seizures.get(B, report.id, { form: 'national', reader }), 'NOT_FOUND');
      expect(await seizures.list(B, {}, { form: 'national', reader })).toEqual([]);
    });

    it('lists by day and category, newest first, logging each national record shown with persons', async () => {
      await seizures.record(A, input({ id: 'S-1', date: '2026-11-01', category: 'drugs' }), 'o');
      await seizures.record(A, input({ id: 'S-2', date: '2026-11-15T23:30:00Z', category: 'tobacco' }), 'o');
      await seizures.record(
        A,
        input({
          id: 'S-3',
          date: '2026-12-01',
          category: 'drugs',
          persons: [],
          companies: [],
          notes: undefined,
        }),
        'o',
      );
      const ids = async (filter: object) =>
        (await seizures.list(A, filter, { form: 'global', reader })).map((s) => s.report.id);
      expect(await ids({})).toEqual(['S-3', 'S-2', 'S-1']);
      expect(await ids({ from: '2026-11-15', to: '2026-11-15' })).toEqual(['S-2']);
      expect(await ids({ category: 'drugs' })).toEqual(['S-3', 'S-1']);
      expect(await personalReads()).toEqual([]);
      await seizures.list(A, {}, { form: 'national', reader });
      // S-3 names nobody: reading it is not a personal-data read.
      expect((await personalReads()).map((r) => r.subject).sort()).toEqual(['seizure/S-1', 'seizure/S-2']);
    });

    it('stores what partners share: the global form, and the national form only under AMBER+STRICT or RED', async () => {
      const report = makeSeizure({ id: 'P-1', administration: 'partner-x' });
      await conn.db.transaction().execute(async (trx) => {
        expect(
          await seizures.receive(trx, A, {
            partner: 'partner-x',
            itemId: 'item-1',
            handling: 'GREEN',
            body: { form: 'global', report: releaseForm(report, 'global') },
          }),
        ).toEqual({ status: 'accepted' });
        const refused = await seizures.receive(trx, A, {
          partner: 'partner-y',
          itemId: 'item-2',
          handling: 'AMBER',
          body: { form: 'national', report },
        });
        expect(refused).toMatchObject({ status: 'refused' });
        expect((refused as { reason: string }).reason).toContain('AMBER+STRICT or RED');
        const smuggled = await seizures.receive(trx, A, {
          partner: 'partner-y',
          itemId: 'item-3',
          handling: 'RED',
          body: { form: 'global', report: { ...releaseForm(report, 'global'), persons: report.persons } },
        });
        expect(smuggled).toMatchObject({ status: 'refused' });
        expect(
          await seizures.receive(trx, A, {
            partner: 'partner-z',
            itemId: 'item-4',
            handling: 'RED',
            body: { form: 'national', report },
          }),
        ).toEqual({ status: 'accepted' });
      });
      const received = await seizures.list(A, { source: 'received' }, { form: 'national', reader });
      expect(received.map((s) => [s.source, s.form, s.handling]).sort()).toEqual([
        ['partner-x', 'global', 'GREEN'],
        ['partner-z', 'national', 'RED'],
      ]);
      // Own and received ids do not collide.
      await seizures.record(A, input({ id: 'P-1' }), 'o');
      expect((await seizures.get(A, 'P-1', { form: 'global', reader })).source).toBe('local');
      expect(
        (await seizures.get(A, 'P-1', { source: 'partner-z', form: 'national', reader })).report,
      ).toEqual(report);
      expect(await seizures.list(B, {}, { form: 'national', reader })).toEqual([]);
    });

    it("is complete in the log's eyes: an own seizure without its log record is reported, a received one is not", async () => {
      const records = new LedgerRecordStore(conn);
      const report = await seizures.record(A, input(), 'o');
      await conn.db.transaction().execute((trx) =>
        seizures.receive(trx, A, {
          partner: 'partner-x',
          itemId: 'item-9',
          handling: 'GREEN',
          body: { form: 'global', report: releaseForm(makeSeizure({ id: 'R-1' }), 'global') },
        }),
      );
      const claimed = await records.pending(10);
      await conn.db.transaction().execute((trx) => records.claim(trx, claimed, 0));
      expect(await records.unlogged(claimed.length, 10)).toEqual([]);
      await conn.db.deleteFrom('ledger_records').where('kind', '=', 'seizure').execute();
      expect(await records.unlogged(claimed.length, 10)).toEqual([
        {
          kind: 'seizure',
          recordId: `${A}/${report.id}`,
          detail: `seizure ${report.id} (administration ${A})`,
        },
      ]);
    });

    it('shares in one transaction: a failing share leaves no audit entry', async () => {
      const report = await seizures.record(A, input(), 'o');
      const before = await count('audit_log');
      const what = { form: 'global' as const, to: ['p'], handling: 'GREEN' as const, actor: 'analyst-1' };
      await expect(
        seizures.share(A, report.id, what, async () => {
          throw new Error('outbox down');
        }),
      ).rejects.toThrow('outbox down');
      expect(await count('audit_log')).toBe(before);
      expect(await seizures.share(A, report.id, what, async (_trx, r) => r.id)).toBe(report.id);
      expect(await count('audit_log')).toBe(before + 1);
      await expectStoreError(
        seizures.share(B, report.id, what, async () => 1),
        'NOT_FOUND',
      );
    });
  });
}

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleConsignment } from '../../test/support/consignment-fixture.ts';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { A, B, closeStore, openStore } from '../../test/support/store-fixtures.ts';
import { openConsignmentLane } from '../core/ecommerce/lane.ts';
import { DEFAULT_LANE_CONFIG } from '../core/ecommerce/lane-config.ts';
import type { ReferenceData } from '../core/reference/reference-data.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { ConsignmentRepository } from '../driven/store/consignment-repository.ts';
import { dataDir } from '../installation/config.ts';
import { createConsignmentService } from './consignments.ts';

let ref: ReferenceData;
beforeAll(() => {
  ref = referenceData(dataDir());
});

const records = (...values: unknown[]) => values.map((value, i) => ({ record: i + 1, value }));

for (const dialect of DIALECTS) {
  describe(`assessConsignments on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let repository: ConsignmentRepository;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      repository = new ConsignmentRepository(conn);
    });
    afterEach(() => closeStore(testDb, conn));

    const service = () =>
      createConsignmentService({
        lane: openConsignmentLane({ ref, config: DEFAULT_LANE_CONFIG }),
        store: repository,
        now: () => new Date('2026-11-02T10:00:05Z'),
        timer: () => 0,
      });

    it('answers one line per record, stores the decided ones with their lane, per administration', async () => {
      const svc = service();
      const lines = await svc.assessConsignments(
        A,
        records(
          sampleConsignment({ id: 'c-1' }),
          { ...sampleConsignment({ id: 'c-2' }), currency: 'EURO' },
          sampleConsignment({ id: 'c-3', items: [{ description: 'tadalafil 20mg', value: 9 }] }),
        ),
        { actor: 'test' },
      );
      expect(lines).toEqual([
        {
          record: 1,
          consignmentId: 'c-1',
          lane: 'release',
          score: 0,
          reasons: [],
          ms: 0,
          decidedAt: '2026-11-02T10:00:05.000Z',
        },
        {
          rejected: true,
          record: 2,
          consignmentId: 'c-2',
          errors: [
            {
              path: '/currency',
              code: 'unknown_currency',
              message: '/currency: "EURO" is not an ISO 4217 currency code',
            },
          ],
        },
        expect.objectContaining({ record: 3, consignmentId: 'c-3', lane: 'inspect' }),
      ]);
      expect(await repository.countByLane(A)).toEqual({ release: 1, inspect: 1 });
      expect(await repository.countByLane(B)).toEqual({});
      const stored = await repository.getConsignment(A, 'c-3');
      expect(stored).toMatchObject({ lane: 'inspect', decidedBy: 'test', valueEur: 9 });
      expect(stored.reasons[0]).toMatchObject({ code: 'PROHIBITED_GOODS' });
      await expect(repository.getConsignment(B, 'c-3')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('replaces a consignment lodged again, also twice in one batch', async () => {
      const svc = service();
      await svc.assessConsignments(A, records(sampleConsignment({ id: 'c-1' })));
      await svc.assessConsignments(
        A,
        records(
          sampleConsignment({ id: 'c-1', items: [{ description: 'R-22 refrigerant', value: 30 }] }),
          sampleConsignment({ id: 'c-1', items: [{ description: 'ivory carving', value: 30 }] }),
        ),
      );
      expect(await repository.countByLane(A)).toEqual({ hold: 1 });
      expect((await repository.getConsignment(A, 'c-1')).reasons[0]!.message).toMatch(/ivory/);
    });

    it('writes nothing when the batch cannot be stored', async () => {
      const svc = service();
      await expect(svc.assessConsignments('nobody', records(sampleConsignment()))).rejects.toMatchObject({
        code: 'UNKNOWN_ADMINISTRATION',
      });
      expect(await repository.countByLane('nobody')).toEqual({});
    });

    it('finds split consignments within one administration only', async () => {
      const svc = service();
      const part = (id: string, lodgedAt: string) =>
        sampleConsignment({ id, lodgedAt, items: [{ description: 'lamp', value: 100 }], grossMassKg: 1 });
      await svc.assessConsignments(A, records(part('p-1', '2026-11-02T10:00:00Z')));
      const [other] = await svc.assessConsignments(B, records(part('p-2', '2026-11-02T12:00:00Z')));
      const [second] = await svc.assessConsignments(A, records(part('p-3', '2026-11-02T12:00:00Z')));
      expect(other).toMatchObject({ lane: 'release' });
      expect(second).toMatchObject({ lane: 'hold', reasons: [{ code: 'SPLIT_CONSIGNMENT' }] });
    });
  });
}

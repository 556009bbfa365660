import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import {
  A,
  closeStore,
  decision,
  declaration,
  expectStoreError,
  item,
  openStore,
} from '../../../test/support/store-fixtures.ts';
import type { Channel } from '../../core/decision/signal.ts';
import type { StoreConnection } from '../database/database.ts';
import { DeclarationReads } from './declaration-reads.ts';
import type { DeclarationStore } from './declaration-store.ts';

for (const dialect of DIALECTS) {
  describe(`DeclarationReads on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let reads: DeclarationReads;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      reads = new DeclarationReads(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    it('serves the queue with filters and keyset pagination, newest first', async () => {
      const specs: Array<[string, Channel, string, string]> = [
        ['Q1', 'red', 'NLRTM001', '2026-11-28T10:00:00Z'],
        ['Q2', 'green', 'NLRTM001', '2026-11-28T10:01:00Z'],
        ['Q3', 'red', 'NLAMS002', '2026-11-28T10:02:00Z'],
        ['Q4', 'yellow', 'NLRTM001', '2026-11-28T10:03:00Z'],
        ['Q5', 'red', 'NLRTM001', '2026-11-28T10:03:00Z'],
        ['Q6', 'red', 'NLRTM001', '2026-11-28T10:05:00Z'],
      ];
      await store.saveAssessments(
        A,
        specs.map(([id, channel, office, at]) =>
          item(declaration(id, { customsOffice: office }), decision({ channel, decidedAt: at })),
        ),
      );
      const all = await reads.queue(A);
      expect(all.items.map((e) => e.declarationId)).toEqual(['Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1']);
      expect(all.items[0]).toMatchObject({ channel: 'red', score: 12.5, kind: 'auto', status: 'assessed' });
      expect(all.items[0]!.reasons[0]!.code).toBe('P-MEDICINES');
      expect(all.items[0]!.summary).toBe('red (physical inspection): random selection');

      const red = await reads.queue(A, { channel: 'red', office: 'NLRTM001' });
      expect(red.items.map((e) => e.declarationId)).toEqual(['Q6', 'Q5', 'Q1']);
      const window = await reads.queue(A, { from: '2026-11-28T10:01:00Z', to: '2026-11-28T10:05:00Z' });
      expect(window.items.map((e) => e.declarationId)).toEqual(['Q5', 'Q4', 'Q3', 'Q2']);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await reads.queue(A, { limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((e) => e.declarationId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1']);

      await expectStoreError(reads.queue(A, { cursor: 'not-a-cursor' }), 'INVALID_INPUT');
      await expectStoreError(reads.queue(A, { limit: 0 }), 'INVALID_INPUT');
    });
  });
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { markedSeizure, uuidsIn } from '../../../test/support/seizure-arbitrary.ts';
import { A, closeStore, declaration, item, openStore } from '../../../test/support/store-fixtures.ts';
import { GlobalSeizureReportSchema } from '../../core/sharing/release-policy.ts';
import type { SeizureReport } from '../../core/sharing/seizure.ts';
import type { StoreConnection } from '../database/database.ts';
import type { DeclarationStore } from './declaration-store.ts';
import { SeizureRepository } from './seizure-repository.ts';

const reader = { actor: 'property', via: 'test' };

/*
 * The core property (release-policy.test.ts) on the stored path: a seizure recorded with marked
 * personal values, read back and listed in the global form (what `GET /v1/seizures`, `seizures
 * export` and a global share show), never contains any of them, and the national form loses none.
 */
for (const dialect of DIALECTS) {
  describe(`property on ${dialect}: no personal value of a stored seizure in its global form`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let seizures: SeizureRepository;
    let n = 0;

    beforeAll(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      seizures = new SeizureRepository(conn);
    });
    afterAll(() => closeStore(testDb, conn));

    it('holds for arbitrary seizures', async () => {
      await fc.assert(
        fc.asyncProperty(markedSeizure, async (input) => {
          n += 1;
          const id = `P-${n}`;
          // A declaration id must name an own declaration: store one under the marked id first.
          if (input.declarationId !== undefined) {
            await store.saveAssessments(A, [item(declaration(input.declarationId.trim()))]);
          }
          const recorded: SeizureReport = await seizures.record(A, { ...input, administration: A, id }, 'p');
          const personal = uuidsIn({
            persons: recorded.persons,
            companies: recorded.companies,
            notes: recorded.notes,
            goods: recorded.goods,
            declarationId: recorded.declarationId,
          });
          const one = await seizures.get(A, id, { form: 'global', reader });
          const listed = (await seizures.list(A, { limit: 1000 }, { form: 'global', reader })).find(
            (s) => s.report.id === id,
          )!;
          for (const shown of [one, listed]) {
            const json = JSON.stringify(shown);
            for (const uuid of personal) expect(json).not.toContain(uuid);
            expect(GlobalSeizureReportSchema.safeParse(shown.report).success).toBe(true);
          }
          const national = await seizures.get(A, id, { form: 'national', reader });
          expect(uuidsIn(national.report).sort()).toEqual(personal.sort());
        }),
        { numRuns: dialect === 'sqlite' ? 60 : 25 },
      );
    });
  });
}

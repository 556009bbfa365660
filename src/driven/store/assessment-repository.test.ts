import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import {
  A,
  closeStore,
  countRows,
  decision,
  declaration,
  expectStoreError,
  item,
  openStore,
  SELECTION,
} from '../../../test/support/store-fixtures.ts';
import { StaleVersionError } from '../../app/ports/stale-version-error.ts';
import { contentHash } from '../../core/declaration/content-hash.ts';
import type { StoreConnection } from '../database/database.ts';
import { AssessmentRepository } from './assessment-repository.ts';
import type { DeclarationStore } from './declaration-store.ts';

for (const dialect of DIALECTS) {
  describe(`AssessmentRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let assessments: AssessmentRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      assessments = new AssessmentRepository(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    const count = (table: Parameters<typeof countRows>[1]) => countRows(conn, table);

    it('creates, ignores identical resubmissions and versions amendments', async () => {
      const original = declaration('D1');
      const [created] = await assessments.saveAssessments(A, [item(original)]);
      expect(created).toMatchObject({ id: 'D1', status: 'created', version: 1 });

      const [same] = await assessments.saveAssessments(A, [
        item(original, decision({ channel: 'green', score: 0 })),
      ]);
      expect(same).toMatchObject({ status: 'unchanged', version: 1 });
      expect(same!.decision).toEqual(created!.decision);
      expect(await count('decisions')).toBe(1);
      expect(await count('declaration_versions')).toBe(1);

      const changed = declaration('D1', { invoiceTotal: 999 });
      const [amended] = await assessments.saveAssessments(A, [
        item(changed, decision({ channel: 'yellow' }), 'file:x'),
      ]);
      expect(amended).toMatchObject({ status: 'amended', version: 2 });
      expect(amended!.decision.channel).toBe('yellow');

      const current = await assessments.currentVersions(A, ['D1', 'NOPE']);
      expect([...current]).toEqual([
        [
          'D1',
          {
            version: 2,
            contentHash: contentHash(changed),
            decisionId: amended!.decision.id,
            // The highest channel ever assigned (red at version 1), not the current yellow.
            floor: { channel: 'red', version: 1 },
          },
        ],
      ]);
      const detail = await store.getDeclaration(A, 'D1');
      expect(detail.declaration).toEqual(changed);
      expect(detail.versions.map((v) => [v.version, v.source])).toEqual([
        [1, 'api'],
        [2, 'file:x'],
      ]);
      expect(detail.decisions.map((d) => [d.version, d.channel])).toEqual([
        [1, 'red'],
        [2, 'yellow'],
      ]);
    });

    it('handles repeated ids inside one batch in order', async () => {
      const a = declaration('D2');
      const b = declaration('D2', { procedure: '4000' });
      const results = await assessments.saveAssessments(A, [item(a), item(a), item(b)]);
      expect(results.map((r) => [r.status, r.version])).toEqual([
        ['created', 1],
        ['unchanged', 1],
        ['amended', 2],
      ]);
      expect(results[1]!.decision.id).toBe(results[0]!.decision.id);
      expect((await store.getDeclaration(A, 'D2')).declaration).toEqual(b);
    });

    it('round-trips a decision with its full explanation and versions', async () => {
      const [saved] = await assessments.saveAssessments(A, [
        item(declaration('D3'), decision({ decidedAt: '2026-11-28T11:00:00+01:00' })),
      ]);
      const detail = await store.getDeclaration(A, 'D3');
      expect(detail.decision).toEqual(saved!.decision);
      expect(detail.decision).toMatchObject({
        kind: 'auto',
        channel: 'red',
        score: 12.5,
        summary: 'red (physical inspection): random selection',
        selection: SELECTION,
        decidedAt: '2026-11-28T10:00:00.000Z',
        profileVersions: { 'P-MEDICINES': 3 },
        referenceVersion: 'ref-2026-11',
        modelVersion: 'gbdt-7',
        listVersions: { un: 'un:2026-11-01:abc' },
        officer: null,
        logIndex: null,
      });
      expect(detail.decision.reasons).toEqual(decision().reasons);
      expect(typeof detail.decision.score).toBe('number');
      expect(typeof detail.version).toBe('number');
    });

    it('refuses a save decided against a head that moved on, writing nothing (STALE_VERSION)', async () => {
      const [v1] = await assessments.saveAssessments(A, [item(declaration('S1'))]);
      const head = { version: 1, decisionId: v1!.decision.id };
      const amended = (n: number) => ({ ...item(declaration('S1', { invoiceTotal: n })), expected: head });
      const [v2] = await assessments.saveAssessments(A, [amended(2)]);
      expect(v2).toMatchObject({ status: 'amended', version: 2 });
      const before = { decisions: await count('decisions'), versions: await count('declaration_versions') };
      // Decided against version 1 too, but version 2 landed first: the whole batch is refused.
      await expect(assessments.saveAssessments(A, [item(declaration('S2')), amended(3)])).rejects.toThrow(
        StaleVersionError,
      );
      // An override moves the head as well (the floor may have risen).
      const [v3] = await assessments.saveAssessments(A, [
        {
          ...item(declaration('S1', { invoiceTotal: 3 })),
          expected: { version: 2, decisionId: v2!.decision.id },
        },
      ]);
      await store.overrideDecision(A, 'S1', { channel: 'green', reason: 'documents checked' }, 'officer-1');
      await expect(
        assessments.saveAssessments(A, [
          {
            ...item(declaration('S1', { invoiceTotal: 4 })),
            expected: { version: 3, decisionId: v3!.decision.id },
          },
        ]),
      ).rejects.toThrow(StaleVersionError);
      // A new id expected absent, that another writer created meanwhile.
      await expect(
        assessments.saveAssessments(A, [{ ...item(declaration('S1')), expected: null }]),
      ).rejects.toThrow(StaleVersionError);
      expect(await count('decisions')).toBe(before.decisions + 2);
      expect(await count('declaration_versions')).toBe(before.versions + 1);
      expect((await assessments.currentVersions(A, ['S2'])).size).toBe(0);
    });

    it('tracks parties for first-time-trader checks', async () => {
      await assessments.saveAssessments(A, [item(declaration('T1'))]);
      expect(await assessments.knownParties(A, ['IMP-T1', 'IMP-NEW'])).toEqual(new Set(['IMP-T1']));
      await assessments.saveAssessments(A, [
        item(declaration('T1', { importer: { id: 'IMP-OTHER', name: 'Other' } })),
      ]);
      expect(await assessments.knownParties(A, ['IMP-T1', 'IMP-OTHER'])).toEqual(new Set(['IMP-OTHER']));
      expect(await store.parties(A, 'exporter')).toEqual([
        {
          declarationId: 'T1',
          role: 'exporter',
          partyId: null,
          partyName: 'Shenzhen Export Co',
          country: 'CN',
        },
      ]);
    });

    it('rolls a failing batch back completely', async () => {
      await assessments.saveAssessments(A, [item(declaration('F1'))]);
      // A concurrent writer already took version 2 of F1: the batch must fail as a whole.
      await conn.db
        .insertInto('declaration_versions')
        .values({
          administration: A,
          declaration_id: 'F1',
          version: 2,
          content: '{}',
          content_hash: 'other',
          received_at: '2026-11-28T00:00:00.000Z',
          source: 'elsewhere',
        })
        .execute();
      const before = {
        decisions: await count('decisions'),
        events: await count('lifecycle_events'),
      };
      await expectStoreError(
        assessments.saveAssessments(A, [
          item(declaration('F0')),
          item(declaration('F1', { procedure: '4000' })),
        ]),
        'CONFLICT',
      );
      expect((await assessments.currentVersions(A, ['F0', 'F1'])).get('F1')?.version).toBe(1);
      expect((await assessments.currentVersions(A, ['F0'])).size).toBe(0);
      expect(await assessments.knownParties(A, ['IMP-F0'])).toEqual(new Set());
      expect(await count('decisions')).toBe(before.decisions);
      expect(await count('lifecycle_events')).toBe(before.events);
    });

    it('resolves concurrent first submissions of the same declaration', async () => {
      const d = declaration('C1');
      const results = await Promise.all([
        assessments.saveAssessments(A, [item(d)]),
        assessments.saveAssessments(A, [item(d)]),
      ]);
      expect(results.map((r) => r[0]!.status).sort()).toEqual(['created', 'unchanged']);
      expect(await count('declaration_versions')).toBe(1);
    });
  });
}

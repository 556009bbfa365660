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
import type { Channel } from '../../core/decision/signal.ts';
import type { StoreConnection } from '../database/database.ts';
import { StoreError } from '../database/store-error.ts';
import type { DeclarationStore } from './declaration-store.ts';
import { LifecycleRepository } from './lifecycle-repository.ts';

for (const dialect of DIALECTS) {
  describe(`LifecycleRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    let lifecycle: LifecycleRepository;

    beforeEach(async () => {
      ({ testDb, conn, store } = await openStore(dialect));
      lifecycle = new LifecycleRepository(conn);
    });

    afterEach(() => closeStore(testDb, conn));

    const count = (table: Parameters<typeof countRows>[1]) => countRows(conn, table);

    it('records inspection outcomes and exposes them as training rows', async () => {
      await store.saveAssessments(A, [item(declaration('O1', { lodgedAt: '2026-11-01' }))]);
      const [v2] = await store.saveAssessments(A, [
        item(declaration('O1', { lodgedAt: '2026-11-01', invoiceTotal: 5 }), decision({ reasons: [] })),
      ]);
      const outcome = await lifecycle.recordOutcome(
        A,
        'O1',
        { result: 'seizure', fraud: true, critical: true, revenueRecovered: 1500.25, notes: 'counterfeit' },
        'officer-7',
      );
      expect(outcome).toMatchObject({ version: 2, decisionId: v2!.decision.id, officer: 'officer-7' });

      const detail = await store.getDeclaration(A, 'O1');
      expect(detail.status).toBe('inspected');
      expect(detail.outcomes).toEqual([outcome]);
      expect(detail.events.map((e) => e.event)).toContain('outcome');

      const rows = await store.trainingRows(A, { from: '2026-11-01', to: '2026-11-02' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        declarationId: 'O1',
        version: 2,
        channel: 'red',
        randomlySelected: false,
        result: 'seizure',
        fraud: true,
        critical: true,
        revenueRecovered: 1500.25,
      });
      expect(rows[0]!.declaration.invoiceTotal).toBe(5);
      expect(await store.trainingRows(A, { from: '2026-11-02' })).toEqual([]);

      const older = await lifecycle.recordOutcome(
        A,
        'O1',
        { result: 'no_discrepancy', fraud: false, critical: false, version: 1 },
        'officer-7',
      );
      expect(older.decisionId).not.toBe(v2!.decision.id);
      const trail = await store.auditTrail(A, { subject: 'O1' });
      expect(trail.map((e) => e.action)).toEqual(['outcome.record', 'outcome.record']);

      await expectStoreError(
        lifecycle.recordOutcome(A, 'O1', { result: 'lost' as never, fraud: false, critical: false }, 'o'),
        'INVALID_INPUT',
      );
      await expectStoreError(
        lifecycle.recordOutcome(
          A,
          'O1',
          { result: 'discrepancy', fraud: true, critical: false, revenueRecovered: -1 },
          'o',
        ),
        'INVALID_INPUT',
      );
      await expectStoreError(
        lifecycle.recordOutcome(
          A,
          'O1',
          { result: 'discrepancy', fraud: true, critical: false, version: 3 },
          'o',
        ),
        'INVALID_INPUT',
      );
    });

    it('records outcomes in bulk, all or nothing', async () => {
      await store.saveAssessments(A, [item(declaration('M1')), item(declaration('M2'))]);
      const seizure = { result: 'seizure', fraud: true, critical: false } as const;
      await expectStoreError(
        lifecycle.recordOutcomes(
          A,
          [
            { id: 'M1', outcome: seizure },
            { id: 'UNKNOWN', outcome: seizure },
          ],
          'officer-9',
        ),
        'NOT_FOUND',
      );
      expect((await store.getDeclaration(A, 'M1')).outcomes).toEqual([]);
      const stored = await lifecycle.recordOutcomes(
        A,
        [
          { id: 'M1', outcome: seizure },
          { id: 'M2', outcome: { result: 'no_discrepancy', fraud: false, critical: false } },
        ],
        'officer-9',
      );
      expect(stored.map((o) => o.result)).toEqual(['seizure', 'no_discrepancy']);
      expect((await store.getDeclaration(A, 'M2')).status).toBe('inspected');
      expect((await store.trainingRows(A)).map((r) => [r.declarationId, r.fraud])).toEqual([
        ['M1', true],
        ['M2', false],
      ]);
    });

    it('overrides a decision with a new row that names the officer, reason and predecessor', async () => {
      const [saved] = await store.saveAssessments(A, [item(declaration('V1'))]);
      const override = await lifecycle.overrideDecision(
        A,
        'V1',
        { channel: 'green', reason: 'Authorised medical consignment, documents verified' },
        'officer-3',
      );
      expect(override).toMatchObject({
        kind: 'override',
        channel: 'green',
        officer: 'officer-3',
        supersedes: saved!.decision.id,
        version: 1,
        selection: SELECTION,
        profileVersions: saved!.decision.profileVersions,
      });
      expect(override.reasons.slice(1)).toEqual(saved!.decision.reasons);
      expect(override.reasons[0]).toMatchObject({ source: 'override', code: 'OFFICER_OVERRIDE' });
      expect(override.summary).toContain('by officer override, was red');
      const detail = await store.getDeclaration(A, 'V1');
      expect(detail.decision.id).toBe(override.id);
      expect(detail.decisions.map((d) => d.kind)).toEqual(['auto', 'override']);
      expect((await store.queue(A, { channel: 'green' })).items.map((e) => e.declarationId)).toEqual(['V1']);
      expect((await store.queue(A, { channel: 'red' })).items).toEqual([]);
      expect((await store.auditTrail(A, { subject: 'V1' }))[0]).toMatchObject({
        actor: 'officer-3',
        action: 'decision.override',
        details: { from: 'red', to: 'green' },
      });
      await expectStoreError(
        lifecycle.overrideDecision(A, 'V1', { channel: 'red', reason: '   ' }, 'officer-3'),
        'INVALID_INPUT',
      );
      await expectStoreError(
        lifecycle.overrideDecision(A, 'V1', { channel: 'blue' as Channel, reason: 'x' }, 'officer-3'),
        'INVALID_INPUT',
      );
    });

    it('refuses malformed override reasons and channels, naming the field, and stores nothing', async () => {
      await store.saveAssessments(A, [item(declaration('OV'))]);
      const decisions = await count('decisions');
      for (const [change, message] of [
        [
          { channel: 'green', reason: 'cleared \ud800' },
          /^reason is not well-formed Unicode: lone surrogate U\+D800/,
        ],
        [{ channel: 'green', reason: 'nul\u0000byte' }, /^reason must not contain control character U\+0000/],
        [{ channel: 'green', reason: 'x'.repeat(2001) }, /^reason is longer than 2000 characters$/],
        [{ channel: 'green', reason: ' ok ' }, /^reason must say why/],
        [{ channel: 'purple', reason: 'a good reason' }, /^channel must be one of green, yellow, red$/],
      ] as const) {
        const error = await lifecycle
          .overrideDecision(A, 'OV', change as { channel: Channel; reason: string }, 'officer-1')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
      }
      expect(await count('decisions')).toBe(decisions);
    });

    it('records lifecycle events for clearance-time measurement', async () => {
      await store.saveAssessments(A, [item(declaration('E1', { arrivalAt: '2026-11-28T07:30:00Z' }))]);
      await lifecycle.recordEvent(
        A,
        'E1',
        { event: 'inspection_start', at: '2026-11-28T12:00:00Z' },
        'officer-1',
      );
      expect((await store.getDeclaration(A, 'E1')).status).toBe('under_inspection');
      await lifecycle.recordEvent(
        A,
        'E1',
        { event: 'inspection_end', at: '2026-11-28T12:30:00Z' },
        'officer-1',
      );
      await lifecycle.recordEvent(A, 'E1', { event: 'release', at: '2026-11-28T13:00:00Z' }, 'officer-1');
      const detail = await store.getDeclaration(A, 'E1');
      expect(detail.status).toBe('released');
      expect(detail.events.map((e) => [e.event, e.at, e.actor])).toEqual([
        ['arrival', '2026-11-28T07:30:00.000Z', 'system'],
        ['lodgement', '2026-11-28T09:00:00.000Z', 'system'],
        ['decision', '2026-11-28T10:00:00.000Z', 'system'],
        ['inspection_start', '2026-11-28T12:00:00.000Z', 'officer-1'],
        ['inspection_end', '2026-11-28T12:30:00.000Z', 'officer-1'],
        ['release', '2026-11-28T13:00:00.000Z', 'officer-1'],
      ]);
      await lifecycle.recordOutcome(
        A,
        'E1',
        { result: 'no_discrepancy', fraud: false, critical: false },
        'o',
      );
      expect((await store.getDeclaration(A, 'E1')).status).toBe('released');
      await expectStoreError(
        lifecycle.recordEvent(A, 'E1', { event: 'decision' }, 'officer-1'),
        'INVALID_INPUT',
      );
      await expectStoreError(
        lifecycle.recordEvent(A, 'E1', { event: 'release', at: 'yesterday' }, 'o'),
        'INVALID_INPUT',
      );
    });
  });
}

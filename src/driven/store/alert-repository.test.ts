import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import { issueAlert, parseAlertContent, receiveAlert, transitionAlert } from '../../core/sharing/alert.ts';
import type { StoreConnection } from '../database/database.ts';
import { AlertRepository } from './alert-repository.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const CONTENT = {
  title: 'Falsified tablets',
  reason: 'Falsified tablets found in three consignments.',
  instructions: 'Sample the tablets.',
  handling: 'AMBER',
  validUntil: '2026-12-31',
  criteria: { hsPrefix: ['3004'] },
};

function content() {
  const parsed = parseAlertContent(CONTENT);
  if (!parsed.ok) throw new Error('fixture');
  return parsed.value;
}

const meta = (at: number) => ({ createdAt: new Date(at).toISOString(), createdBy: 'analyst-1' });

for (const dialect of DIALECTS) {
  describe(`AlertRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let alerts: AlertRepository;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      alerts = new AlertRepository(conn.db);
    });
    afterEach(() => closeStore(testDb, conn));

    it('keeps each administration its own copy of an alert, under the same id', async () => {
      const own = issueAlert(content(), { id: 'al-1', issuer: 'adm-a', now: NOW });
      await alerts.insert({
        ...own,
        administration: A,
        direction: 'issued',
        partner: null,
        handling: 'AMBER',
        recipients: ['adm-b'],
        ...meta(NOW),
      });
      const received = receiveAlert({ id: 'al-1', issuer: 'adm-a', version: 1, content: CONTENT }, NOW);
      await alerts.insert({
        ...received,
        administration: B,
        direction: 'received',
        partner: 'adm-a',
        handling: 'AMBER',
        recipients: [],
        ...meta(NOW),
      });
      expect(await alerts.get(A, 'al-1')).toMatchObject({
        status: 'issued',
        recipients: ['adm-b'],
        content: { title: 'Falsified tablets', containers: [], weight: 100 },
      });
      expect(await alerts.get(B, 'al-1')).toMatchObject({ status: 'accepted', partner: 'adm-a' });
      expect((await alerts.list(A)).map((a) => a.id)).toEqual(['al-1']);
      expect(await alerts.list(A, { direction: 'received' })).toEqual([]);
      expect(await alerts.get('ADM-C', 'al-1')).toBeUndefined();
      await expectStoreError(alerts.require('ADM-C', 'al-1'), 'NOT_FOUND');
      await expectStoreError(
        alerts.insert({
          ...own,
          administration: A,
          direction: 'issued',
          partner: null,
          handling: 'AMBER',
          recipients: [],
          ...meta(NOW),
        }),
        'CONFLICT',
      );
    });

    it('lists accepted alerts in force only, and updates only over the state they were computed from', async () => {
      const received = receiveAlert({ id: 'al-2', issuer: 'adm-a', version: 1, content: CONTENT }, NOW);
      await alerts.insert({
        ...received,
        administration: B,
        direction: 'received',
        partner: 'adm-a',
        handling: 'AMBER',
        recipients: [],
        ...meta(NOW),
      });
      expect((await alerts.accepted(B, '2026-12-31T23:00:00Z')).map((a) => a.id)).toEqual(['al-2']);
      expect(await alerts.accepted(B, '2027-01-01T00:00:00Z')).toEqual([]);
      expect(await alerts.accepted(A, '2026-12-04T00:00:00Z')).toEqual([]);

      const withdrawn = transitionAlert(
        received,
        { type: 'withdraw', by: 'adm-a', reason: 'case closed' },
        NOW,
      );
      await alerts.update(B, received, withdrawn, 'AMBER', 'partner:adm-a');
      expect(await alerts.get(B, 'al-2')).toMatchObject({ status: 'withdrawn', statusReason: 'case closed' });
      expect(await alerts.accepted(B, '2026-12-04T00:00:00Z')).toEqual([]);
      // A second change computed from the old state does not overwrite the withdrawal.
      await expectStoreError(alerts.update(B, received, withdrawn, 'AMBER', 'x'), 'CONFLICT');
    });

    it('keeps feedback per administration and alert', async () => {
      const feedback = {
        alertId: 'al-1',
        alertVersion: 1,
        from: 'adm-b',
        outcome: 'seizure' as const,
        seizureId: 'SZ-1',
        at: '2026-12-04T09:00:00Z',
      };
      await alerts.addFeedback(A, {
        alertId: 'al-1',
        direction: 'received',
        partner: 'adm-b',
        feedback,
        createdBy: 'partner:adm-b',
      });
      expect(await alerts.feedback(A, 'al-1')).toMatchObject([
        { direction: 'received', partner: 'adm-b', feedback },
      ]);
      expect(await alerts.feedback(B, 'al-1')).toEqual([]);
    });
  });
}

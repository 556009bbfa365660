import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../test/support/alert-fixtures.ts';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { RecordingOutbox } from '../../test/support/recording-outbox.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../test/support/store-fixtures.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import type { ReceivedItemHandlers } from '../driven/federation/sharing-port.ts';
import { alertReceivedHandlers } from './alert-inbox.ts';
import { AlertService } from './alert-service.ts';

/** A and B are two administrations; each knows the other as a partner: `adm-b` and `adm-a`. */
const NOW = Date.parse('2026-12-03T10:00:00Z');

for (const dialect of DIALECTS) {
  describe(`alerts between administrations on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let aOut: RecordingOutbox;
    let bOut: RecordingOutbox;
    let a: AlertService;
    let b: AlertService;
    let handlers: ReceivedItemHandlers;
    const toB = () => aOut.deliver(conn.db, handlers, { to: 'adm-b', administration: B, as: 'adm-a' });
    const toA = () => bOut.deliver(conn.db, handlers, { to: 'adm-a', administration: A, as: 'adm-b' });

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      aOut = new RecordingOutbox('adm-a', ['adm-b']);
      bOut = new RecordingOutbox('adm-b', ['adm-a']);
      a = new AlertService({ conn, outbox: aOut, now: () => NOW });
      b = new AlertService({ conn, outbox: bOut, now: () => NOW });
      handlers = alertReceivedHandlers({ now: () => NOW });
    });
    afterEach(() => closeStore(testDb, conn));

    it('issues, delivers, amends, takes feedback and withdraws, each side keeping its own copy', async () => {
      const { alert, itemId } = await a.issue(A, ALERT_FILE, ['adm-b'], 'analyst-a');
      expect(alert).toMatchObject({
        status: 'issued',
        version: 1,
        direction: 'issued',
        recipients: ['adm-b'],
      });
      expect(aOut.shares).toMatchObject([
        {
          itemId,
          kind: 'alert',
          administration: A,
          handling: 'AMBER',
          to: ['adm-b'],
          body: { alertId: alert.id, version: 1 },
        },
      ]);
      // ISO 6346: spaces and dashes are normalised before it travels.
      expect((aOut.shares[0]!.body as { content: { containers: string[] } }).content.containers).toEqual([
        'CSQU3054383',
      ]);

      expect(await toB()).toEqual([{ status: 'accepted' }]);
      expect(await b.get(B, alert.id)).toMatchObject({
        status: 'accepted',
        direction: 'received',
        partner: 'adm-a',
        issuer: 'adm-a',
      });
      expect((await b.list(B, { direction: 'received' })).map((x) => x.id)).toEqual([alert.id]);

      const amended = await a.amend(
        A,
        alert.id,
        { ...ALERT_FILE, title: 'Falsified tablets and capsules' },
        'analyst-a',
      );
      expect(amended.alert).toMatchObject({ version: 2, status: 'issued' });
      expect(await toB()).toEqual([{ status: 'accepted' }]);
      expect(await b.get(B, alert.id)).toMatchObject({
        version: 2,
        content: { title: 'Falsified tablets and capsules' },
      });
      // The same amendment again (a replay) is out of order: refused, nothing changes.
      const replay = await aOut.redeliver(conn.db, handlers, aOut.shares[1]!, {
        administration: B,
        as: 'adm-a',
      });
      expect(replay).toEqual({ status: 'refused', reason: expect.stringContaining('is at version 2') });

      const { feedback } = await b.feedback(
        B,
        alert.id,
        { outcome: 'seizure', seizureId: 'SZ-9', note: 'two boxes' },
        'officer-b',
      );
      expect(feedback.feedback).toMatchObject({
        alertId: alert.id,
        alertVersion: 2,
        from: 'adm-b',
        outcome: 'seizure',
      });
      expect(bOut.shares).toMatchObject([{ kind: 'alert-feedback', to: ['adm-a'], handling: 'AMBER' }]);
      expect(await toA()).toEqual([{ status: 'accepted' }]);
      expect(await a.feedbackOf(A, alert.id)).toMatchObject([
        { direction: 'received', partner: 'adm-b', feedback: { outcome: 'seizure' } },
      ]);
      expect(await b.feedbackOf(B, alert.id)).toMatchObject([{ direction: 'sent', partner: 'adm-a' }]);

      await a.withdraw(A, alert.id, 'case closed', 'analyst-a');
      expect(await toB()).toEqual([{ status: 'accepted' }]);
      expect(await b.get(B, alert.id)).toMatchObject({ status: 'withdrawn', statusReason: 'case closed' });
      await expectStoreError(a.withdraw(A, alert.id, 'again', 'analyst-a'), 'CONFLICT');
      await expectStoreError(a.amend(A, alert.id, ALERT_FILE, 'analyst-a'), 'CONFLICT');
    });

    it('attributes received feedback to the partner that sent it, whatever its `from` claims', async () => {
      const { alert } = await a.issue(A, ALERT_FILE, ['adm-b'], 'analyst-a');
      const feedback = {
        alertId: alert.id,
        alertVersion: 1,
        from: 'adm-c',
        outcome: 'hit',
        at: new Date(NOW).toISOString(),
      };
      const item = {
        itemId: 'fb-forged',
        sender: 'adm-b',
        kind: 'alert-feedback' as const,
        seq: 1,
        handling: 'AMBER' as const,
        originator: 'adm-b',
        body: feedback,
      };
      const result = await conn.db
        .transaction()
        .execute((trx) =>
          handlers['alert-feedback']!(trx, { administration: A, partner: 'adm-b', item, logIndex: 0 }),
        );
      expect(result).toEqual({ status: 'accepted' });
      expect((await a.feedbackOf(A, alert.id)).map((f) => [f.partner, f.feedback.from])).toEqual([
        ['adm-b', 'adm-b'],
      ]);
    });

    it('refuses an invalid alert with pointers, and stores and shares nothing', async () => {
      const bad = { ...ALERT_FILE, handling: 'WHITE', containers: ['CSQU3054384'] };
      const err = await a.issue(A, bad, ['adm-b'], 'analyst-a').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'INVALID_INPUT' });
      expect((err as { details: Array<{ path: string }> }).details.map((d) => d.path)).toEqual([
        '/handling',
        '/containers/0',
      ]);
      expect(aOut.shares).toEqual([]);
      expect(await a.list(A)).toEqual([]);
    });

    it('rolls the alert back when the outbox refuses a partner', async () => {
      const err = await a.issue(A, ALERT_FILE, ['adm-z'], 'analyst-a').catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('/to: adm-z is not a partner'),
      });
      expect(await a.list(A)).toEqual([]);
    });

    it('keeps a received invalid or expired alert as refused with the reason', async () => {
      await a.issue(A, ALERT_FILE, ['adm-b'], 'analyst-a');
      const share = aOut.shares[0]!;
      const invalid = {
        ...share,
        itemId: 'item-2',
        body: { alertId: 'other-1', version: 1, content: { title: 'x' } },
      };
      expect(await aOut.redeliver(conn.db, handlers, invalid, { administration: B, as: 'adm-a' })).toEqual({
        status: 'refused',
        reason: expect.stringContaining('/reason'),
      });
      const expired = {
        ...share,
        body: { alertId: 'other-2', version: 1, content: { ...ALERT_FILE, validUntil: '2026-01-01' } },
      };
      expect(await aOut.redeliver(conn.db, handlers, expired, { administration: B, as: 'adm-a' })).toEqual({
        status: 'refused',
        reason: 'expired: valid until 2026-01-01',
      });
      expect(await b.list(B, { status: 'refused' })).toMatchObject([
        { id: 'other-2', content: { title: 'Falsified tablets' } },
        { id: 'other-1', content: null, statusReason: expect.stringContaining('invalid alert') },
      ]);
    });

    it('takes amendments and withdrawals only from the partner the alert came from', async () => {
      const { alert } = await a.issue(A, ALERT_FILE, ['adm-b'], 'analyst-a');
      await toB();
      await a.withdraw(A, alert.id, 'case closed', 'analyst-a');
      const withdrawal = aOut.shares[1]!;
      expect(await aOut.redeliver(conn.db, handlers, withdrawal, { administration: B, as: 'adm-c' })).toEqual(
        {
          status: 'refused',
          reason: `no alert ${alert.id} from adm-c to withdraw`,
        },
      );
      expect(await b.get(B, alert.id)).toMatchObject({ status: 'accepted' });
      // Feedback from a partner the alert was not shared with is refused too.
      await b.feedback(B, alert.id, { outcome: 'hit' }, 'officer-b');
      const fb = bOut.shares[0]!;
      expect(await bOut.redeliver(conn.db, handlers, fb, { administration: A, as: 'adm-c' })).toMatchObject({
        status: 'refused',
      });
      expect(await a.feedbackOf(A, alert.id)).toEqual([]);
      // The issuer does not give feedback on its own alert.
      await expectStoreError(a.feedback(A, alert.id, { outcome: 'hit' }, 'officer-a'), 'CONFLICT');
    });

    it('shows a received RED alert only to the analysts it was delivered to, and no administration another one', async () => {
      const { alert } = await a.issue(A, { ...ALERT_FILE, handling: 'RED' }, ['adm-b'], 'analyst-a');
      await toB();
      expect((await b.list(B, {}, 'recipient')).map((x) => x.id)).toEqual([alert.id]);
      expect(await b.list(B, {}, 'recipient-organization')).toEqual([]);
      await expectStoreError(b.get(B, alert.id, 'recipient-organization'), 'NOT_FOUND');
      await expectStoreError(b.feedbackOf(B, alert.id, 'recipient-organization'), 'NOT_FOUND');
      // The issuer's own staff see its own alert whatever the label.
      expect(await a.get(A, alert.id, 'recipient-organization')).toMatchObject({ id: alert.id });
      await expectStoreError(a.get(B, 'no-such-alert'), 'NOT_FOUND');
      await expectStoreError(a.amend(B, alert.id, ALERT_FILE, 'analyst-b'), 'CONFLICT');
      await expectStoreError(a.amend('ADM-C', alert.id, ALERT_FILE, 'x'), 'UNKNOWN_ADMINISTRATION');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../../../test/support/alert-fixtures.ts';
import { createTestApi } from '../../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { createFullTestApi, type FullTestApi } from '../../../../test/support/full-api.ts';

const FAR = { ...ALERT_FILE, validUntil: '2099-12-31' };

for (const dialect of DIALECTS) {
  describe(`alert routes on ${dialect}`, () => {
    let api: FullTestApi;
    const call = async (role: 'admin' | 'analyst' | 'officer' | 'auditor', path: string, body?: unknown) => {
      const res = await api.app.request(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${api.keys.XA[role]}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    beforeAll(async () => {
      api = await createFullTestApi(dialect);
    });
    afterAll(() => api.dispose());

    it('issues an alert and shares it; problems come back with pointers into the request', async () => {
      const issued = await call('analyst', '/v1/alerts', { alert: FAR, to: ['peer'] });
      expect(issued.status).toBe(201);
      expect(issued.body).toMatchObject({
        direction: 'issued',
        status: 'issued',
        version: 1,
        recipients: ['peer'],
      });
      expect(api.outbox.shares.at(-1)).toMatchObject({ kind: 'alert', administration: 'XA', to: ['peer'] });

      const bad = await call('analyst', '/v1/alerts', {
        alert: { ...FAR, handling: 'TLP:WHITE', containers: ['CSQU3054384'], extra: 1 },
        to: ['peer'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        '/alert/containers/0',
        '/alert/extra',
        '/alert/handling',
      ]);
      const stranger = await call('analyst', '/v1/alerts', { alert: FAR, to: ['nobody'] });
      expect(stranger.status).toBe(400);
      expect(stranger.body.error.details[0].path).toBe('/to');

      const amended = await call('analyst', `/v1/alerts/${issued.body.id}/amendment`, {
        alert: { ...FAR, title: 'Amended' },
      });
      expect(amended.body).toMatchObject({ version: 2, content: { title: 'Amended' } });
      const withdrawn = await call('admin', `/v1/alerts/${issued.body.id}/withdrawal`, { reason: 'done' });
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn', reason: 'done' });
      const again = await call('admin', `/v1/alerts/${issued.body.id}/withdrawal`, { reason: 'done' });
      expect(again.status).toBe(409);
    });

    it('shows received alerts per TLP 2.0: a RED one to analysts only', async () => {
      await api.receive('XA', 'peer', {
        kind: 'alert',
        body: { alertId: 'peer-red-1', version: 1, content: { ...FAR, handling: 'RED' } },
        handling: 'RED',
      });
      await api.receive('XA', 'peer', {
        kind: 'alert',
        body: { alertId: 'peer-amber-1', version: 1, content: FAR },
      });
      const ids = async (role: 'analyst' | 'officer') =>
        (await call(role, '/v1/alerts?received=true')).body.items.map((a: { id: string }) => a.id).sort();
      expect(await ids('analyst')).toEqual(['peer-amber-1', 'peer-red-1']);
      expect(await ids('officer')).toEqual(['peer-amber-1']);
      expect((await call('officer', '/v1/alerts/peer-red-1')).status).toBe(404);
      expect((await call('analyst', '/v1/alerts/peer-red-1')).body).toMatchObject({
        from: 'peer',
        status: 'accepted',
      });

      const fb = await call('officer', '/v1/alerts/peer-amber-1/feedback', {
        outcome: 'hit',
        note: 'two boxes',
      });
      expect(fb.status).toBe(201);
      expect(fb.body).toMatchObject({
        direction: 'sent',
        partner: 'peer',
        feedback: { outcome: 'hit', from: 'xa' },
      });
      expect(api.outbox.shares.at(-1)).toMatchObject({
        kind: 'alert-feedback',
        to: ['peer'],
        handling: 'AMBER',
      });
      expect((await call('auditor', '/v1/alerts/peer-amber-1/feedback')).body.items).toHaveLength(1);
      // A partner's alert is the partner's to change.
      expect((await call('analyst', '/v1/alerts/peer-amber-1/withdrawal', { reason: 'x' })).status).toBe(409);
    });

    it('answers 503 to a change when the server runs without the federation outbox, and still reads', async () => {
      const bare = await createTestApi(dialect);
      try {
        const headers = { authorization: `Bearer ${bare.keys.analyst}`, 'content-type': 'application/json' };
        const res = await bare.app.request('/v1/alerts', {
          method: 'POST',
          headers,
          body: JSON.stringify({ alert: FAR, to: ['peer'] }),
        });
        expect(res.status).toBe(503);
        expect(((await res.json()) as any).error.message).toContain('without the federation outbox');
        expect((await bare.app.request('/v1/alerts', { headers })).status).toBe(200);
      } finally {
        await bare.dispose();
      }
    });
  });
}

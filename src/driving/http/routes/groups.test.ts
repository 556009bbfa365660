import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../../../test/support/alert-fixtures.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { callAs, createFullTestApi, type FullTestApi, PARTNERS } from '../../../../test/support/full-api.ts';
import { makeSeizure } from '../../../core/sharing/test-fixtures.ts';

const OPEN = { from: '2026-01-01', until: '2036-12-31' };

for (const dialect of DIALECTS) {
  describe(`/v1/groups on ${dialect}`, () => {
    let api: FullTestApi;
    const call = (
      role: 'officer' | 'analyst' | 'auditor',
      path: string,
      body?: unknown,
      admin: 'XA' | 'XB' = 'XA',
    ) => callAs(api, role, path, body, admin);

    beforeAll(async () => {
      api = await createFullTestApi(dialect);
    });
    afterAll(() => api?.dispose());

    it('opens a group coordinated by the administration and shares it with the members', async () => {
      const res = await call('analyst', '/v1/groups', {
        name: 'Operation STOP',
        members: [...PARTNERS.XA],
        ...OPEN,
      });
      expect(res.status).toBe(201);
      const { group, handling, source } = await res.json();
      expect({ handling, source }).toEqual({ handling: 'AMBER', source: 'local' });
      expect(group).toMatchObject({ coordinator: 'xa', members: ['xa', ...PARTNERS.XA] });
      expect(api.outbox.shares.at(-1)).toMatchObject({
        kind: 'group',
        handling: 'AMBER',
        to: [...PARTNERS.XA],
        body: group,
      });
      expect(
        (await (await call('auditor', '/v1/groups')).json()).items.map(
          (g: { group: { id: string } }) => g.group.id,
        ),
      ).toEqual([group.id]);
      expect((await call('auditor', `/v1/groups/${group.id}`, undefined, 'XB')).status).toBe(404);
    });

    it("refuses a member that is not the administration's partner, and keeps nothing of it", async () => {
      const before = (await (await call('auditor', '/v1/groups')).json()).items.length;
      const res = await call('analyst', '/v1/groups', { name: 'Op', members: [PARTNERS.XB[0]], ...OPEN });
      expect(res.status).toBe(400);
      expect((await res.json()).error.details[0]).toMatchObject({ path: '/to', code: 'unknown_partner' });
      expect((await (await call('auditor', '/v1/groups')).json()).items.length).toBe(before);
      const bad = await call('analyst', '/v1/groups', {
        name: 'Op',
        members: ['Not A Name'],
        from: '2026-12-31',
        until: '2026-01-01',
      });
      expect(bad.status).toBe(400);
    });

    it('posts messages, alerts and global seizure reports inside the window, and sums them up', async () => {
      const { group } = await (
        await call('analyst', '/v1/groups', { name: 'Op PANGEA', members: [PARTNERS.XA[0]], ...OPEN })
      ).json();
      const { administration: _, declarationId: __, ...seizure } = makeSeizure({ id: 'S-G1' });
      expect((await call('officer', '/v1/seizures', seizure)).status).toBe(201);
      const alert = await (
        await call('analyst', '/v1/alerts', {
          alert: { ...ALERT_FILE, validUntil: '2099-12-31' },
          to: ['peer'],
        })
      ).json();
      const posts = [
        { kind: 'message', text: 'Containers from EC under watch' },
        { kind: 'alert', alertId: alert.id },
        { kind: 'seizure', seizureId: 'S-G1' },
      ];
      for (const post of posts)
        expect((await call('analyst', `/v1/groups/${group.id}/posts`, post)).status).toBe(201);
      const shared = api.outbox.shares.filter((s) => s.kind === 'group-post');
      expect(shared.at(-1)).toMatchObject({
        to: [PARTNERS.XA[0]],
        body: { groupId: group.id, post: { kind: 'seizure' } },
      });
      expect(JSON.stringify(shared)).not.toContain('Jan de Vries');
      const missing = await call('analyst', `/v1/groups/${group.id}/posts`, {
        kind: 'seizure',
        seizureId: 'NOSUCH',
      });
      expect(missing.status).toBe(400);
      expect((await missing.json()).error.details[0].path).toBe('/seizureId');

      const stored = (await (await call('auditor', `/v1/groups/${group.id}/posts`)).json()).items;
      expect(stored.map((p: { post: { kind: string } }) => p.post.kind)).toEqual([
        'message',
        'alert',
        'seizure',
      ]);
      const summary = await (await call('auditor', `/v1/groups/${group.id}/summary`)).json();
      expect(summary).toMatchObject({
        members: 2,
        alerts: 1,
        messages: 1,
        seizures: 1,
        seizedValue: { EUR: 30_000_000 },
        ignored: 0,
      });
      expect(summary.seizuresByCategory.drugs).toBe(1);
      expect((await call('officer', `/v1/groups/${group.id}/posts`, posts[0])).status).toBe(403);
    });

    it("refuses an alert post naming another administration's alert, a missing one, or a received one its label keeps in", async () => {
      const { group } = await (
        await call('analyst', '/v1/groups', { name: 'Op ids', members: [PARTNERS.XA[0]], ...OPEN })
      ).json();
      const far = { ...ALERT_FILE, validUntil: '2099-12-31' };
      const theirs = await (await call('analyst', '/v1/alerts', { alert: far, to: ['peer'] }, 'XB')).json();
      for (const handling of ['AMBER+STRICT', 'RED', 'AMBER'] as const)
        await api.receive('XA', 'peer', {
          kind: 'alert',
          handling,
          body: { alertId: `peer-${handling}`, version: 1, content: { ...far, handling } },
        });
      await api.receive('XA', 'peer', {
        kind: 'alert',
        handling: 'GREEN',
        body: { alertId: 'peer-green', version: 1, content: { ...far, handling: 'GREEN' } },
      });
      const before = api.outbox.shares.length;
      for (const alertId of [theirs.id, 'NOSUCH', 'peer-AMBER+STRICT', 'peer-RED', 'peer-AMBER']) {
        const res = await call('analyst', `/v1/groups/${group.id}/posts`, { kind: 'alert', alertId });
        expect(res.status, alertId).toBe(400);
        expect((await res.json()).error.details[0].path).toBe('/alertId');
      }
      expect(api.outbox.shares.length).toBe(before);
      expect((await (await call('auditor', `/v1/groups/${group.id}/posts`)).json()).items).toEqual([]);
      const green = await call('analyst', `/v1/groups/${group.id}/posts`, {
        kind: 'alert',
        alertId: 'peer-green',
      });
      expect(green.status).toBe(201);
    });

    it("shows a partner's TLP:RED group and its posts to the analysts only, as a missing one to others", async () => {
      const partner = PARTNERS.XA[0];
      const red = { id: 'G-RED', name: 'Op RED', coordinator: partner, members: [partner, 'xa'], ...OPEN };
      expect(await api.receive('XA', partner, { kind: 'group', handling: 'RED', body: red })).toEqual({
        status: 'accepted',
      });
      expect(
        await api.receive('XA', partner, {
          kind: 'group-post',
          handling: 'RED',
          body: { groupId: 'G-RED', post: { kind: 'message', text: 'the red message' } },
        }),
      ).toEqual({ status: 'accepted' });
      for (const role of ['officer', 'auditor'] as const) {
        for (const path of ['', '/posts', '/summary'])
          expect((await call(role, `/v1/groups/G-RED${path}`)).status, `${role} ${path}`).toBe(404);
        const listed = (await (await call(role, '/v1/groups')).json()).items;
        expect(listed.map((g: { group: { id: string } }) => g.group.id)).not.toContain('G-RED');
      }
      expect((await call('analyst', '/v1/groups/G-RED/posts')).status).toBe(200);
      const listed = (await (await call('analyst', '/v1/groups')).json()).items;
      expect(listed.map((g: { group: { id: string } }) => g.group.id)).toContain('G-RED');
    });

    it('refuses posts outside the operation window', async () => {
      const { group } = await (
        await call('analyst', '/v1/groups', {
          name: 'Op past',
          members: [],
          from: '2025-01-01',
          until: '2025-01-31',
        })
      ).json();
      const res = await call('analyst', `/v1/groups/${group.id}/posts`, { kind: 'message', text: 'late' });
      expect(res.status).toBe(409);
      expect((await res.json()).error.message).toContain('not open');
    });
  });
}

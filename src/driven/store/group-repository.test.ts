import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, expectStoreError, openStore } from '../../../test/support/store-fixtures.ts';
import type { ClosedGroup } from '../../core/sharing/closed-group.ts';
import type { StoreConnection } from '../database/database.ts';
import type { StoreError } from '../database/store-error.ts';
import { GroupRepository } from './group-repository.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const window = { from: '2026-12-01', until: '2026-12-31' };

for (const dialect of DIALECTS) {
  describe(`GroupRepository on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let groups: GroupRepository;
    const opts = { memberName: 'adm-a', handling: 'AMBER' as const, actor: 'analyst-1' };

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      groups = new GroupRepository(conn);
    });
    afterEach(() => closeStore(testDb, conn));

    it('opens a group the administration coordinates and shares it in the same transaction', async () => {
      const shared: ClosedGroup[] = [];
      const stored = await groups.create(
        A,
        { name: 'Operation STOP', members: ['be-customs'], ...window },
        opts,
        async (_t, g) => {
          shared.push(g);
        },
      );
      expect(stored.group).toMatchObject({ coordinator: 'adm-a', members: ['adm-a', 'be-customs'] });
      expect(shared).toEqual([stored.group]);
      expect(await groups.get(A, stored.group.id)).toEqual(stored);
      await expectStoreError(groups.get(B, stored.group.id), 'NOT_FOUND');
      expect(await groups.list(B)).toEqual([]);
    });

    it('keeps nothing of a group whose sharing fails, and names bad fields', async () => {
      await expect(
        groups.create(A, { name: 'X', members: ['be-customs'], ...window }, opts, async () => {
          throw new Error('unknown partner');
        }),
      ).rejects.toThrow('unknown partner');
      expect(await groups.list(A)).toEqual([]);
      const error = await groups
        .create(
          A,
          { name: 'X', members: ['BE Customs'], from: '2026-12-31', until: '2026-12-01' },
          opts,
          async () => {},
        )
        .then(
          () => undefined,
          (e: StoreError) => e,
        );
      expect(error?.code).toBe('INVALID_INPUT');
      expect(error?.details?.map((d) => d.path).sort()).toEqual(['/members/1', '/until']);
    });

    it('lets the administration post only while the operation runs', async () => {
      const { group } = await groups.create(
        A,
        { name: 'Op', members: ['be-customs'], ...window },
        opts,
        async () => {},
      );
      const sent: string[] = [];
      const post = await groups.post(
        A,
        group.id,
        { kind: 'message', text: 'hello' },
        { actor: 'a', now: NOW },
        async (_t, _g, p) => {
          sent.push(p.id);
        },
      );
      expect(post).toMatchObject({ by: 'adm-a', post: { kind: 'message', text: 'hello' } });
      expect(sent).toEqual([post.id]);
      const later = Date.parse('2027-01-02T00:00:00Z');
      await expectStoreError(
        groups.post(
          A,
          group.id,
          { kind: 'message', text: 'late' },
          { actor: 'a', now: later },
          async () => {},
        ),
        'CONFLICT',
      );
      await expectStoreError(
        groups.post(B, group.id, { kind: 'message', text: 'x' }, { actor: 'a', now: NOW }, async () => {}),
        'NOT_FOUND',
      );
      expect((await groups.posts(A, group.id)).map((p) => p.id)).toEqual([post.id]);
      await expectStoreError(groups.posts(B, group.id), 'NOT_FOUND');
    });

    it('stores a group its coordinator shared, and posts from its members inside the window', async () => {
      const group = {
        id: 'G-1',
        name: 'Op',
        coordinator: 'be-customs',
        members: ['be-customs', 'adm-a', 'de-zoll'],
        ...window,
      };
      await conn.db.transaction().execute(async (trx) => {
        const receive = (partner: string, body: unknown, memberName = 'adm-a') =>
          groups.receiveGroup(trx, A, { partner, memberName, handling: 'AMBER', body });
        expect(await receive('de-zoll', group)).toMatchObject({
          status: 'refused',
          reason: expect.stringContaining('coordinated by be-customs'),
        });
        expect(await receive('be-customs', group, 'adm-x')).toMatchObject({ status: 'refused' });
        expect(await receive('be-customs', group)).toEqual({ status: 'accepted' });
        const post = (partner: string, now: number, groupId = 'G-1') =>
          groups.receivePost(trx, A, {
            partner,
            itemId: `item-${partner}-${now}`,
            now,
            body: { groupId, post: { kind: 'message', text: 'seen' } },
          });
        expect(await post('de-zoll', NOW)).toEqual({ status: 'accepted' });
        expect(await post('fr-douane', NOW)).toMatchObject({
          status: 'refused',
          reason: expect.stringContaining('not a member'),
        });
        expect(await post('de-zoll', Date.parse('2027-02-01'))).toMatchObject({ status: 'refused' });
        expect(await post('de-zoll', NOW, 'G-2')).toMatchObject({ status: 'refused' });
      });
      const stored = await groups.get(A, 'G-1');
      expect(stored).toMatchObject({ source: 'be-customs', memberName: 'adm-a' });
      expect((await groups.posts(A, 'G-1')).map((p) => p.by)).toEqual(['de-zoll']);
      // A partner cannot take over a group id already used here.
      const own = await groups.create(A, { name: 'Mine', members: [], ...window }, opts, async () => {});
      const taken = await conn.db.transaction().execute((trx) =>
        groups.receiveGroup(trx, A, {
          partner: 'be-customs',
          memberName: 'adm-a',
          handling: 'AMBER',
          body: { ...group, id: own.group.id },
        }),
      );
      expect(taken).toMatchObject({ status: 'refused' });
      expect((await groups.get(A, own.group.id)).source).toBe('local');
    });
  });
}

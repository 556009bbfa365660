import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { A, B, closeStore, openStore } from '../../../test/support/store-fixtures.ts';
import type { EnvelopeKind, SharedItem } from '../../core/sharing/envelope.ts';
import { releaseForm } from '../../core/sharing/release-policy.ts';
import { makeSeizure } from '../../core/sharing/test-fixtures.ts';
import type { TlpCode } from '../../core/sharing/tlp.ts';
import type { StoreConnection } from '../database/database.ts';
import type { ReceivedItemHandlers } from '../federation/sharing-port.ts';
import { GroupRepository } from '../store/group-repository.ts';
import { SeizureRepository } from '../store/seizure-repository.ts';
import { groupReceivedHandlers, seizureReceivedHandlers } from './received-handlers.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
let seq = 0;
function item(kind: EnvelopeKind, handling: TlpCode, body: unknown, sender = 'be-customs'): SharedItem {
  seq += 1;
  return { itemId: `item-${seq}`, sender, kind, seq, handling, originator: sender, body };
}

for (const dialect of DIALECTS) {
  describe(`received seizure and group handlers on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let handlers: ReceivedItemHandlers;
    let seizures: SeizureRepository;
    let groups: GroupRepository;

    beforeEach(async () => {
      ({ testDb, conn } = await openStore(dialect));
      seizures = new SeizureRepository(conn);
      groups = new GroupRepository(conn);
      handlers = {
        ...seizureReceivedHandlers(seizures),
        ...groupReceivedHandlers(groups, { memberName: (admin) => admin.toLowerCase(), now: () => NOW }),
      };
    });
    afterEach(() => closeStore(testDb, conn));

    const receive = (administration: string, shared: SharedItem) =>
      conn.db
        .transaction()
        .execute((trx) =>
          handlers[shared.kind]!(trx, { administration, partner: shared.sender, item: shared, logIndex: 0 }),
        );

    it('stores a received seizure for the administration the partner belongs to', async () => {
      const report = makeSeizure({ id: 'BE-1', administration: 'be-customs' });
      expect(
        await receive(A, item('seizure', 'GREEN', { form: 'global', report: releaseForm(report, 'global') })),
      ).toEqual({
        status: 'accepted',
      });
      expect(await receive(A, item('seizure', 'GREEN', { form: 'national', report }))).toMatchObject({
        status: 'refused',
      });
      const stored = await seizures.list(A, {}, { form: 'national', reader: { actor: 'a', via: 'test' } });
      expect(stored.map((s) => [s.source, s.form, s.report.id])).toEqual([['be-customs', 'global', 'BE-1']]);
      expect(await seizures.list(B, {}, { form: 'global', reader: { actor: 'a', via: 'test' } })).toEqual([]);
    });

    it('stores a group its coordinator shares, then the members’ posts', async () => {
      const group = {
        id: 'G-1',
        name: 'Op',
        coordinator: 'be-customs',
        members: ['be-customs', A.toLowerCase(), 'de-zoll'],
        from: '2026-12-01',
        until: '2026-12-31',
      };
      expect(await receive(A, item('group', 'AMBER', group))).toEqual({ status: 'accepted' });
      const post = { groupId: 'G-1', post: { kind: 'message', text: 'seen at the border' } };
      expect(await receive(A, item('group-post', 'AMBER', post, 'de-zoll'))).toEqual({ status: 'accepted' });
      expect(await receive(A, item('group-post', 'AMBER', post, 'fr-douane'))).toMatchObject({
        status: 'refused',
      });
      expect(await receive(B, item('group-post', 'AMBER', post, 'de-zoll'))).toMatchObject({
        status: 'refused',
      });
      expect((await groups.posts(A, 'G-1')).map((p) => [p.by, p.post])).toEqual([['de-zoll', post.post]]);
    });
  });
}

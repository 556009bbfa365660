import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { itemJson, type SharedItem, sharedItemLogEntry } from '../../core/sharing/envelope.ts';
import { openTransparencyLog } from '../../installation/transparency-log.ts';
import { openDatabase, type StoreConnection } from '../database/database.ts';
import { migrateToLatest } from '../database/migrate.ts';
import type { TransparencyLog } from '../ledger/transparency-log.ts';
import { FederationError } from './federation-error.ts';
import { FederationOutbox } from './outbox.ts';
import { PartnerStore } from './partner-store.ts';

const KEY_B = Buffer.alloc(32, 2).toString('base64');
const KEY_C = Buffer.alloc(32, 3).toString('base64');
const alert = (n: number) => ({
  alertId: `alert-${n}`,
  version: 1,
  content: { title: `t ${n}`, b: 2, a: 1 },
});

for (const dialect of DIALECTS) {
  describe(`the federation outbox on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    let log: TransparencyLog;
    let home: string;
    let outbox: FederationOutbox;

    beforeEach(async () => {
      home = mkdtempSync(join(tmpdir(), 'greenlane-outbox-'));
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await migrateToLatest(conn);
      log = await openTransparencyLog(conn, { env: { GREENLANE_HOME: home } });
      const partners = new PartnerStore(conn);
      await partners.add({
        name: 'b.example',
        url: 'http://b',
        publicKey: KEY_B,
        administration: 'NL',
        addedBy: 't',
      });
      await partners.add({
        name: 'c.example',
        url: 'http://c',
        publicKey: KEY_C,
        administration: 'BE',
        addedBy: 't',
      });
      outbox = new FederationOutbox({ conn, log, sender: 'a.example' });
    });
    afterEach(async () => {
      await log.close();
      await conn.close();
      await testDb.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    const share = (n: number, to = ['b.example'], administration = 'NL') =>
      conn.db
        .transaction()
        .execute((trx) =>
          outbox.share(trx, { administration, kind: 'alert', handling: 'AMBER', body: alert(n), to }),
        );
    async function counts() {
      const n = async (t: 'federation_shared_items' | 'federation_deliveries' | 'ledger_records') =>
        Number(
          (
            await conn.db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        items: await n('federation_shared_items'),
        deliveries: await n('federation_deliveries'),
        records: await n('ledger_records'),
      };
    }

    it('logs the shared item as a ledger record whose leaf is sharedItemLogEntry', async () => {
      const { itemId, seq } = await share(1);
      const index = await outbox.logIndexOf(itemId);
      const record = await log.records.atIndex(index);
      const item: SharedItem = {
        itemId,
        sender: 'a.example',
        kind: 'alert',
        seq,
        handling: 'AMBER',
        originator: 'a.example',
        body: alert(1),
      };
      // The record's content is the item's canonical JSON, so the public leaf is the envelope's.
      expect(record).toMatchObject({ kind: 'shared-item', recordId: itemId, administration: 'NL' });
      expect(record!.content).toBe(itemJson(item));
      expect(record!.content).toBe(canonicalJson(item));
      expect(await log.entry(index)).toEqual(sharedItemLogEntry(item, Buffer.from(record!.salt!, 'hex')));
      await log.publishCheckpoint();
      expect(await log.verify()).toMatchObject({ ok: true, recordsChecked: 1 });
    });

    it('reports a shared item whose ledger record is missing (log verify)', async () => {
      const { itemId } = await share(1);
      await outbox.logIndexOf(itemId);
      await log.publishCheckpoint();
      await conn.db.deleteFrom('ledger_records').where('record_id', '=', itemId).execute();
      const report = await log.verify();
      expect(report.ok).toBe(false);
      expect(report.divergences.map((d) => d.message).join('\n')).toContain(`shared-item ${itemId}`);
    });

    it('numbers items strictly increasing, also when shares run concurrently', async () => {
      const receipts = await Promise.all(Array.from({ length: 12 }, (_, i) => share(i + 1)));
      const seqs = receipts.map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const rows = await conn.db
        .selectFrom('federation_deliveries')
        .select(['seq', 'state'])
        .orderBy('seq')
        .execute();
      expect(rows.map((r) => Number(r.seq))).toEqual(seqs);
      expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['pending']));
    });

    it("refuses another administration's partner and an invalid body, writing nothing", async () => {
      const before = await counts();
      const unknown = share(1, ['b.example', 'c.example']);
      await expect(unknown).rejects.toThrow(FederationError);
      await expect(unknown).rejects.toThrow('/to: c.example is not a partner of administration NL');
      await expect(
        conn.db.transaction().execute((trx) =>
          outbox.share(trx, {
            administration: 'NL',
            kind: 'alert',
            handling: 'AMBER',
            body: { alertId: 'x', version: 2, content: {} },
            to: ['b.example'],
          }),
        ),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('/body/version') });
      expect(await counts()).toEqual(before);
      const seq = await conn.db
        .selectFrom('federation_sequence')
        .select('last_seq')
        .executeTakeFirstOrThrow();
      expect(Number(seq.last_seq)).toBe(0);
    });

    it('refuses, before it leaves, what the handling code forbids', async () => {
      const before = await counts();
      await expect(
        conn.db.transaction().execute((trx) =>
          outbox.share(trx, {
            administration: 'NL',
            kind: 'alert',
            handling: 'AMBER+STRICT',
            originator: 'c.example',
            body: alert(1),
            to: ['b.example'],
          }),
        ),
      ).rejects.toMatchObject({
        code: 'HANDLING_FORBIDS',
        message: expect.stringContaining("c.example's item"),
      });
      expect(await counts()).toEqual(before);
    });

    it('refuses an item id shared before (idempotent on item id)', async () => {
      const first = await conn.db.transaction().execute((trx) =>
        outbox.share(trx, {
          administration: 'NL',
          kind: 'alert',
          handling: 'AMBER',
          body: alert(1),
          to: ['b.example'],
          itemId: 'same-id',
        }),
      );
      const before = await counts();
      await expect(
        conn.db.transaction().execute((trx) =>
          outbox.share(trx, {
            administration: 'NL',
            kind: 'alert',
            handling: 'AMBER',
            body: alert(2),
            to: ['b.example'],
            itemId: 'same-id',
          }),
        ),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await counts()).toEqual(before);
      expect(first.itemId).toBe('same-id');
    });
  });
}

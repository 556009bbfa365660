import type { Kysely } from 'kysely';
import { replacesLotUsage, touchedLots } from '../../core/medical/lot-usage.ts';
import type { DeclaredUse } from '../../core/medical/registry-view.ts';
import { parseSharedBody } from '../../core/sharing/shared-bodies.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import type { Outbox, ReceivedItemHandlers, ShareReceipt } from '../federation/sharing-port.ts';

/**
 * Medical lot usage across administrations (issue 13), both ways:
 * - received: a partner's `lot-usage` item becomes its latest figure for the lot in
 *   `medical_partner_lots` (an older or repeated report leaves a newer one), which the
 *   over-quantity check adds to the administration's own count (`ProductRepository.readBatch`);
 * - sent: after declarations with medical lots are stored, the administration's own cumulative
 *   units of each lot they touched go to the partners that opted in
 *   (`PartnerStore.setLotUsageSharing`), through the outbox like every shared item (signed,
 *   logged, proved).
 */

/** The inbox handler for `lot-usage`; runs in the inbox transaction after the envelope verified. */
export function lotUsageReceivedHandlers(): ReceivedItemHandlers {
  return {
    'lot-usage': async (trx, { administration, partner, item }) => {
      const parsed = parseSharedBody('lot-usage', item.body);
      if (!parsed.ok)
        return { status: 'refused', reason: parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
      const usage = parsed.value;
      const keyed = trx
        .selectFrom('medical_partner_lots')
        .select('as_of')
        .where('administration', '=', administration)
        .where('gtin', '=', usage.gtin)
        .where('lot', '=', usage.lot)
        .where('partner', '=', partner);
      const stored = await keyed.executeTakeFirst();
      if (!replacesLotUsage(stored ? { asOf: stored.as_of } : undefined, usage))
        return { status: 'accepted' };
      const values = { units: usage.units, as_of: usage.asOf, item_id: item.itemId };
      if (stored)
        await trx
          .updateTable('medical_partner_lots')
          .set(values)
          .where('administration', '=', administration)
          .where('gtin', '=', usage.gtin)
          .where('lot', '=', usage.lot)
          .where('partner', '=', partner)
          .execute();
      else
        await trx
          .insertInto('medical_partner_lots')
          .values({ administration, partner, gtin: usage.gtin, lot: usage.lot, ...values })
          .execute();
      return { status: 'accepted' };
    },
  };
}

/** Sends an administration's cumulative lot usage to the partners that opted in. */
export interface LotUsageSender {
  /**
   * After `uses` are stored (`ProductRepository.recordDeclared`): one `lot-usage` item per lot they
   * touched, with the administration's own cumulative units of it, to every opted-in partner.
   * Nothing is sent when no partner opted in.
   */
  afterRecorded(administration: string, uses: readonly DeclaredUse[]): Promise<ShareReceipt[]>;
}

export function createLotUsageSender(
  conn: StoreConnection,
  outbox: Outbox,
  options: { now?: () => Date } = {},
): LotUsageSender {
  const now = options.now ?? (() => new Date());
  return {
    async afterRecorded(administration, uses) {
      const lots = touchedLots(uses);
      if (lots.length === 0) return [];
      return conn.db.transaction().execute(async (trx) => {
        const to = await optedIn(trx, administration);
        if (to.length === 0) return [];
        const asOf = now().toISOString();
        const receipts: ShareReceipt[] = [];
        for (const [gtin, lot] of lots) {
          const units = await ownUnits(trx, administration, gtin, lot);
          receipts.push(
            await outbox.share(trx, {
              administration,
              kind: 'lot-usage',
              handling: 'AMBER',
              body: { gtin, lot, units, asOf },
              to,
            }),
          );
        }
        return receipts;
      });
    },
  };
}

async function optedIn(db: Kysely<Database>, administration: string): Promise<string[]> {
  const rows = await db
    .selectFrom('federation_partners')
    .select('name')
    .where('administration', '=', administration)
    .where('share_lot_usage', '=', 1)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

/** The administration's own units of a lot: its stored declarations', partners' not included. */
async function ownUnits(
  db: Kysely<Database>,
  administration: string,
  gtin: string,
  lot: string,
): Promise<number> {
  const row = await db
    .selectFrom('medical_declared_lots')
    .select((eb) => eb.fn.sum<number>('quantity').as('n'))
    .where('administration', '=', administration)
    .where('gtin', '=', gtin)
    .where('lot', '=', lot)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

import { afterEach, describe, expect, it } from 'vitest';
import type { SavedAssessment } from '../src/app/assess.ts';
import type { DeclaredUse } from '../src/core/medical/registry-view.ts';
import { createLotUsageSender, lotUsageReceivedHandlers } from '../src/driven/medical/lot-usage-sharing.ts';
import { createProductSignalSource } from '../src/driven/medical/product-signal-source.ts';
import { referenceData } from '../src/driven/reference/file-reference-data.ts';
import { ProductRepository } from '../src/driven/store/product-repository.ts';
import { dataDir } from '../src/installation/config.ts';
import { makeDeclaration } from './support/declaration-fixture.ts';
import { eventually, type FederationNode, startFederationNode } from './support/federation-node.ts';
import { parsedProduct } from './support/medical-fixtures.ts';

/*
 * Two installations in this process (A on SQLite, B on PostgreSQL; own logs, HTTP servers on
 * ephemeral ports), each
 * with the vaccine's lot L1 (1000 units released) registered for its administration NL. A declares
 * units of L1 and, B having opted in, sends its cumulative figure as a signed, logged `lot-usage`
 * item; B adds it to its own count, so a declaration within the lot at B alone goes over with A's.
 */

const GTIN = '09506000134352';
const reference = referenceData(dataDir());

function vaccineDeclaration(id: string, units: number) {
  return makeDeclaration(
    {
      id,
      arrivalAt: '2026-03-05T10:00:00Z',
      importer: { id: 'BE0123456789', name: 'Medica Import NV', country: 'BE', trustedTrader: true },
    },
    [
      {
        hsCode: '300241',
        gtin: GTIN,
        lot: 'L1',
        expiry: '2027-06-30',
        manufacturer: 'Vaxora Biologics',
        supplementaryQuantity: units,
        invoiceValue: units * 5,
        unrefrigeratedHours: 2,
      },
    ],
  );
}

async function decide(node: FederationNode, id: string, units: number) {
  const source = createProductSignalSource(new ProductRepository(node.conn), reference);
  const d = vaccineDeclaration(id, units);
  await source.prepareBatch?.('NL', [d]);
  return source.signals(d, 'NL');
}

const partnerLots = (node: FederationNode) =>
  node.conn.db.selectFrom('medical_partner_lots').selectAll().execute();

describe('medical lot usage shared between installations', () => {
  const nodes: FederationNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close();
  });

  it("counts A's declared units of a lot at B, naming A, and replaces rather than adds a later figure", async () => {
    const handlers = lotUsageReceivedHandlers();
    const a = await startFederationNode('a.example', 'sqlite', { handlers });
    const b = await startFederationNode('b.example', 'postgres', { handlers });
    nodes.push(a, b);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      await from.federation.partners.add({
        name: to.name,
        url: to.url,
        publicKey: to.federation.identity.publicKey,
        administration: 'NL',
        addedBy: 'test',
      });
      await new ProductRepository(from.conn).load('NL', [parsedProduct()], 'test');
    }
    const aProducts = new ProductRepository(a.conn);
    const sender = createLotUsageSender(a.conn, a.federation.outbox);
    const use = (id: string, units: number): DeclaredUse => ({
      declarationId: id,
      serials: [],
      lots: [[GTIN, 'L1', units]],
    });

    // Nothing is sent to a partner that did not opt in.
    await aProducts.recordDeclared('NL', [use('A-1', 500)]);
    expect(await sender.afterRecorded('NL', [use('A-1', 500)])).toEqual([]);
    expect(await a.federation.partners.setLotUsageSharing('NL', 'b.example', true)).toBe(true);
    expect(await a.federation.partners.setLotUsageSharing('XX', 'b.example', true)).toBe(false);

    // 400 units at B alone are within the 1000 released.
    expect((await decide(b, 'B-1', 400)).map((s) => s.code)).toEqual(['MEDICAL_FAST_LANE']);

    // A decides and stores a declaration of 200 units through its product checks: once they are
    // recorded, its cumulative 700 go to B (the pipeline's afterSave hook, as the installation wires it).
    const receipts: Array<{ itemId: string }> = [];
    const aSource = createProductSignalSource(aProducts, reference, {
      onRecorded: async (administration, uses) =>
        receipts.push(...(await sender.afterRecorded(administration, uses))),
    });
    const a2 = vaccineDeclaration('A-2', 200);
    await aSource.prepareBatch?.('NL', [a2]);
    expect(aSource.signals(a2, 'NL').map((s) => s.code)).toEqual(['MEDICAL_FAST_LANE']);
    await aSource.afterSave('NL', [{ line: { declarationId: 'A-2' } } as SavedAssessment]);
    const [sent] = receipts;
    expect(receipts).toHaveLength(1);
    const row = await eventually(
      async () => (await partnerLots(b)).find((r) => r.item_id === sent!.itemId),
      'B stores A lot usage',
    );
    expect(row).toMatchObject({ administration: 'NL', partner: 'a.example', gtin: GTIN, lot: 'L1' });
    expect(Number(row.units)).toBe(700);
    const inbox = await b.conn.db.selectFrom('federation_inbox').select(['item_id', 'status']).execute();
    expect(inbox).toEqual([{ item_id: sent!.itemId, status: 'accepted' }]);

    // With A's 700, B's 400 go over the lot, and the evidence names A.
    const [signal] = await decide(b, 'B-1', 400);
    expect(signal?.code).toBe('MEDICAL_LOT_OVER_QUANTITY');
    expect(signal!.evidence).toMatchObject({
      findings: [
        {
          declaredHere: 400,
          declaredAtPartners: 700,
          released: 1000,
          partners: [{ administration: 'a.example', units: 700 }],
        },
      ],
    });

    // A's next figure replaces its previous one at B: 750, not 700 + 750.
    await aProducts.recordDeclared('NL', [use('A-3', 50)]);
    const [next] = await sender.afterRecorded('NL', [use('A-3', 50)]);
    await eventually(
      async () => ((await partnerLots(b)).some((r) => r.item_id === next!.itemId) ? true : undefined),
      'B replaces A figure',
    );
    const rows = await partnerLots(b);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.units)).toBe(750);
    expect((await decide(b, 'B-1', 250)).map((s) => s.code)).toEqual(['MEDICAL_FAST_LANE']);
    expect((await decide(b, 'B-1', 251)).map((s) => s.code)).toEqual(['MEDICAL_LOT_OVER_QUANTITY']);
  });
});

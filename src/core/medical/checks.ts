import type { Channel, RiskSignal } from '../decision/signal.ts';
import type { Declaration, GoodsItem } from '../declaration/declaration.ts';
import { type ItemIdentifiers, itemIdentifiers } from '../declaration/gs1.ts';
import { instantMs, isValidInstant } from '../declaration/validation.ts';
import { type ReferenceData, regulatoryFlagsFor } from '../reference/reference-data.ts';
import { type Product, routeCountriesOf } from './product.ts';
import type { DeclaredUse, RegistryView } from './registry-view.ts';

/**
 * The product checks (issue 13): each goods item that names a registered product (by GTIN, or by
 * a registered brand in its description) is compared with what the rights holder registered.
 * Every finding is a signal with source `product`, the items concerned, evidence and what the
 * officer should do; a declaration of authorised medical goods with nothing found may take the
 * fast lane (`MEDICAL_FAST_LANE`).
 */

/** A unit price below this share of the registered minimum is "far below" (a 40% discount is caught). */
export const PRICE_FLOOR_RATIO = 0.75;

interface CheckSpec {
  minChannel: Channel;
  score: number;
  title: string;
  instructions: string;
}

const DETAIN =
  'Detain the goods and inform the medicines regulator and the rights holder; take samples for laboratory testing. ';
const COLD = 'Keep temperature-controlled containers closed and powered; use non-intrusive inspection first.';

/** Every check, its lane and what the officer does when it fires. */
export const PRODUCT_CHECKS = {
  MEDICAL_GTIN_UNKNOWN: {
    minChannel: 'red',
    score: 80,
    title: 'GTIN not registered for a registered brand',
    instructions: `${DETAIN}Compare the pack with the brand's registered products and their packaging features. ${COLD}`,
  },
  MEDICAL_MANUFACTURER_NOT_AUTHORISED: {
    minChannel: 'red',
    score: 80,
    title: 'manufacturer or country of manufacture not authorised',
    instructions: `${DETAIN}Ask for the certificate of analysis and the batch release certificate naming the manufacturing site. ${COLD}`,
  },
  MEDICAL_EXPORTER_NOT_AUTHORISED: {
    minChannel: 'red',
    score: 60,
    title: 'exporter not authorised by the rights holder',
    instructions: `Ask for the distribution agreement linking the exporter to the manufacturer; check the packaging features. ${COLD}`,
  },
  MEDICAL_ROUTE_NOT_AUTHORISED: {
    minChannel: 'yellow',
    score: 50,
    title: 'dispatched from or routed through a country outside the authorised supply route',
    instructions: `Check the transport documents for the whole route and the reason for the detour; check the temperature record. ${COLD}`,
  },
  MEDICAL_LOT_UNKNOWN: {
    minChannel: 'red',
    score: 80,
    title: 'lot not registered by the manufacturer',
    instructions: `${DETAIN}Compare the lot number and expiry printed on the packs with the manufacturer's records. ${COLD}`,
  },
  MEDICAL_LOT_RECALLED: {
    minChannel: 'red',
    score: 90,
    title: 'lot recalled',
    instructions: `Detain the goods: the lot is recalled. Inform the medicines regulator. ${COLD}`,
  },
  MEDICAL_LOT_EXPIRED: {
    minChannel: 'red',
    score: 80,
    title: 'lot expired',
    instructions: `Detain the goods: expired medicines must not be released. Check the expiry printed on the packs. ${COLD}`,
  },
  MEDICAL_LOT_EXPIRING: {
    minChannel: 'yellow',
    score: 40,
    title: 'lot expires before the goods arrive',
    instructions:
      'Check the expiry on the packs against the arrival date and the importer’s use of the goods.',
  },
  MEDICAL_EXPIRY_MISMATCH: {
    minChannel: 'red',
    score: 80,
    title: 'declared expiry differs from the registered lot',
    instructions: `${DETAIN}A lot number copied from a genuine product with a different expiry is a sign of falsification. ${COLD}`,
  },
  MEDICAL_LOT_OVER_QUANTITY: {
    minChannel: 'red',
    score: 80,
    title: 'more units declared of the lot than the manufacturer ever released',
    instructions: `${DETAIN}Count the packs and scan their serial numbers; earlier declarations of the lot are in the evidence. ${COLD}`,
  },
  MEDICAL_SERIAL_UNKNOWN: {
    minChannel: 'red',
    score: 80,
    title: 'serial number not registered for the product',
    instructions: `${DETAIN}Scan the packs' DataMatrix codes and compare them with the registry. ${COLD}`,
  },
  MEDICAL_SERIAL_CLONED: {
    minChannel: 'red',
    score: 90,
    title: 'serial number already declared in another declaration (cloned code)',
    instructions: `${DETAIN}A genuine serial number is on one pack only; the declarations that carried it before are in the evidence. ${COLD}`,
  },
  MEDICAL_PRICE_FAR_BELOW: {
    minChannel: 'yellow',
    score: 50,
    title: 'unit price far below the registered range',
    instructions:
      'Ask for the invoice, the contract and proof of payment; compare with the rights holder’s price range.',
  },
  MEDICAL_COLD_CHAIN_EXCEEDED: {
    minChannel: 'yellow',
    score: 50,
    title: 'declared time out of refrigeration exceeds the product’s cold-chain budget',
    instructions: `Read the temperature logger before anything else; the goods may be unusable even if genuine. ${COLD}`,
  },
} as const satisfies Record<string, CheckSpec>;
export type ProductCheckCode = keyof typeof PRODUCT_CHECKS;

export const FAST_LANE_INSTRUCTIONS =
  'Authorised medical goods from an authorised trader, lodged before arrival, every product check clean: release on arrival. ' +
  'Do not open temperature-controlled containers without cause; if a control is needed, non-intrusive inspection first, ' +
  'and keep the goods in their temperature range.';

/** Units of a goods item: the supplementary quantity (packs), when declared. */
function units(item: GoodsItem): number | undefined {
  return item.supplementaryQuantity !== undefined && item.supplementaryQuantity > 0
    ? item.supplementaryQuantity
    : undefined;
}

function lodgement(declaration: Declaration): Date | undefined {
  return isValidInstant(declaration.lodgedAt) ? new Date(instantMs(declaration.lodgedAt)) : undefined;
}

/** Each item's identifiers (items whose codes do not read are left out: validation refused them). */
export function identifiedItems(declaration: Declaration): Array<{ item: GoodsItem; ids: ItemIdentifiers }> {
  const at = lodgement(declaration);
  if (!at) return [];
  const out: Array<{ item: GoodsItem; ids: ItemIdentifiers }> = [];
  for (const item of declaration.items) {
    const r = itemIdentifiers(item, at);
    if (r.ok) out.push({ item, ids: r.ids });
  }
  return out;
}

/** What the declaration would record in the registry once stored: its serials and units per lot. */
export function declaredUse(declaration: Declaration): DeclaredUse {
  const serials: Array<[string, string]> = [];
  const lots = new Map<string, [string, string, number]>();
  for (const { item, ids } of identifiedItems(declaration)) {
    if (ids.gtin === undefined) continue;
    for (const s of ids.serials) serials.push([ids.gtin, s]);
    const n = units(item);
    if (ids.lot !== undefined && n !== undefined) {
      const k = `${ids.gtin}\u0000${ids.lot}`;
      const prev = lots.get(k);
      lots.set(k, [ids.gtin, ids.lot, (prev?.[2] ?? 0) + n]);
    }
  }
  return { declarationId: declaration.id, serials, lots: [...lots.values()] };
}

const normalName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Findings per check: the items concerned and one fact per item. */
class Findings {
  readonly byCode = new Map<ProductCheckCode, { items: Set<number>; facts: string[]; evidence: unknown[] }>();
  add(code: ProductCheckCode, item: GoodsItem, fact: string, evidence: Record<string, unknown>): void {
    let f = this.byCode.get(code);
    if (!f) {
      f = { items: new Set(), facts: [], evidence: [] };
      this.byCode.set(code, f);
    }
    f.items.add(item.sequence);
    f.facts.push(`item ${item.sequence}: ${fact}`);
    f.evidence.push({ item: item.sequence, ...evidence });
  }
  signals(): RiskSignal[] {
    return [...this.byCode].map(([code, f]) => {
      const spec: CheckSpec = PRODUCT_CHECKS[code];
      const shown =
        f.facts.slice(0, 3).join('; ') + (f.facts.length > 3 ? `; and ${f.facts.length - 3} more` : '');
      return {
        source: 'product',
        code,
        message: `Product registry: ${spec.title}: ${shown}.`,
        score: spec.score,
        minChannel: spec.minChannel,
        instructions: spec.instructions,
        items: [...f.items].sort((a, b) => a - b),
        evidence: { findings: f.evidence.slice(0, 50), count: f.evidence.length },
      };
    });
  }
}

/** The dates a lot is checked against: lodgement and arrival (the lodgement date when none). */
function checkExpiry(
  out: Findings,
  item: GoodsItem,
  expiry: string,
  declaration: Declaration,
  lot: string,
): void {
  const lodged = declaration.lodgedAt.slice(0, 10);
  const arrival =
    declaration.arrivalAt !== undefined && isValidInstant(declaration.arrivalAt)
      ? declaration.arrivalAt.slice(0, 10)
      : lodged;
  if (expiry < lodged)
    out.add('MEDICAL_LOT_EXPIRED', item, `lot ${lot} expired on ${expiry}`, { lot, expiry, lodged });
  else if (expiry < arrival)
    out.add('MEDICAL_LOT_EXPIRING', item, `lot ${lot} expires on ${expiry}, before arrival on ${arrival}`, {
      lot,
      expiry,
      arrival,
    });
}

function checkParties(out: Findings, item: GoodsItem, product: Product, declaration: Declaration): void {
  const makers = product.manufacturers;
  if (item.manufacturer !== undefined) {
    const named = normalName(item.manufacturer);
    const maker = makers.find((m) => normalName(m.name) === named);
    if (!maker)
      out.add(
        'MEDICAL_MANUFACTURER_NOT_AUTHORISED',
        item,
        `manufacturer "${item.manufacturer}" is not authorised`,
        {
          declared: item.manufacturer,
          authorised: makers.map((m) => m.name),
        },
      );
  }
  if (!makers.some((m) => m.country === item.originCountry))
    out.add(
      'MEDICAL_MANUFACTURER_NOT_AUTHORISED',
      item,
      `origin ${item.originCountry} hosts no authorised manufacturing site (${[...new Set(makers.map((m) => m.country))].join(', ')})`,
      { originCountry: item.originCountry, authorisedCountries: makers.map((m) => m.country) },
    );
  if (product.exporters.length > 0) {
    const exporter = declaration.exporter;
    const ok =
      exporter !== undefined &&
      product.exporters.some(
        (e) =>
          (e.id !== undefined && e.id === exporter.id) ||
          (exporter.name !== undefined && normalName(e.name) === normalName(exporter.name)),
      );
    if (!ok)
      out.add(
        'MEDICAL_EXPORTER_NOT_AUTHORISED',
        item,
        exporter
          ? `exporter ${exporter.id ?? ''} "${exporter.name ?? ''}" is not authorised`
          : 'no exporter declared',
        { exporter: exporter ? { id: exporter.id, name: exporter.name } : null },
      );
  }
  const allowed = routeCountriesOf(product);
  const destination = declaration.destinationCountry ?? declaration.importer?.country;
  const travelled = [
    ...(declaration.dispatchCountry ? [declaration.dispatchCountry] : []),
    ...declaration.route.map((l) => l.slice(0, 2)),
  ].filter((c) => c !== destination);
  const outside = [...new Set(travelled.filter((c) => !allowed.has(c)))];
  if (outside.length > 0)
    out.add(
      'MEDICAL_ROUTE_NOT_AUTHORISED',
      item,
      `${outside.join(', ')} not on the authorised supply route`,
      {
        outside,
        authorised: [...allowed],
      },
    );
}

/**
 * The product signals of one declaration against the registry view of its batch. Pure: the view
 * holds every row needed (read by `prepareBatch`). `reference` gives the `medical` HS flags the
 * fast lane needs.
 */
export function productSignals(
  declaration: Declaration,
  view: RegistryView,
  reference: ReferenceData,
): RiskSignal[] {
  const out = new Findings();
  const items = identifiedItems(declaration);
  let registeredItems = 0;
  for (const { item, ids } of items) {
    if (ids.gtin === undefined) continue;
    const product = view.product(ids.gtin);
    if (!product) {
      const brand = item.description !== undefined ? view.brandIn(item.description) : undefined;
      if (brand !== undefined)
        out.add(
          'MEDICAL_GTIN_UNKNOWN',
          item,
          `GTIN ${ids.gtin} is not registered, but "${brand}" is a registered brand`,
          {
            gtin: ids.gtin,
            brand,
          },
        );
      continue;
    }
    registeredItems++;
    checkParties(out, item, product, declaration);
    const n = units(item);
    if (ids.lot !== undefined) {
      const lot = view.lot(ids.gtin, ids.lot);
      if (!lot)
        out.add('MEDICAL_LOT_UNKNOWN', item, `lot ${ids.lot} is not registered for GTIN ${ids.gtin}`, {
          gtin: ids.gtin,
          lot: ids.lot,
        });
      else {
        if (lot.recalled)
          out.add('MEDICAL_LOT_RECALLED', item, `lot ${lot.lot} is recalled`, {
            gtin: ids.gtin,
            lot: lot.lot,
          });
        if (ids.expiry !== undefined && ids.expiry !== lot.expiry)
          out.add(
            'MEDICAL_EXPIRY_MISMATCH',
            item,
            `expiry ${ids.expiry} declared, ${lot.expiry} registered for lot ${lot.lot}`,
            {
              declared: ids.expiry,
              registered: lot.expiry,
            },
          );
        checkExpiry(out, item, lot.expiry, declaration, lot.lot);
        if (n !== undefined) {
          const before = view.unitsDeclaredElsewhere(ids.gtin, lot.lot, declaration.id);
          const mine = items
            .filter((x) => x.ids.gtin === ids.gtin && x.ids.lot === ids.lot)
            .reduce((sum, x) => sum + (units(x.item) ?? 0), 0);
          const partners = view.unitsDeclaredByPartners(ids.gtin, lot.lot);
          const elsewhere = partners.reduce((sum, p) => sum + p.units, 0);
          if (before + mine + elsewhere > lot.quantityReleased)
            out.add(
              'MEDICAL_LOT_OVER_QUANTITY',
              item,
              `${before + mine + elsewhere} units of lot ${lot.lot} declared in all (${before} before${
                partners.length > 0
                  ? `, ${elsewhere} at ${partners.map((p) => `${p.partner} (${p.units})`).join(', ')}`
                  : ''
              }), ${lot.quantityReleased} ever released`,
              {
                declaredBefore: before,
                declaredHere: mine,
                released: lot.quantityReleased,
                ...(partners.length > 0
                  ? {
                      declaredAtPartners: elsewhere,
                      partners: partners.map((p) => ({
                        administration: p.partner,
                        units: p.units,
                        asOf: p.asOf,
                      })),
                    }
                  : {}),
              },
            );
        }
      }
    } else if (ids.expiry !== undefined) checkExpiry(out, item, ids.expiry, declaration, '(no lot)');
    for (const serial of ids.serials) {
      if (view.isSerialised(ids.gtin) && !view.isRegisteredSerial(ids.gtin, serial))
        out.add('MEDICAL_SERIAL_UNKNOWN', item, `serial ${serial} is not registered for GTIN ${ids.gtin}`, {
          gtin: ids.gtin,
          serial,
        });
      const seen = view.serialSeenIn(ids.gtin, serial, declaration.id);
      if (seen.length > 0)
        out.add(
          'MEDICAL_SERIAL_CLONED',
          item,
          `serial ${serial} was declared before in ${seen.slice(0, 3).join(', ')}`,
          {
            gtin: ids.gtin,
            serial,
            declarations: seen.slice(0, 10),
          },
        );
    }
    const price = product.unitPrice;
    if (
      price &&
      n !== undefined &&
      item.invoiceValue !== undefined &&
      price.currency === declaration.currency
    ) {
      const unit = item.invoiceValue / n;
      if (unit < price.min * PRICE_FLOOR_RATIO)
        out.add(
          'MEDICAL_PRICE_FAR_BELOW',
          item,
          `unit price ${unit.toFixed(2)} ${price.currency} against a registered ${price.min}–${price.max}`,
          { unitPrice: unit, range: price },
        );
    }
    const cold = product.coldChain;
    if (
      cold &&
      item.unrefrigeratedHours !== undefined &&
      item.unrefrigeratedHours > cold.maxUnrefrigeratedHours
    )
      out.add(
        'MEDICAL_COLD_CHAIN_EXCEEDED',
        item,
        `${item.unrefrigeratedHours} h out of refrigeration declared, ${cold.maxUnrefrigeratedHours} h allowed (${cold.minCelsius}–${cold.maxCelsius} °C)`,
        { declaredHours: item.unrefrigeratedHours, budgetHours: cold.maxUnrefrigeratedHours },
      );
  }
  const signals = out.signals();
  if (signals.length === 0 && registeredItems > 0 && registeredItems === declaration.items.length) {
    const fast = fastLane(declaration, items, view, reference);
    if (fast) signals.push(fast);
  }
  return signals;
}

/**
 * The fast lane (WCO prioritised clearance of critical medical goods): every item medical goods
 * (HS `medical` regulatory flag) of a registered product, an authorised (trusted) trader as
 * importer, lodged before arrival, and no product check fired. The signal adds nothing to the
 * score; it tells the officer to release on arrival and how to respect the cold chain.
 */
function fastLane(
  declaration: Declaration,
  items: Array<{ item: GoodsItem; ids: ItemIdentifiers }>,
  view: RegistryView,
  reference: ReferenceData,
): RiskSignal | undefined {
  const importer = declaration.importer;
  if (importer?.trustedTrader !== true) return undefined;
  if (declaration.arrivalAt === undefined || !isValidInstant(declaration.arrivalAt)) return undefined;
  if (!(instantMs(declaration.lodgedAt) < instantMs(declaration.arrivalAt))) return undefined;
  for (const { item, ids } of items) {
    if (!regulatoryFlagsFor(reference, item.hsCode).some((f) => f.concern === 'medical')) return undefined;
    const product = ids.gtin === undefined ? undefined : view.product(ids.gtin);
    if (!product) return undefined;
    if (
      product.importers.length > 0 &&
      !product.importers.some(
        (i) =>
          (i.id !== undefined && i.id === importer.id) ||
          normalName(i.name) === normalName(importer.name ?? ''),
      )
    )
      return undefined;
  }
  const cold = items.some(
    ({ ids }) => ids.gtin !== undefined && view.product(ids.gtin)?.coldChain !== undefined,
  );
  return {
    source: 'product',
    code: 'MEDICAL_FAST_LANE',
    message:
      'Fast lane: authorised medical goods from an authorised trader, lodged before arrival, every product check clean' +
      (cold ? '; temperature-controlled goods' : ''),
    score: 0,
    instructions: FAST_LANE_INSTRUCTIONS,
    items: items.map(({ item }) => item.sequence),
    evidence: { importer: importer.id ?? importer.name, arrivalAt: declaration.arrivalAt, coldChain: cold },
  };
}

/**
 * The fast lane holds only when no product finding of any source fired: a partner's counterfeit
 * alert (`MEDICAL_COUNTERFEIT_ALERT`, matched outside the product checks) takes the declaration
 * out of it, so the officer never reads "release on arrival" beside a counterfeit finding.
 */
export function withoutFastLaneOnFindings(signals: RiskSignal[]): RiskSignal[] {
  const finding = signals.some((s) => s.source === 'product' && s.code !== 'MEDICAL_FAST_LANE');
  return finding ? signals.filter((s) => s.code !== 'MEDICAL_FAST_LANE') : signals;
}

/**
 * What a decided declaration counts for in the registry: its serials, and its units per lot except
 * for lots it was flagged over-quantity on. A disputed claim is not counted against the lot, or one
 * fake shipment would make every later genuine one look over-quantity; an officer's outcome, not
 * the claim, settles it.
 */
export function countedUse(declaration: Declaration, signals: readonly RiskSignal[]): DeclaredUse {
  const use = declaredUse(declaration);
  const over = signals.find((s) => s.code === 'MEDICAL_LOT_OVER_QUANTITY');
  if (!over) return use;
  const disputed = new Set<string>();
  for (const { item, ids } of identifiedItems(declaration))
    if (over.items?.includes(item.sequence) && ids.gtin !== undefined && ids.lot !== undefined)
      disputed.add(`${ids.gtin}\u0000${ids.lot}`);
  return { ...use, lots: use.lots.filter(([gtin, lot]) => !disputed.has(`${gtin}\u0000${lot}`)) };
}

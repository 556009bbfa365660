import type { RiskSignal } from '../decision/signal.ts';
import type { Declaration, GoodsItem } from '../declaration/declaration.ts';
import { itemIdentifiers } from '../declaration/gs1.ts';
import { instantMs } from '../declaration/validation.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import {
  type CompiledCriterion,
  compileCriterion,
  type EvaluationScope,
  type Facts,
  validUntilMs,
} from '../rules/compile-criteria.ts';
import type { ProfileContext } from '../rules/evaluate.ts';
import type { AlertContent, AlertProduct, AlertRecord } from './alert.ts';
import { normaliseContainerNumber } from './container-number.ts';

/**
 * Accepted alerts as live signals: the receiver's pipeline evaluates them like risk profiles,
 * with the alert id as the signal code, so a declaration that matches an accepted alert gets a
 * reason with source "alert" and code the alert id. An alert naming counterfeit products (GTIN,
 * lot, manufacturer) is a product finding: its match has source "product" and code
 * {@link COUNTERFEIT_ALERT_CODE}, with the alert and its sender in the evidence (issue 13).
 * Withdrawn, refused and expired alerts never match.
 */

/** The code of a match of a partner's counterfeit alert (source `product`). */
export const COUNTERFEIT_ALERT_CODE = 'MEDICAL_COUNTERFEIT_ALERT';

/** A signal raised by a partner's accepted alert: source `alert`, code the alert id; or a counterfeit alert's `product` signal. */
export type AlertSignal = RiskSignal & { source: 'alert' | 'product' };

interface CompiledAlert {
  record: AlertRecord & { content: AlertContent };
  criterion: CompiledCriterion | undefined;
  containers: ReadonlySet<string>;
  vessels: ReadonlySet<string>;
  from: number;
  until: number;
}

/** Accepted alerts compiled against one reference data set; build once per change, match many declarations. */
export interface CompiledAlerts {
  readonly reference: ReferenceData;
  readonly alerts: readonly CompiledAlert[];
}

/** Keeps the accepted alerts (others can never match) and compiles their criteria to closures. */
export function compileAlerts(records: readonly AlertRecord[], reference: ReferenceData): CompiledAlerts {
  const alerts: CompiledAlert[] = [];
  for (const record of records) {
    if (record.status !== 'accepted' || record.content === null) continue;
    const { content } = record;
    alerts.push({
      record: { ...record, content },
      criterion: content.criteria === undefined ? undefined : compileCriterion(content.criteria, reference),
      containers: new Set(content.containers),
      vessels: new Set(content.vessels),
      from: content.validFrom === undefined ? Number.NEGATIVE_INFINITY : instantMs(content.validFrom),
      until: validUntilMs(content.validUntil),
    });
  }
  return { reference, alerts };
}

const compiledCache = new WeakMap<readonly AlertRecord[], WeakMap<ReferenceData, CompiledAlerts>>();

function compiledFor(records: readonly AlertRecord[], reference: ReferenceData): CompiledAlerts {
  let perReference = compiledCache.get(records);
  if (!perReference) {
    perReference = new WeakMap();
    compiledCache.set(records, perReference);
  }
  let compiled = perReference.get(reference);
  if (!compiled) {
    compiled = compileAlerts(records, reference);
    perReference.set(reference, compiled);
  }
  return compiled;
}

const normaliseImo = (value: string) => value.replace(/^IMO\s*/i, '').trim();

const normalName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** The goods items that are one of the alert's counterfeit products, each with what it matched. */
function counterfeitItems(
  products: readonly AlertProduct[],
  declaration: Declaration,
  lodgedAt: number,
): Array<{ item: GoodsItem; matched: AlertProduct }> {
  const out: Array<{ item: GoodsItem; matched: AlertProduct }> = [];
  for (const item of declaration.items) {
    const read = itemIdentifiers(item, new Date(lodgedAt));
    if (!read.ok) continue;
    const { ids } = read;
    const maker = item.manufacturer === undefined ? undefined : normalName(item.manufacturer);
    const matched = products.find(
      (p) =>
        (p.gtin === undefined || p.gtin === ids.gtin) &&
        (p.lot === undefined || p.lot === ids.lot) &&
        (p.manufacturer === undefined || normalName(p.manufacturer) === maker),
    );
    if (matched) out.push({ item, matched });
  }
  return out;
}

function describeProduct(p: AlertProduct): string {
  return [
    p.gtin !== undefined ? `GTIN ${p.gtin}` : undefined,
    p.lot !== undefined ? `lot ${p.lot}` : undefined,
    p.manufacturer !== undefined ? `manufacturer "${p.manufacturer}"` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
}

/** At most this many fired items are spelled out in a message; the signal still lists them all. */
const MAX_EXPLAINED_ITEMS = 3;

function matchOne(alert: CompiledAlert, scope: EvaluationScope): AlertSignal | undefined {
  const { declaration } = scope;
  const facts: string[] = [];
  if (alert.containers.size > 0) {
    const hit = declaration.containers.map(normaliseContainerNumber).find((c) => alert.containers.has(c));
    if (hit === undefined) return undefined;
    facts.push(`container ${hit} is named in the alert`);
  }
  if (alert.vessels.size > 0) {
    const imo = declaration.transport?.vesselImo;
    if (imo === undefined || !alert.vessels.has(normaliseImo(imo))) return undefined;
    facts.push(`vessel IMO ${normaliseImo(imo)} is named in the alert`);
  }
  let items: GoodsItem[] = [];
  let counterfeits: Array<{ item: GoodsItem; matched: AlertProduct }> = [];
  const products = alert.record.content.products;
  if (products.length > 0) {
    counterfeits = counterfeitItems(products, declaration, scope.lodgedAt);
    if (counterfeits.length === 0) return undefined;
    items = counterfeits.map((c) => c.item);
  }
  const criterion = alert.criterion;
  if (criterion) {
    if (criterion.perItem) {
      items = (products.length > 0 ? items : declaration.items).filter((item) => criterion.test(scope, item));
      if (items.length === 0) return undefined;
      counterfeits = counterfeits.filter((c) => items.includes(c.item));
    } else if (!criterion.test(scope, undefined)) return undefined;
    const declarationFacts = new Set<string>();
    const itemFacts: string[] = [];
    for (const item of criterion.perItem ? items.slice(0, MAX_EXPLAINED_ITEMS) : [undefined]) {
      const out: Facts = { declaration: [], item: [] };
      criterion.explain(scope, item, out);
      for (const f of out.declaration) declarationFacts.add(f);
      if (item && out.item.length > 0) itemFacts.push(`item ${item.sequence}: ${out.item.join(', ')}`);
    }
    if (items.length > MAX_EXPLAINED_ITEMS)
      itemFacts.push(`and ${items.length - MAX_EXPLAINED_ITEMS} more items`);
    facts.push(...declarationFacts, ...itemFacts);
  }
  for (const { item, matched } of counterfeits.slice(0, MAX_EXPLAINED_ITEMS))
    facts.push(`item ${item.sequence}: ${describeProduct(matched)} is named as counterfeit`);
  if (counterfeits.length > MAX_EXPLAINED_ITEMS)
    facts.push(`and ${counterfeits.length - MAX_EXPLAINED_ITEMS} more counterfeit items`);
  const { record } = alert;
  const { content } = record;
  const counterfeit = products.length > 0;
  const signal: AlertSignal = {
    source: counterfeit ? 'product' : 'alert',
    code: counterfeit ? COUNTERFEIT_ALERT_CODE : record.id,
    message: `${counterfeit ? 'Counterfeit alert' : 'Alert'} from ${record.issuer}: ${content.reason.replace(/[.\s]+$/, '')}: ${facts.join('; ')}.`,
    score: content.weight,
    minChannel: content.minChannel,
    instructions: content.instructions,
    evidence: {
      ...(counterfeit ? { alertId: record.id } : {}),
      issuer: record.issuer,
      alertVersion: record.version,
      title: content.title,
      handling: content.handling,
      facts,
      ...(counterfeit
        ? { matched: counterfeits.slice(0, 50).map((c) => ({ item: c.item.sequence, ...c.matched })) }
        : {}),
    },
  };
  if (items.length > 0) signal.items = items.map((i) => i.sequence);
  return content.handling === 'RED' ? redacted(signal, record) : signal;
}

/**
 * TLP:RED is for the analysts the alert was delivered to, not for the officers and systems that
 * read a decision's reasons: the signal still raises the channel, but says only whose alert it is
 * and where to ask, not its title, reason, instructions or the facts that matched.
 */
function redacted(signal: AlertSignal, record: AlertRecord): AlertSignal {
  const { facts: _facts, title: _title, matched: _matched, ...evidence } = signal.evidence ?? {};
  return {
    ...signal,
    message: `${signal.source === 'product' ? 'Counterfeit alert' : 'Alert'} from ${record.issuer} (TLP:RED) matches: its content is for the analysts it was delivered to.`,
    instructions: 'Refer to the analysts before release: the alert is TLP:RED.',
    evidence,
  };
}

/**
 * The signals a declaration raises against the accepted alerts in force at `now` (epoch ms; the
 * alert's validity is the receiver's live window, not the lodgement time). An alert matches when
 * every facet it has holds: its criteria (per item, like a risk profile), one of its containers,
 * its vessel.
 *
 * @example
 * const signals = alertSignals(acceptedAlerts, declaration, Date.parse(now), { reference });
 * // [{ source: 'alert', code: 'nl-customs:alert-1', minChannel: 'red', ... }]
 */
export function alertSignals(
  alerts: readonly AlertRecord[] | CompiledAlerts,
  declaration: Declaration,
  now: number,
  ctx: ProfileContext,
): AlertSignal[] {
  const compiled = 'alerts' in alerts ? alerts : compiledFor(alerts, ctx.reference);
  const scope: EvaluationScope = {
    declaration,
    lodgedAt: instantMs(declaration.lodgedAt),
    priceBands: ctx.priceBands,
    firstTimeTraders: ctx.firstTimeTraders,
  };
  const signals: AlertSignal[] = [];
  for (const alert of compiled.alerts) {
    if (now < alert.from || now > alert.until) continue;
    const signal = matchOne(alert, scope);
    if (signal) signals.push(signal);
  }
  return signals;
}

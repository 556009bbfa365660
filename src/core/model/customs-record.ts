import type { Declaration } from '../declaration/declaration.ts';

/**
 * One goods item as the risk model sees it: the flat record of the WCO BACUDA customs data set
 * (one row per declaration item). Greenlane declarations are mapped to it by `declarationRecords`,
 * so the model scores files and live declarations with the same features.
 */
export interface CustomsRecord {
  declarationId: string;
  /** Goods item sequence number (1 for the single-item rows of the synthetic data set). */
  itemSequence: number;
  /** Declaration date, ISO `YYYY-MM-DD`. */
  date: string;
  office: string;
  processType: string;
  importType: string;
  importUse: string;
  paymentType: string;
  transportMode: string;
  declarant: string;
  importer: string;
  seller: string;
  courier: string;
  /** First six digits of the HS code. */
  hs6: string;
  departure: string;
  origin: string;
  /** Applied ad valorem duty rate, percent. */
  taxRate: number;
  taxType: string;
  originIndicator: string;
  /** Net mass in kg (NaN when not declared). */
  netMass: number;
  /** Declared (customs) value in national currency (NaN when not declared). */
  itemPrice: number;
}

/** Inspection outcome used as label: 0 no fraud, 1 fraud, 2 critical fraud (public safety). */
export type OutcomeLabel = 0 | 1 | 2;

/** The two objectives: any duty fraud, or critical (public-safety) fraud only. */
export const MODEL_TARGETS = ['fraud', 'critical'] as const;
export type ModelTarget = (typeof MODEL_TARGETS)[number];

/** 0/1 label of an outcome under a target. */
export function targetLabel(outcome: OutcomeLabel, target: ModelTarget): 0 | 1 {
  return target === 'fraud' ? (outcome >= 1 ? 1 : 0) : outcome === 2 ? 1 : 0;
}

/**
 * Duty at stake: value x duty rate / 100. The data set has no recovered-revenue label, so this is
 * the revenue proxy its documentation recommends (recovered only when the row is fraudulent).
 */
export function dutyAtStake(r: CustomsRecord): number {
  const v = r.itemPrice * r.taxRate;
  return Number.isFinite(v) && v > 0 ? v / 100 : 0;
}

const code = (v: string | undefined): string => v ?? '';
const numberOr = (v: number | undefined): number => (v === undefined ? Number.NaN : v);

/**
 * The records of a Greenlane declaration, one per goods item. Parties map by role: importer,
 * declarant, exporter (or consignor) as seller, carrier as courier; KCS-specific codes come from
 * `additionalInformation` when the declaration was imported from that data set.
 */
export function declarationRecords(d: Declaration): CustomsRecord[] {
  const extra = d.additionalInformation ?? {};
  return d.items.map((item) => ({
    declarationId: d.id,
    itemSequence: item.sequence,
    date: d.lodgedAt.slice(0, 10),
    office: d.customsOffice,
    processType: code(extra.processType),
    importType: code(d.procedure),
    importUse: code(extra.importUse),
    paymentType: code(extra.paymentType),
    transportMode: code(d.transport?.mode),
    declarant: code(d.declarant?.id),
    importer: code(d.importer?.id),
    seller: code(d.exporter?.id ?? d.consignor?.id),
    courier: code(d.carrier?.id),
    hs6: item.hsCode.slice(0, 6),
    departure: code(d.dispatchCountry),
    origin: item.originCountry,
    taxRate: numberOr(item.dutyRate),
    taxType: code(item.taxType),
    originIndicator: code(extra.originIndicator),
    netMass: numberOr(item.netMass),
    itemPrice: numberOr(item.customsValue ?? item.invoiceValue),
  }));
}

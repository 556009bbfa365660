import type { ConsignmentRegime } from './consignment.ts';

/** The three lanes of a low-value consignment, decided before loading. */
export const LANES = ['release', 'hold', 'inspect'] as const;
/**
 * `release`: load and clear; `hold`: held for documents (the ICS2 "request for information": the
 * seller or carrier must send an invoice, a permit or a licence first); `inspect`: physical
 * inspection or screening of the parcel before it goes further.
 */
export type Lane = (typeof LANES)[number];

export const LANE_RANK: Record<Lane, number> = { release: 0, hold: 1, inspect: 2 };

/** Which check gave a reason. */
export const CONSIGNMENT_CHECKS = ['screening', 'goods', 'value', 'weight', 'split', 'model'] as const;
export type ConsignmentCheck = (typeof CONSIGNMENT_CHECKS)[number];

/** One reason for a lane, in words an officer or a seller can read. */
export interface LaneReason {
  check: ConsignmentCheck;
  /** Stable machine code (`SELLER_SANCTIONED`, `PROHIBITED_GOODS`, ...). */
  code: string;
  message: string;
  /** The lane this reason alone asks for (`release` for information only). */
  lane: Lane;
  /** How strongly it points to a risk, 0..1 (the consignment's score is the largest). */
  score: number;
}

/** The figures the lane decides with; {@link DEFAULT_LANE_CONFIG} documents each default. */
export interface LaneConfig {
  /** Highest intrinsic value each regime allows. */
  thresholds: Record<ConsignmentRegime, { amount: number; currency: string }>;
  /**
   * Units of each currency per euro, to compare values with the thresholds and the price floors.
   * Indicative; an installation passes the rates it uses for customs value (the ECB reference rates
   * of the month in the EU, Article 146 UCC-IA).
   */
  eurRates: Readonly<Record<string, number>>;
  /** A value at or above this share of the threshold, and under it, is "just under" it. */
  nearThresholdShare: number;
  /** Gross mass above this many times the heaviest plausible weight of the goods described is a hold. */
  heavyFactor: number;
  /** Gross mass under this share of the lightest plausible weight of the goods described is a hold. */
  lightFactor: number;
  /** Consignments of one seller to one buyer within this many hours are read together for splitting. */
  splitWindowHours: number;
  /** Countries under comprehensive embargoes: a seller there is held for documents. */
  embargoedCountries: readonly string[];
  /**
   * Model probability at or above which a consignment is held for documents. The model alone never
   * sends a parcel to inspection: it weighs weak signals, and a physical inspection needs a reason
   * an officer can check.
   */
  model: { hold: number };
}

export const DEFAULT_LANE_CONFIG: LaneConfig = {
  // EU: Article 23(1) of Regulation (EC) 1186/2009 and the H7 dataset (EUR 150); US: 19 U.S.C. 1321 (USD 800).
  thresholds: {
    'eu-h7': { amount: 150, currency: 'EUR' },
    'us-de-minimis': { amount: 800, currency: 'USD' },
  },
  eurRates: {
    EUR: 1,
    USD: 1.08,
    GBP: 0.85,
    CNY: 7.8,
    HKD: 8.4,
    JPY: 160,
    KRW: 1450,
    CHF: 0.95,
    CAD: 1.47,
    AUD: 1.65,
    PLN: 4.3,
    SEK: 11.3,
    DKK: 7.46,
    CZK: 25,
    HUF: 395,
    TRY: 35,
    INR: 90,
    SGD: 1.45,
  },
  nearThresholdShare: 0.85,
  heavyFactor: 2.5,
  lightFactor: 0.5,
  splitWindowHours: 72,
  embargoedCountries: ['CU', 'IR', 'KP', 'SY'],
  // Chosen by `npm run eval:ecommerce` on its tuning set: the lowest threshold holding at most 1 % of clean parcels.
  model: { hold: 0.5 },
};

/** A value in euro, or undefined when the currency has no rate. */
export function toEur(amount: number, currency: string, config: LaneConfig): number | undefined {
  const rate = config.eurRates[currency];
  return rate === undefined ? undefined : amount / rate;
}

/** The threshold of a regime, in euro. */
export function thresholdEur(regime: ConsignmentRegime, config: LaneConfig): number {
  const t = config.thresholds[regime];
  return toEur(t.amount, t.currency, config) ?? t.amount;
}

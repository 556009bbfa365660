import { z } from 'zod';

/**
 * Robust unit-price bands per HS subheading (HS6) x country of origin, and per HS6 over all
 * origins, for the under-invoicing indicator (WCO Guide to Customs Valuation and Transfer Pricing;
 * FATF trade-based money laundering red flags: "significant discrepancies between the value of the
 * goods and their fair market value").
 *
 * Unit prices are log-normal-ish and heavy-tailed, so a band is the median and the median absolute
 * deviation (MAD) of ln(unit price), never a mean and standard deviation that one absurd
 * declaration could drag.
 */
export interface PriceBand {
  /** Observations behind the band. */
  count: number;
  /** Median of ln(unit price). */
  logMedian: number;
  /** Median absolute deviation of ln(unit price) from `logMedian`. */
  logMad: number;
}

/** What profile evaluation needs: bands by HS6 x origin and by HS6, in one currency per kg. */
export interface PriceBandLookup {
  /** ISO 4217 currency of the unit prices; declarations in other currencies are not compared. */
  readonly currency: string;
  byOrigin(hs6: string, origin: string): PriceBand | undefined;
  byHs6(hs6: string): PriceBand | undefined;
}

/** One observed goods item: its value (in the table currency) and net mass in kg. */
export interface UnitPriceObservation {
  hsCode: string;
  originCountry: string;
  value: number;
  netMass: number;
}

/** Median unit price (currency per kg) of a band. */
export function bandMedian(band: PriceBand): number {
  return Math.exp(band.logMedian);
}

/** 1.4826 x MAD estimates the standard deviation of a normal distribution (Rousseeuw & Croux 1993). */
const MAD_TO_SIGMA = 1.4826;

/**
 * Robust z-score of a unit price within a band: how many (MAD-estimated) standard deviations its
 * logarithm lies from the median. Undefined when the band has no spread (all prices equal).
 */
export function robustZ(band: PriceBand, unitPrice: number): number | undefined {
  if (band.logMad === 0 || !(unitPrice > 0)) return undefined;
  return (Math.log(unitPrice) - band.logMedian) / (MAD_TO_SIGMA * band.logMad);
}

function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function bandOf(logs: number[]): PriceBand {
  const sorted = Float64Array.from(logs).sort();
  const logMedian = medianOfSorted(sorted);
  const deviations = sorted.map((x) => Math.abs(x - logMedian)).sort();
  return { count: logs.length, logMedian, logMad: medianOfSorted(deviations) };
}

const BandRowSchema = z.strictObject({
  hs6: z.string().regex(/^\d{6}$/),
  origin: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  count: z.number().int().min(1),
  logMedian: z.number().finite(),
  logMad: z.number().finite().min(0),
});

/** The stored form of a band table (`greenlane-price-bands/1`). */
export const SerializedPriceBandsSchema = z.strictObject({
  format: z.literal('greenlane-price-bands/1'),
  currency: z.string().regex(/^[A-Z]{3}$/),
  bands: z.array(BandRowSchema),
});
export type SerializedPriceBands = z.infer<typeof SerializedPriceBandsSchema>;

/** An in-memory band table; serialise it with `toJSON()` and read it back with `fromJSON()`. */
export class PriceBandTable implements PriceBandLookup {
  private constructor(
    readonly currency: string,
    private readonly origins: ReadonlyMap<string, PriceBand>,
    private readonly hs6s: ReadonlyMap<string, PriceBand>,
  ) {}

  /**
   * Computes bands from observations. Items without a positive value and net mass carry no price
   * information and are skipped.
   */
  static compute(observations: Iterable<UnitPriceObservation>, currency: string): PriceBandTable {
    const byOrigin = new Map<string, number[]>();
    const byHs6 = new Map<string, number[]>();
    const push = (map: Map<string, number[]>, key: string, x: number) => {
      const list = map.get(key);
      if (list) list.push(x);
      else map.set(key, [x]);
    };
    for (const o of observations) {
      if (!(o.value > 0 && o.netMass > 0) || o.hsCode.length < 6) continue;
      const hs6 = o.hsCode.slice(0, 6);
      const x = Math.log(o.value / o.netMass);
      push(byOrigin, `${hs6}|${o.originCountry}`, x);
      push(byHs6, hs6, x);
    }
    const bands = (map: Map<string, number[]>) => new Map([...map].map(([k, logs]) => [k, bandOf(logs)]));
    return new PriceBandTable(currency, bands(byOrigin), bands(byHs6));
  }

  /** Reads a stored table, validating it (it is data from disk or the store). */
  static fromJSON(value: unknown): PriceBandTable {
    const data = SerializedPriceBandsSchema.parse(value);
    const origins = new Map<string, PriceBand>();
    const hs6s = new Map<string, PriceBand>();
    for (const { hs6, origin, count, logMedian, logMad } of data.bands) {
      if (origin === undefined) hs6s.set(hs6, { count, logMedian, logMad });
      else origins.set(`${hs6}|${origin}`, { count, logMedian, logMad });
    }
    return new PriceBandTable(data.currency, origins, hs6s);
  }

  byOrigin(hs6: string, origin: string): PriceBand | undefined {
    return this.origins.get(`${hs6}|${origin}`);
  }

  byHs6(hs6: string): PriceBand | undefined {
    return this.hs6s.get(hs6);
  }

  toJSON(): SerializedPriceBands {
    const bands: SerializedPriceBands['bands'] = [];
    for (const [hs6, band] of this.hs6s) bands.push({ hs6, ...band });
    for (const [key, band] of this.origins) {
      const [hs6, origin] = key.split('|') as [string, string];
      bands.push({ hs6, origin, ...band });
    }
    return { format: 'greenlane-price-bands/1', currency: this.currency, bands };
  }
}

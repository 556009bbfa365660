import { createReadStream } from 'node:fs';
import { validateDeclaration } from '../core/declaration/validation.ts';
import { PriceBandTable, type UnitPriceObservation } from '../core/rules/price-bands.ts';
import type { InputFormat } from '../driven/input/input-record.ts';
import { readRecords } from '../driven/input/read-records.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { dataDir } from './config.ts';

/**
 * Collects the unit-price observations of the valid declarations of a file in one currency
 * (declarations in other currencies are counted and left out: prices are not converted).
 */
export async function observationsFrom(file: string, format: InputFormat, currency: string) {
  const ref = referenceData(dataDir());
  const observations: UnitPriceObservation[] = [];
  let skippedCurrency = 0;
  let invalid = 0;
  for await (const rec of readRecords(createReadStream(file), format)) {
    const result = rec.errors ? undefined : validateDeclaration(rec.value, ref);
    if (!result?.ok) {
      invalid++;
      continue;
    }
    const d = result.declaration;
    if (d.currency !== currency) {
      skippedCurrency++;
      continue;
    }
    for (const item of d.items) {
      const value = item.invoiceValue ?? item.customsValue;
      if (value === undefined || item.netMass === undefined) continue;
      observations.push({
        hsCode: item.hsCode,
        originCountry: item.originCountry,
        value,
        netMass: item.netMass,
      });
    }
  }
  return { observations, skippedCurrency, invalid };
}

/** Price bands computed from a declarations file (valid records in `currency`). */
export async function priceBandsFrom(
  file: string,
  format: InputFormat,
  currency: string,
): Promise<PriceBandTable> {
  const { observations } = await observationsFrom(file, format, currency);
  return PriceBandTable.compute(observations, currency);
}

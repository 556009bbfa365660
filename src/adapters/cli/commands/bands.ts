import { createReadStream, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { dataDir } from '../../../app/config.ts';
import { validateDeclaration } from '../../../core/declaration/validation.ts';
import { PriceBandTable, type UnitPriceObservation } from '../../../core/rules/price-bands.ts';
import { INPUT_FORMATS, type InputFormat } from '../../input/input-record.ts';
import { readRecords, sniffFormat } from '../../input/read-records.ts';
import { referenceData } from '../../reference/file-reference-data.ts';
import { UsageError } from '../usage-error.ts';

interface BandsFlags {
  format?: InputFormat;
  currency: string;
  out: string;
}

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
    const result = rec.syntaxError ? undefined : validateDeclaration(rec.value, ref);
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

export function registerBandsCommand(program: Command): void {
  const bands = program
    .command('bands')
    .description(
      'Unit-price bands (median/MAD of log unit price per HS6 x origin) for the valuation profiles.',
    );
  bands
    .command('build')
    .description('Compute price bands from historical declarations and write them as JSON.')
    .argument('<file>', 'declarations file (JSON, NDJSON, CSV or customs-csv)')
    .addOption(
      new Option('--format <format>', 'input format (default: from the extension)').choices(INPUT_FORMATS),
    )
    .requiredOption('--currency <code>', 'ISO 4217 currency of the prices to use, e.g. EUR')
    .requiredOption(
      '--out <file>',
      'where to write the band table (use it with --price-bands or GREENLANE_PRICE_BANDS)',
    )
    .action(async (file: string, flags: BandsFlags) => {
      if (!/^[A-Z]{3}$/.test(flags.currency))
        throw new UsageError('--currency must be an ISO 4217 code such as EUR');
      const format = flags.format ?? sniffFormat(file);
      const { observations, skippedCurrency, invalid } = await observationsFrom(file, format, flags.currency);
      const table = PriceBandTable.compute(observations, flags.currency);
      const json = table.toJSON();
      writeFileSync(flags.out, `${JSON.stringify(json)}\n`);
      process.stderr.write(
        `wrote ${json.bands.length} bands from ${observations.length} goods items to ${flags.out}` +
          ` (${skippedCurrency} declarations in other currencies and ${invalid} invalid records left out)\n`,
      );
    });
}

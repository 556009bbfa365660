import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { PriceBandTable } from '../../../core/rules/price-bands.ts';
import { INPUT_FORMATS, type InputFormat } from '../../../driven/input/input-record.ts';
import { sniffFormat } from '../../../driven/input/read-records.ts';
import { observationsFrom } from '../../../installation/price-bands.ts';
import { UsageError } from '../usage-error.ts';

interface BandsFlags {
  format?: InputFormat;
  currency: string;
  out: string;
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

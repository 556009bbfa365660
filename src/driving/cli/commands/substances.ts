import type { Command } from 'commander';
import { EnvironmentError } from '../../../core/environment/environment-error.ts';
import { lookupSubstance } from '../../../core/environment/substances.ts';
import { environmentReference } from '../../../driven/reference/environment-reference.ts';
import { environmentDir } from '../../../installation/config.ts';

/**
 * `greenlane substances show <name>`: a Montreal Protocol controlled substance or refrigerant
 * blend by chemical name, common name or R-number (case, spaces and hyphens ignored), printed as
 * `{"name","annex","group","odp","gwp"}` with the Protocol's figures; a blend's ODP and GWP are the
 * mass-weighted sums of its components'. An unknown name exits 1 with the reason and near names.
 */
export function registerSubstancesCommand(program: Command): void {
  const substances = program
    .command('substances')
    .description('Montreal Protocol controlled substances and refrigerant blends (docs/ENVIRONMENT.md)');
  substances
    .command('show')
    .description(
      'Print {"name","annex","group","odp","gwp"} of a substance or blend (e.g. HCFC-22, Halon 1301, R-410A)',
    )
    .argument('<name>', 'chemical name, common name or R-number')
    .action((name: string) => {
      const found = lookupSubstance(environmentReference(environmentDir()).catalogue, name);
      if (!found.ok) throw new EnvironmentError('UNKNOWN_SUBSTANCE', found.reason);
      const { name: canonical, annex, group, odp, gwp } = found.figures;
      process.stdout.write(`${JSON.stringify({ name: canonical, annex, group, odp, gwp })}\n`);
    });
}

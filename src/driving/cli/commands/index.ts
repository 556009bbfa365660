import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { registerAlertsCommand } from './alerts.ts';
import { registerAssessCommand } from './assess.ts';
import { registerBandsCommand } from './bands.ts';
import { registerClusterCommands } from './cluster.ts';
import { registerConsignmentsCommand } from './consignments.ts';
import { registerGs1Command } from './gs1.ts';
import { registerHitsCommand } from './hits.ts';
import { registerKeysCommand } from './keys.ts';
import { registerListsCommand } from './lists.ts';
import { registerLogCommand } from './log.ts';
import { registerModelCommand } from './model.ts';
import { registerOverrideCommand } from './override.ts';
import { registerPartnersCommands } from './partners.ts';
import { registerPermitsCommand } from './permits.ts';
import { registerProductsCommand } from './products.ts';
import { registerProfilesCommand } from './profiles.ts';
import { registerReferenceCommand } from './reference.ts';
import { registerScreenCommand } from './screen.ts';
import { registerSeizuresCommand } from './seizures.ts';
import { registerSelectionCommand } from './selection.ts';
import { registerServeCommand } from './serve.ts';
import { registerSubstancesCommand } from './substances.ts';

/**
 * Every `greenlane` sub-command registers itself here, one module per command group
 * (`assess.ts`, `serve.ts`, `lists.ts`, `screen.ts`, `model.ts`, `log.ts`, ...).
 */
export function registerCommands(program: Command, context: CliContext = {}): void {
  registerAssessCommand(program);
  registerBandsCommand(program);
  registerReferenceCommand(program);
  registerModelCommand(program);
  registerServeCommand(program, context);
  registerKeysCommand(program);
  registerProfilesCommand(program);
  registerLogCommand(program);
  registerListsCommand(program);
  registerScreenCommand(program);
  registerHitsCommand(program);
  registerSelectionCommand(program);
  registerOverrideCommand(program);
  registerAlertsCommand(program, context);
  registerSeizuresCommand(program);
  registerPartnersCommands(program);
  registerSubstancesCommand(program);
  registerPermitsCommand(program);
  registerConsignmentsCommand(program);
  registerClusterCommands(program);
  registerGs1Command(program);
  registerProductsCommand(program);
}

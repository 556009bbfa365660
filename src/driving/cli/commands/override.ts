import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { overrideReasonProblem } from '../../../core/decision/decide.ts';
import { CHANNELS, type Channel } from '../../../core/decision/signal.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `greenlane override <declaration-id>`: an officer changes the channel of the current decision
 * with a reason, as `POST /v1/declarations/{id}/override` does, logged the same way. The channel
 * is a closed set and the reason is checked (well-formed Unicode, 3 to 2000 characters) before
 * anything is opened, so a bad value is a usage error naming the option and nothing is stored.
 */
export function registerOverrideCommand(program: Command): void {
  program
    .command('override')
    .description("Change the channel of a declaration's current decision, with the officer's reason")
    .argument('<declaration-id>', 'the declaration')
    .requiredOption('--administration <id>', 'administration (tenant) of the declaration')
    .addOption(new Option('--channel <channel>', 'the new channel').choices(CHANNELS).makeOptionMandatory())
    .requiredOption('--reason <text>', 'why (recorded with the decision and in the transparency log)')
    .option('--officer <name>', 'who decides (default: cli:<operating-system user>)')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (
        declarationId: string,
        opts: { administration: string; channel: Channel; reason: string; officer?: string; db: string },
      ) => {
        const problem = overrideReasonProblem(opts.reason);
        if (problem !== undefined) throw new UsageError(`--reason ${problem}`);
        const officer = opts.officer ?? `cli:${userInfo().username}`;
        try {
          // The logged store: the override is appended to the transparency log before this returns.
          const decision = await withInstallation(installationConfig(opts.db), {}, (inst) =>
            inst.store.overrideDecision(
              opts.administration,
              declarationId,
              { channel: opts.channel, reason: opts.reason },
              officer,
            ),
          );
          process.stdout.write(`${JSON.stringify(decision)}\n`);
        } catch (err) {
          if (err instanceof StoreError && (err.code === 'NOT_FOUND' || err.code === 'INVALID_INPUT')) {
            throw new UsageError(err.message);
          }
          throw err;
        }
      },
    );
}

import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';
import { UsageError } from './usage-error.ts';

/**
 * `greenlane` command line. Exit codes: 0 processed (rejects included), 1 fatal error, 2 bad usage.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('greenlane')
    .description('Greenlane: customs risk management — declarations in, decisions out.')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help/version or the usage problem.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`greenlane: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`greenlane: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.GREENLANE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}

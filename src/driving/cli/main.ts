import { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import { registerCommands } from './commands/index.ts';
import { errorText, exitCodeOf } from './exit-code.ts';

/**
 * `greenlane` command line. Exit codes (`exit-code.ts`): 0 processed (rejects included), 1 fatal
 * error, 2 bad usage.
 */
export async function main(argv: string[], context: CliContext = {}): Promise<void> {
  const program = new Command('greenlane')
    .description('Greenlane: customs risk management — declarations in, decisions out.')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program, context);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const text = errorText(err, Boolean(process.env.GREENLANE_DEBUG));
    if (text) process.stderr.write(text);
    process.exitCode = exitCodeOf(err);
  }
}

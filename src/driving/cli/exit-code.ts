import { CommanderError } from 'commander';
import { GreenlaneError } from '../../core/error.ts';

/** `greenlane` exit codes: 0 processed (rejects included), 1 fatal error, 2 bad usage. */
const EXIT_OK = 0;
const EXIT_FATAL = 1;
const EXIT_USAGE = 2;

/** Codes of coded errors (`GreenlaneError`) that mean the command was called wrongly. */
const USAGE_CODES: ReadonlySet<string> = new Set(['USAGE']);

/** The exit code for an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  // commander already printed help/version or the usage problem.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (err instanceof GreenlaneError && USAGE_CODES.has(err.code)) return EXIT_USAGE;
  return EXIT_FATAL;
}

/**
 * What the CLI prints on stderr for an error: nothing for commander's own (already printed), else
 * the message, then one line per detail of a coded error; the stack only with `debug`.
 */
export function errorText(err: unknown, debug = false): string {
  if (err instanceof CommanderError) return '';
  let text = `greenlane: ${err instanceof Error ? err.message : String(err)}\n`;
  if (err instanceof GreenlaneError) {
    for (const d of err.details ?? []) text += `  ${d.path}: ${d.message}\n`;
  }
  const usage = err instanceof GreenlaneError && USAGE_CODES.has(err.code);
  if (debug && !usage && err instanceof Error) text += `${err.stack}\n`;
  return text;
}

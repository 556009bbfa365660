import type { Command } from 'commander';
import { GS, parseGs1 } from '../../../core/declaration/gs1.ts';

/**
 * `greenlane gs1 parse <text>`: reads a GS1 element string (parenthesised, or with FNC1 / GS
 * separators and an optional `]d2`-style symbology identifier) or a GS1 Digital Link URI and
 * prints `{"gtin","lot","expiry","serial"}` with the fields present, or the reason and exit 1.
 * A shell cannot always pass the GS byte, so the four characters `\x1d` stand for it (a
 * backslash is not in GS1's character set, so this never changes a valid code).
 */
export function registerGs1Command(program: Command): void {
  const gs1 = program.command('gs1').description('GS1 identifiers (GTIN, lot, expiry, serial)');
  gs1
    .command('parse')
    .argument('<text>', 'element string or Digital Link URI')
    .description('prints {"gtin","lot","expiry","serial"} (the fields present; expiry as YYYY-MM-DD)')
    .action((text: string) => {
      const ids = parseGs1(text.replaceAll('\\x1d', GS).replaceAll('\\x1D', GS), new Date());
      const out = {
        ...(ids.gtin !== undefined ? { gtin: ids.gtin } : {}),
        ...(ids.lot !== undefined ? { lot: ids.lot } : {}),
        ...(ids.expiry !== undefined ? { expiry: ids.expiry } : {}),
        ...(ids.serial !== undefined ? { serial: ids.serial } : {}),
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
}

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseProductsText } from '../../../core/medical/product.ts';
import { ProductRepository } from '../../../driven/store/product-repository.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { progressBar } from '../progress.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `greenlane products load <file>`: a rights holder's or regulator's products, with their lots
 * and serials, into an administration's medical product registry (docs/MEDICAL.md). JSON or
 * NDJSON; all or nothing per file, every problem named by record and field.
 */
export function registerProductsCommand(program: Command): void {
  const products = program.command('products').description('The medical product registry (issue 13)');
  products
    .command('load')
    .description(
      'Load products with their lots and serials (JSON array or NDJSON); prints {"products","lots","serials"}',
    )
    .argument('<file>', 'JSON or NDJSON file of products (docs/MEDICAL.md)')
    .option('--administration <id>', 'administration (tenant) whose registry it is', 'local')
    .option('--actor <name>', 'who loads them (in the audit log)', 'cli')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (file: string, flags: { administration: string; actor: string; db: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
      }
      const parsed = parseProductsText(text);
      if (!parsed.ok)
        throw new UsageError(`${file}: nothing loaded, ${parsed.issues.length} problem(s)`, {
          details: parsed.issues.map((i) => ({
            path: `record ${i.record}${i.path}`,
            code: 'invalid_product',
            message: i.message,
          })),
        });
      const summary = await withInstallation(installationConfig(flags.db), {}, async (inst) => {
        await inst.store.ensureAdministration(flags.administration, flags.administration);
        const bar = progressBar(parsed.products.length, 'products');
        try {
          return await new ProductRepository(inst.conn).load(
            flags.administration,
            parsed.products,
            flags.actor,
            (done) => bar.update(done),
          );
        } finally {
          bar.stop();
        }
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

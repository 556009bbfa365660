import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { StoreError } from '../../../driven/database/store-error.ts';
import { API_KEY_ROLES, type ApiKeyRole } from '../../../driven/store/api-key-records.ts';
import type { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

/** Who ran the command, for the audit log (the operating-system user at the server). */
function cliActor(): string {
  return `cli:${userInfo().username}`;
}

function withStore<T>(url: string, run: (store: DeclarationStore) => Promise<T>): Promise<T> {
  return withInstallation(installationConfig(url), { log: false }, (inst) => run(inst.store));
}

/**
 * `greenlane keys create|list|revoke`: API keys for the HTTP API, each bound to one administration
 * and one role. The secret is printed once; only its SHA-256 is stored.
 */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys of the HTTP API');
  keys
    .command('create')
    .description('Create an API key (and the administration if new); prints {"id","secret",...} as JSON once')
    .requiredOption('--administration <id>', 'administration (tenant) the key is bound to')
    .addOption(
      new Option('--role <role>', 'what the key may do').choices(API_KEY_ROLES).makeOptionMandatory(),
    )
    .requiredOption('--label <text>', 'who or what holds the key ("Rotterdam desk 3", "clearance system")')
    .option('--name <text>', 'display name of a new administration (default: its id)')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(
      async (opts: {
        administration: string;
        role: ApiKeyRole;
        label: string;
        name?: string;
        db: string;
      }) => {
        const created = await withStore(opts.db, async (store) => {
          await store.ensureAdministration(opts.administration, opts.name ?? opts.administration);
          return store
            .createApiKey(opts.administration, opts.label, opts.role, cliActor())
            .catch(usageOnInvalid);
        });
        process.stdout.write(
          `${JSON.stringify({ id: created.id, secret: created.secret, administration: opts.administration, role: opts.role, label: opts.label })}\n`,
        );
        process.stderr.write(
          'greenlane: API key created; the secret is shown this once and cannot be recovered\n',
        );
      },
    );
  keys
    .command('list')
    .description(
      'List API keys, one JSON line each: id, administration, role, name, createdAt, lastUsedAt, revokedAt (never the secret)',
    )
    .option('--administration <id>', 'only the keys of this administration')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (opts: { administration?: string; db: string }) => {
      const list = await withStore(opts.db, (store) => store.listApiKeys(opts.administration));
      for (const key of list) process.stdout.write(`${JSON.stringify(key)}\n`);
      if (list.length === 0) process.stderr.write('greenlane: no API keys\n');
    });
  keys
    .command('revoke')
    .description('Revoke an API key at once (requests with it get 401)')
    .argument('<key-id>', 'the key id (the "id" printed by keys create; also in request logs)')
    .requiredOption('--administration <id>', 'administration the key is bound to')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (keyId: string, opts: { administration: string; db: string }) => {
      await withStore(opts.db, (store) =>
        store.revokeApiKey(opts.administration, keyId, cliActor()).catch(usageOnInvalid),
      );
      process.stderr.write(`greenlane: API key ${keyId} revoked\n`);
    });
}

/** A value the store refuses (empty label, unknown key) is the user's mistake: exit code 2. */
function usageOnInvalid(err: unknown): never {
  if (err instanceof StoreError && (err.code === 'INVALID_INPUT' || err.code === 'NOT_FOUND')) {
    throw new UsageError(err.message);
  }
  throw err;
}

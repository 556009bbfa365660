import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { FederationError } from '../../../driven/federation/federation-error.ts';
import { PartnerStore } from '../../../driven/federation/partner-store.ts';
import {
  DEFAULT_ADMINISTRATION,
  defaultDatabaseUrl,
  installationConfig,
} from '../../../installation/config.ts';
import { federationIdentity, federationUrl } from '../../../installation/federation.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

interface AddFlags {
  name: string;
  url: string;
  publicKey: string;
  administration: string;
  pull?: boolean;
  pullFrom?: boolean;
  feedKey?: string;
  db: string;
}

/** A partner or identity problem the operator can fix: exit code 2 with the message. */
function usageOnInvalid(err: unknown): never {
  if (err instanceof FederationError && (err.code === 'INVALID_INPUT' || err.code === 'CONFLICT'))
    throw new UsageError(err.message);
  throw err;
}

/**
 * `greenlane identity` and `greenlane partners add|list|lot-usage`: this installation as partners know it,
 * and the partners it shares with (docs/SHARING.md).
 */
export function registerPartnersCommands(program: Command): void {
  program
    .command('identity')
    .description('Print this installation\'s federation identity as JSON: {"name","publicKey","url"}')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (opts: { db: string }) => {
      const config = installationConfig(opts.db);
      const env = config.env;
      const { identity, url } = await withInstallation(config, { log: false }, async (inst) => ({
        identity: await federationIdentity(inst.conn, env).catch(usageOnInvalid),
        url: await federationUrl(inst.conn, env),
      }));
      process.stdout.write(
        `${JSON.stringify({ name: identity.name, publicKey: identity.publicKey, url })}\n`,
      );
    });

  const partners = program
    .command('partners')
    .description('Add and list the installations this one shares with');
  partners
    .command('add')
    .description('Add a partner installation (what it sends goes to --administration); prints it as JSON')
    .requiredOption('--name <name>', 'the partner\'s name (its "greenlane identity" name)')
    .requiredOption('--url <url>', 'its base URL (its inbox is <url>/v1/federation/inbox)')
    .requiredOption('--public-key <key>', 'its publicKey from "greenlane identity" (Ed25519, base64)')
    .option(
      '--administration <id>',
      'administration its items go to and that may share with it (default: the one "greenlane assess" uses)',
      DEFAULT_ADMINISTRATION,
    )
    .option(
      '--pull',
      'the partner accepts no inbound connection: it reads what is shared with it from the feed',
    )
    .option(
      '--pull-from',
      "this installation accepts no inbound connection: read the partner's feed (needs --feed-key)",
    )
    .option(
      '--feed-key <key>',
      'a partner-role API key the partner created for this installation (with --pull-from)',
    )
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (opts: AddFlags) => {
      if (opts.pullFrom && !opts.feedKey) throw new UsageError('--pull-from needs --feed-key');
      if (opts.feedKey && !opts.pullFrom) throw new UsageError('--feed-key goes with --pull-from');
      const added = await withInstallation(installationConfig(opts.db), { log: false }, async (inst) => {
        await inst.store.ensureAdministration(opts.administration, opts.administration);
        const self = await federationIdentity(inst.conn, inst.config.env).catch(usageOnInvalid);
        return new PartnerStore(inst.conn)
          .add(
            {
              name: opts.name,
              url: opts.url,
              publicKey: opts.publicKey,
              administration: opts.administration,
              pull: opts.pull === true,
              ...(opts.pullFrom && opts.feedKey ? { pullFrom: { feedKey: opts.feedKey } } : {}),
              addedBy: `cli:${userInfo().username}`,
            },
            self,
          )
          .catch(usageOnInvalid);
      });
      process.stdout.write(`${JSON.stringify(added)}\n`);
    });
  partners
    .command('lot-usage')
    .description(
      'Send (or, with --off, stop sending) the administration\'s cumulative medical lot usage to a partner; prints {"name","administration","shareLotUsage"}',
    )
    .requiredOption('--name <name>', 'the partner')
    .option('--administration <id>', 'the administration the partner belongs to', DEFAULT_ADMINISTRATION)
    .option('--off', 'stop sending it')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (opts: { name: string; administration: string; off?: boolean; db: string }) => {
      const on = opts.off !== true;
      const found = await withInstallation(installationConfig(opts.db), { log: false }, (inst) =>
        new PartnerStore(inst.conn).setLotUsageSharing(opts.administration, opts.name, on),
      );
      if (!found) throw new UsageError(`no partner ${opts.name} of administration ${opts.administration}`);
      process.stdout.write(
        `${JSON.stringify({ name: opts.name, administration: opts.administration, shareLotUsage: on })}\n`,
      );
    });
  partners
    .command('list')
    .description('List partners, one JSON line each')
    .option('--administration <id>', 'only the partners of this administration')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (opts: { administration?: string; db: string }) => {
      const list = await withInstallation(installationConfig(opts.db), { log: false }, (inst) =>
        new PartnerStore(inst.conn).list(opts.administration),
      );
      for (const p of list) process.stdout.write(`${JSON.stringify(p)}\n`);
      if (list.length === 0) process.stderr.write('greenlane: no partners\n');
    });
}

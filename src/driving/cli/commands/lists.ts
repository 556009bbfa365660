import type { Command } from 'commander';
import { LIST_SOURCES, type ListSource } from '../../../core/screening/entity.ts';
import { loadCountryResolver } from '../../../driven/lists/country-resolver.ts';
import { ListLoadError, loadList, OFFICIAL_URLS } from '../../../driven/lists/list-sources.ts';
import { applyListUpdate } from '../../../driven/lists/screening-context.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

interface LoadFlags {
  source: string;
  from?: string;
  official?: boolean;
  db: string;
  by: string;
}

async function runLoad(flags: LoadFlags): Promise<void> {
  const source = flags.source.toLowerCase();
  if (source !== 'all' && !(LIST_SOURCES as readonly string[]).includes(source)) {
    throw new UsageError(`--source must be one of ${LIST_SOURCES.join(', ')} or all, not "${flags.source}"`);
  }
  const lists = source === 'all' ? [...LIST_SOURCES] : [source as ListSource];
  if (flags.from && lists.length > 1)
    throw new UsageError('--from needs a single --source (the path holds one list)');
  if (flags.official && flags.from) throw new UsageError('--official and --from are exclusive');
  const config = installationConfig(flags.db);
  const dataDirectory = config.dataDirectory;
  const resolveCountry = loadCountryResolver(dataDirectory);
  const report: unknown[] = [];
  await withInstallation(config, {}, async (inst) => {
    const store = inst.screeningStore;
    for (const list of lists) {
      const from = flags.official ? OFFICIAL_URLS[list] : flags.from;
      if (flags.official && !from) {
        process.stderr.write(
          `${list}: no official URL the loader can read without a token; load it with --from\n`,
        );
        continue;
      }
      const started = performance.now();
      let version: Awaited<ReturnType<typeof loadList>>;
      try {
        version = await loadList(list, { dataDirectory, resolveCountry, ...(from ? { from } : {}) });
      } catch (err) {
        if (
          err instanceof ListLoadError &&
          (err.code === 'LIST_NOT_FOUND' || err.code === 'LIST_UNSUPPORTED_FORMAT')
        ) {
          throw new UsageError(`${list}: ${err.message}`);
        }
        throw err;
      }
      const update = await applyListUpdate(store, version, { dataDirectory, loadedBy: flags.by });
      if (update.stored) {
        await inst.logRecords([
          {
            kind: 'list-version',
            recordId: update.versionId,
            administration: null,
            content: {
              type: 'list-version',
              list,
              versionId: update.versionId,
              sha256: version.sha256,
              publishedOn: version.publishedOn ?? null,
              entities: version.entities.length,
              previousVersion: update.previousVersionId ?? null,
              added: update.added,
              changed: update.changed,
              removed: update.removed,
              loadedBy: flags.by ?? null,
            },
          },
        ]);
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `${list}: ${update.stored ? 'stored' : 'already stored'} ${update.versionId} (${version.entities.length} entries, ${seconds} s)` +
          (update.stored
            ? `; since ${update.previousVersionId ?? 'nothing'}: +${update.added} ~${update.changed} -${update.removed}; ` +
              `${update.partiesRescreened} parties re-screened, ${update.newHits.length} new hits`
            : '') +
          '\n',
      );
      report.push({
        list,
        version: update.versionId,
        stored: update.stored,
        publishedOn: version.publishedOn,
        sha256: version.sha256,
        entities: version.entities.length,
        origin: version.origin,
        previousVersion: update.previousVersionId ?? null,
        added: update.added,
        changed: update.changed,
        removed: update.removed,
        partiesRescreened: update.partiesRescreened,
        newHits: update.newHits.map((h) => ({
          id: h.id,
          party: h.query,
          list: h.list,
          entityId: h.entityId,
          score: h.score,
          decision: h.decision,
        })),
      });
    }
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function runVersions(flags: { db: string }): Promise<void> {
  const versions = await withInstallation(installationConfig(flags.db), { log: false }, (inst) =>
    inst.screeningStore.listVersions(),
  );
  for (const v of versions) process.stdout.write(`${JSON.stringify(v)}\n`);
  process.stderr.write(`${versions.length} list versions stored\n`);
}

/** `greenlane lists load|versions`: sanctions list versions (dated, hashed, stored). */
export function registerListsCommand(program: Command): void {
  const lists = program
    .command('lists')
    .description('Sanctions lists: load new versions (with delta screening), show stored versions');
  lists
    .command('load')
    .description(
      'Load a list (or all four) from the data directory, a file/directory (--from) or the official URL (--official); store it as a dated, hashed version and re-screen stored parties against what changed',
    )
    .option('--source <list>', `un, ofac, eu, uk or all`, 'all')
    .option('--from <path>', 'file, directory or http(s) URL to read the list from')
    .option(
      '--official',
      `fetch from the official publication URL (${Object.keys(OFFICIAL_URLS).join(', ')})`,
    )
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .option('--by <name>', 'who loads the list (recorded with the version)', process.env.USER ?? 'cli')
    .action(async (flags: LoadFlags) => runLoad(flags));
  lists
    .command('versions')
    .description('Print the stored list versions as NDJSON, newest first')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (flags: { db: string }) => runVersions(flags));
}

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import pino from 'pino';
import { createAssessmentService } from '../../../app/assess.ts';
import { dataDir, defaultDatabaseUrl } from '../../../app/config.ts';
import { LoggedDeclarationStore, logDecisions } from '../../../app/ledger-recording.ts';
import { priceBandsFrom } from '../../../app/price-bands.ts';
import { openRiskSources } from '../../../app/risk-sources.ts';
import {
  assessmentDeps,
  DEFAULT_PROFILES_DIR,
  defaultSelectionPolicy,
  storeProfiles,
} from '../../../app/runtime.ts';
import { openTransparencyLog, openWitness } from '../../../app/transparency-log.ts';
import type { PriceBandLookup } from '../../../core/rules/price-bands.ts';
import { loadCountryResolver } from '../../lists/country-resolver.ts';
import { loadProfiles } from '../../profiles/load-profiles.ts';
import { createApp, DEFAULT_BODY_LIMIT_BYTES } from '../../server/app.ts';
import {
  createDemoKey,
  DEMO_ADMINISTRATION,
  demoDeclarationsFile,
  demoTrainingFile,
  seedDemoQueue,
} from '../../server/demo.ts';
import { greenlaneRoutes } from '../../server/routes/index.ts';
import { openDatabase } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { UsageError } from '../usage-error.ts';

/** Declarations the demo queue is seeded with: enough for every channel, quick to assess. */
const DEMO_SEED_SIZE = 2000;

interface ServeOptions {
  port: string;
  host: string;
  db: string;
  demo?: boolean;
  bodyLimit: string;
  profiles: string;
  screening: boolean;
}

function integerOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** `greenlane serve`: the HTTP API, the OpenAPI document and the web queue page. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API (OpenAPI at /openapi.json) and the web queue page at /')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--db <url>', 'database URL (sqlite:<file> or postgres://...)', defaultDatabaseUrl())
    .option(
      '--demo',
      'create the demo administration and print an API key; seed demo declarations when its queue is empty',
    )
    .option('--body-limit <bytes>', 'largest accepted request body', String(DEFAULT_BODY_LIMIT_BYTES))
    .option('--no-screening', 'do not screen parties and vessels against the sanctions lists')
    .option('--profiles <dir>', 'directory of risk profile files (YAML/JSON)', DEFAULT_PROFILES_DIR)
    .action(async (opts: ServeOptions) => {
      const port = integerOption(opts.port, '--port', 0, 65535);
      const bodyLimitBytes = integerOption(opts.bodyLimit, '--body-limit', 1024, 1024 * 1024 * 1024);
      // One JSON line per request on stdout; GREENLANE_LOG_LEVEL=warn keeps only failures.
      const logger = pino({ name: 'greenlane', level: process.env.GREENLANE_LOG_LEVEL ?? 'info' });
      const profiles = loadProfiles(opts.profiles);
      const conn = openDatabase(opts.db);
      await migrateToLatest(conn);
      const log = await openTransparencyLog(conn, {
        onError: (err) => logger.error({ err }, 'transparency log'),
      });
      const store = new LoggedDeclarationStore(conn, log);
      await storeProfiles(store, 'greenlane serve', profiles);
      const policy = defaultSelectionPolicy();
      const risk = await openRiskSources({
        databaseUrl: opts.db,
        conn,
        screening: opts.screening,
        recordParties: true,
        policy,
      });
      for (const line of risk.describe) process.stderr.write(`greenlane: ${line}\n`);
      let priceBands: PriceBandLookup | undefined;
      if (opts.demo && !process.env.GREENLANE_PRICE_BANDS) {
        // The demo's declarations are in KRW: bands from the data set's training year.
        const train = demoTrainingFile(dataDir());
        if (train) priceBands = await priceBandsFrom(train, 'customs-csv', 'KRW');
      }
      const { assess } = createAssessmentService({
        ...assessmentDeps({
          store,
          profilesDir: opts.profiles,
          loadedProfiles: profiles,
          policy,
          sources: risk.sources,
          ...(priceBands ? { priceBands } : {}),
        }),
        afterSave: [risk.afterSave, logDecisions(log)],
      });

      let demoKey: string | undefined;
      if (opts.demo) {
        demoKey = (await createDemoKey(store)).secret;
        const file = demoDeclarationsFile(dataDir());
        const started = performance.now();
        const seeded = await seedDemoQueue(store, assess, file, DEMO_SEED_SIZE);
        if (seeded) {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stderr.write(
            `greenlane: seeded ${seeded.accepted} demo declarations (${seeded.rejected} rejected) in ${seconds} s\n`,
          );
        }
      }

      const app = createApp({
        authenticate: store.authenticate,
        routes: greenlaneRoutes({
          conn,
          store,
          assess,
          log: { log, witness: openWitness(conn) },
          ...(risk.screening
            ? {
                screening: {
                  index: () => risk.screening!.index,
                  store: risk.screening.store,
                  resolveCountry: loadCountryResolver(dataDir()),
                  isCleared: risk.screening.isCleared,
                  recordHits: risk.screening.recordHits,
                  onAdjudicated: () => log.drainRecords(),
                },
              }
            : {}),
        }),
        logger,
        bodyLimitBytes,
      });
      const server = serve({ fetch: app.fetch, port, hostname: opts.host });
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      process.stderr.write(`greenlane: serving http://${host}:${address.port}/ (OpenAPI at /openapi.json)\n`);
      if (demoKey) {
        process.stderr.write(
          `greenlane: demo administration ${DEMO_ADMINISTRATION}, API key (shown once): ${demoKey}\n` +
            `greenlane: open the queue signed in: http://${host === '127.0.0.1' || host === '[::1]' ? 'localhost' : host}:${address.port}/#key=${demoKey}\n`,
        );
      }

      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write('greenlane: shutting down\n');
          server.close(() => resolve());
          // Idle keep-alive connections would otherwise hold the shutdown for their timeout.
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await risk.close();
      await log.close();
      await conn.close();
    });
}

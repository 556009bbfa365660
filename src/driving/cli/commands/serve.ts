import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import type { PriceBandLookup } from '../../../core/rules/price-bands.ts';
import { NatsBus } from '../../../driven/bus/nats-bus.ts';
import type { PartyScreener, ScreeningPool } from '../../../driven/lists/screening-pool.ts';
import { busIntake } from '../../../installation/bus-intake.ts';
import {
  defaultDatabaseUrl,
  installationConfig,
  type RateLimits,
  rateLimits,
  screeningWorkers,
} from '../../../installation/config.ts';
import { openConsignmentLaneService } from '../../../installation/consignment-lane.ts';
import {
  type AssessmentOptions,
  type Installation,
  openInstallation,
} from '../../../installation/installation.ts';
import { priceBandsFrom } from '../../../installation/price-bands.ts';
import { DEFAULT_PROFILES_DIR, seedProfiles } from '../../../installation/runtime.ts';
import { createApp, DEFAULT_BODY_LIMIT_BYTES } from '../../http/app.ts';
import {
  createDemoKey,
  DEMO_ADMINISTRATION,
  demoDeclarationsFile,
  demoTrainingFile,
  seedDemoQueue,
} from '../../http/demo.ts';
import { HttpMetrics } from '../../http/http-metrics.ts';
import { startOpsServer } from '../../http/ops-server.ts';
import { greenlaneRoutes } from '../../http/routes/index.ts';
import { ensureWebBuild } from '../../http/web/web-build.ts';
import { loadWebAssets, type WebAssets } from '../../http/web/web-routes.ts';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../usage-error.ts';

/** Declarations the demo queue is seeded with: enough for every channel, quick to assess. */
const DEMO_SEED_SIZE = 2000;

interface ServeOptions {
  port: string;
  nats?: string;
  prefix: string;
  opsPort?: string;
  opsHost: string;
  host: string;
  db: string;
  demo?: boolean;
  bodyLimit: string;
  profiles: string;
  screening: boolean;
  web?: boolean;
}

/**
 * The workbench to serve: built now when its sources changed since the last build (never a stale
 * one); with `--no-web-build` a missing or stale build stops the start instead.
 */
async function workbench(rebuild: boolean): Promise<WebAssets> {
  const started = performance.now();
  const { outDir, info, built } = await ensureWebBuild({
    rebuild,
    onBuild: (reason) =>
      process.stderr.write(
        `greenlane: building the workbench (${reason === 'stale' ? 'its sources changed' : 'first start'})…\n`,
      ),
  });
  if (built)
    process.stderr.write(
      `greenlane: workbench built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  return loadWebAssets(outDir, info);
}

function integerOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** `greenlane serve`: the HTTP API, the OpenAPI document and the web queue page. */
export function registerServeCommand(program: Command, context: CliContext = {}): void {
  program
    .command('serve')
    .description('Run the HTTP API (OpenAPI at /openapi.json) and the workbench at /')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--db <url>', 'database URL (sqlite:<file> or postgres://...)', defaultDatabaseUrl())
    .option(
      '--demo',
      'create the demo administration (its admin API key printed at the first start only); seed demo declarations when its queue is empty',
    )
    .option('--body-limit <bytes>', 'largest accepted request body', String(DEFAULT_BODY_LIMIT_BYTES))
    .option('--no-screening', 'do not screen parties and vessels against the sanctions lists')
    .option('--profiles <dir>', 'directory of risk profile files (YAML/JSON)', DEFAULT_PROFILES_DIR)
    .option(
      '--nats <url>',
      "take POST /v1/declarations through NATS JetStream for the cluster's workers (env GREENLANE_NATS_URL; docs/SCALING.md)",
      process.env.GREENLANE_NATS_URL,
    )
    .option(
      '--prefix <prefix>',
      'prefix of the stream and subject names (env GREENLANE_BUS_PREFIX)',
      process.env.GREENLANE_BUS_PREFIX ?? 'greenlane',
    )
    .option('--ops-port <port>', 'port of /healthz, /readyz and /metrics without a key (off when absent)')
    .option('--ops-host <host>', 'interface of the operations port', '127.0.0.1')
    .option(
      '--no-web-build',
      'refuse to start when the workbench build is missing or older than web/ (no bundler run)',
    )
    .action(async (opts: ServeOptions) => {
      const port = integerOption(opts.port, '--port', 0, 65535);
      if (opts.opsPort !== undefined) integerOption(opts.opsPort, '--ops-port', 0, 65535);
      const bodyLimitBytes = integerOption(opts.bodyLimit, '--body-limit', 1024, 1024 * 1024 * 1024);
      let limits: RateLimits;
      let workers: number;
      try {
        limits = rateLimits();
        workers = screeningWorkers();
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      // One JSON line per request on stdout; GREENLANE_LOG_LEVEL=warn keeps only failures.
      const logger = pino({ name: 'greenlane', level: process.env.GREENLANE_LOG_LEVEL ?? 'info' });
      const config = installationConfig(opts.db);
      // Before anything is opened: a build that fails stops the start with its message.
      const web = await workbench(opts.web !== false);
      let priceBands: PriceBandLookup | undefined;
      if (opts.demo && !process.env.GREENLANE_PRICE_BANDS) {
        // The demo's declarations are in KRW: bands from the data set's training year.
        const train = demoTrainingFile(config.dataDirectory);
        if (train) priceBands = await priceBandsFrom(train, 'customs-csv', 'KRW');
      }
      const inst = await openInstallation(config, {
        log: { onError: (err: unknown) => logger.error({ err }, 'transparency log') },
        screening: opts.screening,
        ...(context.sharing ? { sharing: context.sharing } : {}),
        federation: {
          worker: {
            onError: (err: unknown, partner: string) =>
              logger.warn({ err: (err as Error).message, partner }, 'federation delivery'),
          },
        },
        assessment: {
          profilesDir: opts.profiles,
          profiles: 'stored',
          actor: 'greenlane serve',
          ...(priceBands ? { priceBands } : {}),
        },
      });
      try {
        await serveInstallation(inst, opts, { port, bodyLimitBytes, limits, workers, logger, web });
      } finally {
        await inst.close();
      }
    });
}

type ServedInstallation = Installation<{
  log: { onError: (err: unknown) => void };
  screening: boolean;
  assessment: AssessmentOptions;
}>;

/** Seeds the demo when asked, listens, and returns when a signal asks the server to stop. */
async function serveInstallation(
  inst: ServedInstallation,
  opts: ServeOptions,
  settings: {
    port: number;
    bodyLimitBytes: number;
    limits: RateLimits;
    workers: number;
    logger: Logger;
    web: WebAssets;
  },
): Promise<void> {
  const { store, log, assessment } = inst;
  const { assess } = assessment;
  const { workers, logger } = settings;
  if (assessment.seeded.length > 0)
    process.stderr.write(`greenlane: profiles from ${opts.profiles} for ${assessment.seeded.join(', ')}\n`);
  for (const line of assessment.describe) process.stderr.write(`greenlane: ${line}\n`);
  // POST /v1/screen scores names in worker threads, so a large request never stalls the API.
  // The pool opens as soon as the server listens (not to slow the start, the demo seeding
  // included); screening requests wait until its workers have built their index.
  let screeningPool: ScreeningPool | undefined;
  const pooled: PartyScreener = { screen: (queries) => screeningPool!.screen(queries) };
  if (inst.screening)
    process.stderr.write(
      `greenlane: screening API: ${workers > 0 ? `${workers} worker thread(s)` : 'on the event loop (GREENLANE_SCREENING_WORKERS=0)'}\n`,
    );

  let demoKey: Awaited<ReturnType<typeof createDemoKey>> | undefined;
  if (opts.demo) {
    demoKey = await createDemoKey(store);
    // The demo administration may have been created just now, after the seeding at the start.
    await seedProfiles(store, [DEMO_ADMINISTRATION], 'greenlane serve', assessment.profiles);
    const file = demoDeclarationsFile(inst.config.dataDirectory);
    const started = performance.now();
    const seeded = await seedDemoQueue(store, assess, file, DEMO_SEED_SIZE);
    if (seeded) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `greenlane: seeded ${seeded.accepted} demo declarations (${seeded.rejected} rejected) in ${seconds} s\n`,
      );
    }
  }

  const { screening, resolveCountry } = inst;
  const ecommerce = openConsignmentLaneService({
    dataDirectory: inst.config.dataDirectory,
    ...(screening ? { screening: screening.index } : {}),
    conn: inst.conn,
    model: 'lazy',
  });
  for (const line of ecommerce.describe) process.stderr.write(`greenlane: ${line}\n`);
  const federation = inst.federation;
  if (!federation) throw new Error('greenlane serve opens federation with the log');
  // With NATS, declarations go on the intake stream and the cluster's workers decide them.
  const bus = opts.nats ? await NatsBus.open({ url: opts.nats, prefix: opts.prefix }) : undefined;
  if (bus) process.stderr.write(`greenlane: declarations through NATS at ${opts.nats} (${opts.prefix})\n`);
  const metrics = new HttpMetrics(bus ? { intakeDepth: () => bus.intakeDepth() } : {});
  const app = createApp({
    metrics,
    authenticate: store.authenticate,
    routes: greenlaneRoutes({
      conn: inst.conn,
      store,
      assess,
      log: { log, witness: inst.witness() },
      alerts: inst.alerts,
      profiles: {
        reference: assessment.reference,
        ...(assessment.priceBands ? { priceBands: assessment.priceBands } : {}),
      },
      federation,
      consignments: { service: ecommerce.service, repository: ecommerce.repository! },
      web: settings.web,
      ...(bus
        ? {
            intake: busIntake({ bus, db: inst.conn.db, stream: opts.prefix.toUpperCase() }),
            busPing: () => bus.ping(),
          }
        : {}),
      sharing: {
        ...(inst.outbox ? { outbox: inst.outbox } : {}),
        memberName: () => federation.identity.name,
        alertFeedback: async (administration, alertIds) => {
          const all = await Promise.all(
            alertIds.map((id) => inst.alerts.feedbackOf(administration, id).catch(() => [])),
          );
          return all.flat().map((f) => ({ ...f.feedback, alertId: f.alertId }));
        },
      },
      ...(screening && resolveCountry
        ? {
            screening: {
              index: () => screening.index,
              ...(workers > 0 ? { screener: pooled } : {}),
              store: screening.store,
              resolveCountry,
              refresh: screening.refresh,
              isCleared: screening.isCleared,
              recordHits: screening.recordHits,
              onAdjudicated: () => log.drainRecords(),
            },
          }
        : {}),
    }),
    logger,
    bodyLimitBytes: settings.bodyLimitBytes,
    rateLimits: settings.limits,
  });
  const server = serve({ fetch: app.fetch, port: settings.port, hostname: opts.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  if (inst.startScreeningPool && workers > 0) {
    screeningPool = inst.startScreeningPool(workers);
    screeningPool.ready.catch((err) => logger.error({ err }, 'screening worker'));
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stderr.write(`greenlane: serving http://${host}:${address.port}/ (OpenAPI at /openapi.json)\n`);
  const ops =
    opts.opsPort === undefined
      ? undefined
      : await startOpsServer({
          port: Number(opts.opsPort),
          host: opts.opsHost,
          registry: metrics.registry,
          ready: async () => ({
            database: await sql`select 1`
              .execute(inst.conn.db)
              .then(() => true)
              .catch(() => false),
            ...(bus ? { bus: await bus.ping() } : {}),
          }),
        });
  if (ops) process.stderr.write(`greenlane: operations on http://${opts.opsHost}:${ops.port}/metrics\n`);
  if (demoKey && 'created' in demoKey) {
    const secret = demoKey.created.secret;
    process.stderr.write(
      `greenlane: demo administration ${DEMO_ADMINISTRATION}, API key (shown once): ${secret}\n` +
        `greenlane: open the queue signed in: http://${host === '127.0.0.1' || host === '[::1]' ? 'localhost' : host}:${address.port}/#key=${secret}\n`,
    );
  } else if (demoKey) {
    process.stderr.write(
      `greenlane: demo API key ${demoKey.existingId} was minted at this installation's first start and shown then ` +
        `(greenlane keys list); for another: greenlane keys create --administration ${DEMO_ADMINISTRATION} --role admin --label <who>\n`,
    );
  }

  // After the lines scripts wait for (the URL, the demo key): recording the URL writes to the database.
  await federation.servedAt(`http://${host}:${address.port}`);
  federation.worker.start();
  process.stderr.write(
    `greenlane: federation: ${federation.identity.name} at ${federation.url()} (greenlane identity)\n`,
  );

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
  await federation.worker.stop();
  await ops?.close();
  await bus?.close();
}

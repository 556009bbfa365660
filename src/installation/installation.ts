import type { StoreConnection } from '../driven/database/database.ts';
import { openDatabase } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import type { Outbox } from '../driven/federation/sharing-port.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import type { WitnessService } from '../driven/ledger/witness-service.ts';
import { type CountryResolver, loadCountryResolver } from '../driven/lists/country-resolver.ts';
import { loadScreeningContext, type ScreeningContext } from '../driven/lists/screening-context.ts';
import { openScreeningPool, type ScreeningPool } from '../driven/lists/screening-pool.ts';
import { createLotUsageSender, type LotUsageSender } from '../driven/medical/lot-usage-sharing.ts';
import { ModelRegistry } from '../driven/model/model-registry.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import {
  type LedgerRecordInput,
  type RecordKind,
  writeLedgerRecords,
} from '../driven/store/ledger-records.ts';
import { ScreeningStore } from '../driven/store/screening-store.ts';
import { AlertService } from './alert-service.ts';
import { type Assessment, type AssessmentOptions, openAssessment, prepareAssessment } from './assessment.ts';
import type { InstallationConfig } from './config.ts';
import { type Federation, openFederation } from './federation.ts';
import { LoggedDeclarationStore } from './ledger-recording.ts';
import { openTransparencyLog, openWitness } from './transparency-log.ts';

export type { Assessment, AssessmentOptions } from './assessment.ts';

/** Which sanctions lists the screening index is built from (`greenlane screen --source --lists`). */
export interface ScreeningOptions {
  /** `store`: the latest stored list versions; `data`: the data directory; `auto` (default): store if any. */
  source?: 'auto' | 'store' | 'data';
  /** Comma-separated list names (`un,ofac`); default all. */
  lists?: string;
}

export interface LogOptions {
  /** Where background failures go (a witness refusing, a drain retried); default: dropped. */
  onError?: (err: unknown) => void;
  /**
   * Sign a checkpoint of what this process appended when the installation closes (default true).
   * The inspecting `greenlane log` commands turn it off: they wait for the log, they sign nothing.
   */
  finalCheckpoint?: boolean;
}

/** What to open beyond the database and its stores. */
export interface OpenOptions {
  /** The transparency log, with the store wrapped so overrides, outcomes and profile changes are logged (default on). */
  log?: boolean | LogOptions;
  /** The sanctions-list screening index (default off); the assessment screens with it when it is open. */
  screening?: boolean | ScreeningOptions;
  /** The assessment pipeline: profiles, risk sources (screening when open, models), the service. */
  assessment?: AssessmentOptions;
  /**
   * Sharing with partners (issue 11): another outbox than federation's (tests). By default, an
   * installation with its log open opens federation (identity, partners, outbox, inbox, feed and
   * the delivery worker, which `greenlane serve` starts), and alerts, seizures and groups share
   * through its outbox; without the log nothing can be shared (`SHARING_UNAVAILABLE`).
   */
  sharing?: SharingOptions;
  /** Options of federation's delivery worker (where its failures are reported). */
  federation?: { worker?: FederationWorkerOptions };
}

/** What `greenlane serve` may set on the delivery worker. */
export type FederationWorkerOptions = Parameters<typeof openFederation>[0]['worker'];

export interface SharingOptions {
  /** Opens the outbox over the installation's database and transparency log. */
  outbox(parts: { conn: StoreConnection; log?: TransparencyLog }): Outbox;
}

/** The parts every installation has. */
export interface InstallationCore {
  config: InstallationConfig;
  conn: StoreConnection;
  /** Names of the migrations this open applied (empty when the schema was already the latest). */
  migrated: string[];
  /** Declarations, decisions, profiles, API keys; logged (see `LoggedDeclarationStore`) when the log is open. */
  store: DeclarationStore;
  /** List versions, screened parties, hits, adjudications, good parties. */
  screeningStore: ScreeningStore;
  /** The model registry of one administration. */
  models(administration: string): ModelRegistry;
  /** This installation as a witness of partners' logs (its cosigner key created at first use). */
  witness(): WitnessService;
  /** Alerts: issued, received, amended, withdrawn, their feedback (sending needs `sharing`). */
  alerts: AlertService;
  /** The outbox alerts, seizures and groups share through: `sharing`'s, else federation's. */
  outbox?: Outbox;
  /** Federation (identity, partners, inbox, feed, delivery worker), when the log is open and no `sharing` replaced it. */
  federation?: Federation;
  /**
   * Releases everything that was opened, in the reverse order: screening pool, log (after a final
   * drain and checkpoint), database. Safe to call more than once.
   */
  close(): Promise<void>;
}

export interface LogPart {
  log: TransparencyLog;
  /**
   * For commands that store a record outside the store's own methods (a list version): stores
   * `records` with their pending log entries, appends every pending record of the installation,
   * and returns each given record's log index.
   */
  logRecords(records: readonly LedgerRecordInput[]): Promise<number[]>;
}

export interface ScreeningPart {
  screening: ScreeningContext;
  /** Country names and codes of screening queries to ISO 3166 alpha-2 (from the data directory). */
  resolveCountry: CountryResolver;
  /** Starts `size` screening worker threads over the index (see `openScreeningPool`); closed with the installation. */
  startScreeningPool(size: number): ScreeningPool;
}

type Opt<T> = { [K in keyof T]?: T[K] };
type None<T> = { [K in keyof T]?: undefined };
/** A part that is there when its option is on, absent when off, maybe when only known at run time. */
type Part<Flag, On, Default extends boolean> = [Flag] extends [false]
  ? None<On>
  : [Flag] extends [undefined]
    ? Default extends true
      ? On
      : None<On>
    : boolean extends Flag
      ? Opt<On>
      : On;

/** The value an options literal gives `K`; undefined when it does not name it. */
type Flag<O, K extends string> = O extends { [P in K]: infer V } ? V : undefined;

/** An open installation: the core, and the parts `options` asked for (typed accordingly). */
export type Installation<O extends OpenOptions> = InstallationCore &
  Part<Flag<O, 'log'>, LogPart, true> &
  Part<Flag<O, 'screening'> extends ScreeningOptions ? true : Flag<O, 'screening'>, ScreeningPart, false> &
  (Flag<O, 'assessment'> extends AssessmentOptions ? { assessment: Assessment } : { assessment?: undefined });

/** Things opened so far, closed in the reverse order; a failure in one does not stop the others. */
class OpenedResources {
  private readonly stack: Array<{ what: string; close: () => Promise<void> }> = [];
  private closing: Promise<void> | undefined;

  add(what: string, close: () => Promise<void>): void {
    this.stack.push({ what, close });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const failures: Error[] = [];
      for (const { what, close } of this.stack.reverse()) {
        try {
          await close();
        } catch (err) {
          failures.push(new Error(`closing the ${what} failed: ${(err as Error).message}`, { cause: err }));
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, failures.map((f) => f.message).join('; '));
    })();
    return this.closing;
  }
}

/**
 * The one composition root: opens an installation from its configuration. It opens the database
 * and migrates it (the only production call of `migrateToLatest`), opens the transparency log and
 * wraps the store, loads the screening index, stores the risk profiles, opens the risk sources and
 * creates the assessment service — each only when `options` ask for it. If any step fails,
 * whatever was opened is closed before the error is thrown.
 *
 * `greenlane serve`, every CLI command that touches the database, and the coming worker process
 * (issue 14) call this and nothing else to wire the parts.
 *
 * @example
 * // A worker that assesses batches from a queue: the same wiring as `greenlane serve`.
 * const inst = await openInstallation(installationConfig(process.env.GREENLANE_DB), {
 *   log: { onError: (err: unknown) => logger.error({ err }, 'transparency log') },
 *   screening: true,
 *   assessment: { profilesDir: DEFAULT_PROFILES_DIR, profiles: 'stored', actor: 'greenlane worker' },
 * });
 * try {
 *   for await (const batch of queue) await inst.assessment.assess(batch.administration, batch.records, batch.options);
 * } finally {
 *   await inst.close();
 * }
 *
 * @example
 * // A command that only needs the database.
 * const inst = await openInstallation(installationConfig(flags.db), { log: false });
 * try {
 *   await inst.store.listApiKeys();
 * } finally {
 *   await inst.close();
 * }
 */
export async function openInstallation<const O extends OpenOptions = Record<never, never>>(
  config: InstallationConfig,
  options?: O,
): Promise<Installation<O>> {
  const opts: OpenOptions = options ?? {};
  const opened = new OpenedResources();
  try {
    // Profile files are read before anything is opened: a broken file fails the start cleanly.
    const prepared = opts.assessment ? prepareAssessment(opts.assessment) : undefined;

    const conn = openDatabase(config.databaseUrl);
    opened.add('database', () => conn.close());
    const migrated = await migrateToLatest(conn);

    let log: TransparencyLog | undefined;
    if (opts.log !== false) {
      const logOptions: LogOptions = typeof opts.log === 'object' ? opts.log : {};
      const opening = await openTransparencyLog(conn, {
        env: config.env,
        ...(logOptions.onError ? { onError: logOptions.onError } : {}),
      });
      log = opening;
      opened.add('transparency log', () =>
        logOptions.finalCheckpoint === false ? opening.settle() : opening.close(),
      );
    }
    const store = log ? new LoggedDeclarationStore(conn, log) : new DeclarationStore(conn);
    const screeningStore = new ScreeningStore(conn.db);

    let screening: ScreeningContext | undefined;
    let screeningSeconds = 0;
    if (opts.screening) {
      const started = performance.now();
      const choice: ScreeningOptions = typeof opts.screening === 'object' ? opts.screening : {};
      screening = await loadScreeningContext(screeningStore, {
        dataDirectory: config.dataDirectory,
        source: choice.source ?? 'auto',
        ...(choice.lists ? { lists: choice.lists } : {}),
        ...(config.screeningCache ? { cache: config.screeningCache } : {}),
      });
      screeningSeconds = (performance.now() - started) / 1000;
    }

    // Set once the outbox is open below; recorded lot usage is shared from then on.
    let lotUsage: LotUsageSender | undefined;
    const assessment =
      opts.assessment && prepared
        ? await openAssessment(prepared, {
            config,
            conn,
            store,
            lotUsage: async (administration, uses) => lotUsage?.afterRecorded(administration, uses),
            ...(log ? { log } : {}),
            ...(screening ? { screening: { context: screening, seconds: screeningSeconds } } : {}),
          })
        : undefined;

    let outbox = opts.sharing?.outbox({ conn, ...(log ? { log } : {}) });
    let federation: Federation | undefined;
    if (!outbox && log) {
      federation = await openFederation({
        conn,
        log,
        env: config.env,
        ...(opts.federation?.worker ? { worker: opts.federation.worker } : {}),
      });
      const worker = federation.worker;
      opened.add('federation delivery worker', () => worker.stop());
      outbox = federation.outbox;
    }
    if (outbox) lotUsage = createLotUsageSender(conn, outbox);
    let witness: WitnessService | undefined;
    const installation: InstallationCore & Partial<LogPart & ScreeningPart> & { assessment?: Assessment } = {
      config,
      conn,
      migrated,
      store,
      screeningStore,
      models: (administration) => new ModelRegistry(conn.db, administration),
      witness: () => {
        witness ??= openWitness(conn, config.env);
        return witness;
      },
      close: () => opened.close(),
      alerts: new AlertService({ conn, ...(outbox ? { outbox } : {}) }),
      ...(outbox ? { outbox } : {}),
      ...(federation ? { federation } : {}),
      ...(assessment ? { assessment } : {}),
    };
    if (log) {
      const openLog = log;
      installation.log = openLog;
      installation.logRecords = async (records) => {
        if (records.length > 0)
          await conn.db.transaction().execute((trx) => writeLedgerRecords(trx, records));
        await openLog.drainRecords();
        const indexes: number[] = [];
        for (const r of records) {
          const index = await openLog.records.indexOf(r.kind as RecordKind, r.recordId);
          if (typeof index !== 'number')
            throw new Error(`the ${r.kind} record ${r.recordId} was not appended to the log`);
          indexes.push(index);
        }
        return indexes;
      };
    }
    if (screening) {
      const context = screening;
      installation.screening = context;
      installation.resolveCountry = loadCountryResolver(config.dataDirectory);
      installation.startScreeningPool = (size) => {
        const pool = openScreeningPool({
          index: context.index,
          dataDirectory: config.dataDirectory,
          size,
          ...(context.snapshot ? { snapshot: context.snapshot } : {}),
        });
        opened.add('screening pool', () => pool.close());
        return pool;
      };
    }
    return installation as Installation<O>;
  } catch (err) {
    try {
      await opened.close();
    } catch (closeErr) {
      throw new AggregateError(
        [err, closeErr],
        `${(err as Error).message} (and closing what was opened failed: ${(closeErr as Error).message})`,
      );
    }
    throw err;
  }
}

/**
 * Opens the installation, runs `run` with it and closes it, also when `run` throws: the shape of
 * a CLI command.
 *
 * @example
 * const keys = await withInstallation(installationConfig(flags.db), { log: false }, (inst) => inst.store.listApiKeys());
 */
export async function withInstallation<const O extends OpenOptions, T>(
  config: InstallationConfig,
  options: O,
  run: (installation: Installation<O>) => Promise<T>,
): Promise<T> {
  const installation = await openInstallation(config, options);
  try {
    return await run(installation);
  } finally {
    await installation.close();
  }
}

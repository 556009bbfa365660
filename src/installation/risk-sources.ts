import type { SavedAssessment, SignalSource } from '../app/assess.ts';
import type { SelectionKey, SelectionPolicy } from '../core/decision/selection-policy.ts';
import type { Declaration } from '../core/declaration/declaration.ts';
import type { EnvironmentReference } from '../core/environment/environment-reference.ts';
import { GreenlaneError } from '../core/error.ts';
import type { DeclaredUse } from '../core/medical/registry-view.ts';
import type { ModelTarget } from '../core/model/customs-record.ts';
import type { ReferenceData } from '../core/reference/reference-data.ts';
import {
  type DeclarationScreening,
  screenDeclarationParties,
  screeningSignals,
} from '../core/screening/signals.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import type { ScreeningContext } from '../driven/lists/screening-context.ts';
import { createProductSignalSource } from '../driven/medical/product-signal-source.ts';
import { ModelFileError, readModelFile } from '../driven/model/model-file.ts';
import { ModelRegistry, ModelRegistryError } from '../driven/model/model-registry.ts';
import { createModelSignalSource } from '../driven/model/model-signal-source.ts';
import { PermitRepository } from '../driven/store/permit-repository.ts';
import { createPermitSignalSource } from '../driven/store/permit-signal-source.ts';
import { ProductRepository } from '../driven/store/product-repository.ts';

/** Model probability at which a declaration needs a documentary check, and a physical inspection. */
export const MODEL_THRESHOLDS = { yellowAt: 0.5, redAt: 0.8 } as const;
/** Share of model selections drawn for exploration (issue: default 10%). */
export const EXPLORATION_SHARE = 0.1;

export type RiskSourceErrorCode = 'MODEL_UNREADABLE' | 'MODEL_REGISTRY_UNAVAILABLE';

/**
 * A risk source could not be opened or refreshed: an active model (or a `--model` file) that
 * cannot be read, or the database the registry lives in failing. It fails the start or the batch
 * that needed the source; "no active model" is not an error (profiles and screening decide).
 */
export class RiskSourceError extends GreenlaneError<RiskSourceErrorCode> {
  override name = 'RiskSourceError';
}

export interface RiskSources {
  sources: SignalSource[];
  /** Records what the sources need after a batch is stored (screened parties for delta screening). */
  afterSave(administration: string, saved: SavedAssessment[]): Promise<void>;
  /** One line per model for the startup log, e.g. "model: NL:fraud:v3 for NL". */
  describe: string[];
  screening?: ScreeningContext;
}

export interface RiskSourceOptions {
  /** The store connection, to find each administration's active model in the registry. */
  conn: StoreConnection;
  /** Screen parties and vessels against the sanctions lists of this context (none: no screening). */
  screening?: ScreeningContext;
  /** Record screened parties and hits so list updates re-screen them (delta screening). */
  recordParties?: boolean;
  /** A model file for every administration (CLI); otherwise the registry's active models. */
  modelFile?: string;
  policy: SelectionPolicy;
  /** The secret key exploration draws from (as random selection does). */
  selectionKey: SelectionKey;
  /**
   * Check the permits, licences and quotas of environmentally sensitive goods against the
   * register (docs/ENVIRONMENT.md) with these reference tables; no permit checks when absent.
   */
  permitChecks?: { reference: ReferenceData; environment: EnvironmentReference };
  /**
   * Check goods items against each administration's medical product registry (issue 13), with
   * this reference data for the fast lane's `medical` HS flags; no product checks when absent.
   */
  products?: {
    reference: ReferenceData;
    /** Record declared serials and lot units once stored. */
    record: boolean;
    /** After they are recorded: send the administration's lot usage to opted-in partners. */
    onRecorded?: (administration: string, uses: readonly DeclaredUse[]) => Promise<unknown>;
  };
}

const MODEL_TARGETS: readonly ModelTarget[] = ['fraud', 'critical'];

/** Results kept between scoring and storing; bounded so unchanged (never stored) ones cannot pile up. */
const MAX_PENDING = 50_000;

/**
 * Opens the risk sources beyond the profiles: party screening (over the installation's screening
 * context), the medical product registry checks, and the learned model (a file, or each administration's active fraud and
 * critical-fraud models from the registry). A model that cannot be read, or a registry that
 * cannot be queried, rejects with a {@link RiskSourceError} saying what failed: at the start here,
 * or for the batch whose `prepare` met it.
 */
export async function openRiskSources(options: RiskSourceOptions): Promise<RiskSources> {
  const sources: SignalSource[] = [];
  const describe: string[] = [];
  const screening = options.screening;
  const pending = new Map<string, DeclarationScreening>();

  if (screening) {
    const ctx = screening;
    sources.push({
      name: 'screening',
      kind: 'lists',
      // The administration's good-party list, read before each batch: a clearance applies at once.
      prepare: (administration) => ctx.refresh(administration),
      signals(declaration: Declaration, administration: string) {
        const result = screenDeclarationParties(declaration, ctx.index, {
          isCleared: (query, hit) => ctx.isCleared(administration, query, hit),
        });
        if (options.recordParties) {
          if (pending.size >= MAX_PENDING) pending.clear();
          pending.set(`${administration}\u0000${declaration.id}`, result);
        }
        return screeningSignals(result);
      },
      versions: () => Object.fromEntries(ctx.index.versions.map((label) => [label.split(':')[0]!, label])),
    });
  }

  const inspectionRate = options.policy.randomRates.red + options.policy.randomRates.yellow;
  if (options.modelFile) {
    const { model, meta } = readModelFileOrFail(options.modelFile);
    const version = `file:${model.target}:${meta.createdAt}`;
    sources.push(
      createModelSignalSource({
        model,
        version,
        policy: 'probability',
        ...MODEL_THRESHOLDS,
        exploration: {
          share: EXPLORATION_SHARE,
          inspectionRate: Math.max(inspectionRate, 0.05),
          key: options.selectionKey,
        },
      }),
    );
    describe.push(`model: ${version}`);
  } else {
    const models = administrationModels(options.conn.db, (active) =>
      createModelSignalSource({
        model: active.model,
        version: active.summary.id,
        policy: active.policy,
        ...MODEL_THRESHOLDS,
        exploration: {
          share: EXPLORATION_SHARE,
          inspectionRate: Math.max(inspectionRate, 0.05),
          key: options.selectionKey,
        },
      }),
    );
    const admins = await registryRead('listing the administrations', () =>
      options.conn.db.selectFrom('administrations').select('id').execute(),
    );
    for (const { id } of admins) {
      await models.refresh(id);
      for (const s of models.of(id))
        describe.push(`model: ${Object.values(s.versions(id)).join(', ')} for ${id}`);
    }
    sources.push({
      name: 'model',
      kind: 'model',
      prepare: (administration) => models.refresh(administration),
      signals: (declaration, administration) =>
        models.of(administration).flatMap((s) => s.signals(declaration, administration)),
      versions: (administration) =>
        Object.assign({}, ...models.of(administration).map((s) => s.versions(administration))),
    });
  }

  if (options.permitChecks) {
    sources.push(
      createPermitSignalSource({ permits: new PermitRepository(options.conn), ...options.permitChecks }),
    );
    describe.push(`permit checks: environment reference ${options.permitChecks.environment.version}`);
  }
  const products = options.products
    ? createProductSignalSource(
        new ProductRepository(options.conn),
        options.products.reference,
        options.products.onRecorded ? { onRecorded: options.products.onRecorded } : {},
      )
    : undefined;
  if (products) sources.push(products);

  return {
    sources,
    describe,
    ...(screening ? { screening } : {}),
    async afterSave(administration, saved) {
      // Declared serials and lot units are recorded once their declaration is stored.
      if (products && options.products?.record) await products.afterSave(administration, saved);
      if (!screening || !options.recordParties) return;
      for (const { line } of saved) {
        const key = `${administration}\u0000${line.declarationId}`;
        const result = pending.get(key);
        pending.delete(key);
        if (!result) continue;
        for (const party of result.parties)
          await screening.recordHits(administration, party.query, party.hits);
      }
    },
  };
}

function readModelFileOrFail(file: string): ReturnType<typeof readModelFile> {
  try {
    return readModelFile(file);
  } catch (err) {
    throw new RiskSourceError(
      'MODEL_UNREADABLE',
      `model file "${file}" cannot be read: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Runs a registry query; a database failure becomes a {@link RiskSourceError} naming what was read. */
async function registryRead<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new RiskSourceError(
      'MODEL_REGISTRY_UNAVAILABLE',
      `the model registry failed while ${what}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

type ActiveModel = Awaited<ReturnType<ModelRegistry['active']>>;

/**
 * Each administration's active fraud and critical-fraud models, as signal sources. `refresh`
 * reads the administration's latest activations (two small queries) and loads a model again only
 * when another was put in force, so an activation applies to that administration's next batch,
 * and only to it.
 */
function administrationModels(db: StoreConnection['db'], toSource: (active: ActiveModel) => SignalSource) {
  const loaded = new Map<string, { signature: string; sources: SignalSource[] }>();
  return {
    of: (administration: string): SignalSource[] => loaded.get(administration)?.sources ?? [],
    async refresh(administration: string): Promise<void> {
      const registry = new ModelRegistry(db, administration);
      const latest = await registryRead(
        `reading the model activations of administration "${administration}"`,
        () => Promise.all(MODEL_TARGETS.map((t) => registry.history(t).then((h) => h[0]))),
      );
      const signature = JSON.stringify(latest.map((a) => (a ? [a.modelId, a.policy, a.activatedAt] : null)));
      if (loaded.get(administration)?.signature === signature) return;
      const sources: SignalSource[] = [];
      for (const [i, target] of MODEL_TARGETS.entries()) {
        const activation = latest[i];
        // No active model of this target for this administration: profiles and screening decide.
        if (!activation) continue;
        const active = await activeModel(registry, administration, target, activation.modelId);
        if (active) sources.push(toSource(active));
      }
      loaded.set(administration, { signature, sources });
    },
  };
}

/**
 * The model in force for a target, or undefined when there is none. Only a missing model means
 * "no active model"; a model whose stored content does not read back is `MODEL_UNREADABLE`, and a
 * failing database `MODEL_REGISTRY_UNAVAILABLE`: neither is passed off as "no model".
 */
async function activeModel(
  registry: ModelRegistry,
  administration: string,
  target: ModelTarget,
  modelId: string,
): Promise<ActiveModel | undefined> {
  try {
    return await registry.active(target);
  } catch (err) {
    if (err instanceof ModelRegistryError && err.code === 'NO_ACTIVE_MODEL') return undefined;
    if (err instanceof ModelFileError)
      throw new RiskSourceError(
        'MODEL_UNREADABLE',
        `the active ${target} model ${modelId} of administration "${administration}" cannot be read: ${err.message}`,
        { cause: err },
      );
    throw new RiskSourceError(
      'MODEL_REGISTRY_UNAVAILABLE',
      `the model registry failed while loading the active ${target} model ${modelId} of administration "${administration}": ${(err as Error).message}`,
      { cause: err },
    );
  }
}

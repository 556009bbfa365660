import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { GreenlaneError } from '../../core/error.ts';
import type { ModelTarget } from '../../core/model/customs-record.ts';
import type { SelectionMetrics } from '../../core/model/metrics.ts';
import type { RankingPolicy } from '../../core/model/ranking.ts';
import type { RiskModel } from '../../core/model/risk-model.ts';
import type { Database } from '../database/schema.ts';
import { modelActivationRecord, writeLedgerRecords } from '../store/ledger-records.ts';
import { type ModelFileMeta, modelFromJson, modelToJson } from './model-file.ts';

export type ModelRegistryErrorCode = 'UNKNOWN_MODEL' | 'NO_ACTIVE_MODEL';

export class ModelRegistryError extends GreenlaneError<ModelRegistryErrorCode> {
  override name = 'ModelRegistryError';
}

/** A registered model version without its (large) content. */
export interface ModelVersionSummary {
  id: string;
  target: ModelTarget;
  version: number;
  contentHash: string;
  metrics: SelectionMetrics | null;
  window: { from: string; to: string; rows: number };
  createdBy: string;
  createdAt: string;
  active: boolean;
}

/** One activation in the history: who put which version in force, with which ranking policy. */
export interface ModelActivation {
  modelId: string;
  target: ModelTarget;
  policy: RankingPolicy;
  activatedBy: string;
  activatedAt: string;
}

type Db = Kysely<Database>;

function summary(row: Omit<Database['model_versions'], 'content'>): ModelVersionSummary {
  return {
    id: row.id,
    target: row.target as ModelTarget,
    version: Number(row.version),
    contentHash: row.content_hash,
    metrics: row.metrics ? (JSON.parse(row.metrics) as SelectionMetrics) : null,
    window: { from: row.window_from, to: row.window_to, rows: Number(row.window_rows) },
    createdBy: row.created_by,
    createdAt: row.created_at,
    active: Number(row.active) === 1,
  };
}

const SUMMARY_COLUMNS = [
  'id',
  'administration',
  'target',
  'version',
  'content_hash',
  'metrics',
  'window_from',
  'window_to',
  'window_rows',
  'created_by',
  'created_at',
  'active',
] as const;

/**
 * The model registry of one administration: versioned model files with their metrics and
 * training window, and the activation history. Works the same on SQLite and PostgreSQL.
 *
 * @example
 * const registry = new ModelRegistry(conn.db, 'local');
 * const v = await registry.register(model, meta, 'analyst-1');
 * await registry.activate(v.id, 'head-of-risk', 'probability');
 */
export class ModelRegistry {
  constructor(
    private readonly db: Db,
    private readonly administration: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores a trained model as the next version for its target (not active until activated). */
  async register(model: RiskModel, meta: ModelFileMeta, createdBy: string): Promise<ModelVersionSummary> {
    const content = modelToJson(model, meta);
    const contentHash = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    return this.db.transaction().execute(async (tx) => {
      const last = await tx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('administration', '=', this.administration)
        .where('target', '=', model.target)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      const row = {
        id: `${this.administration}:${model.target}:v${version}`,
        administration: this.administration,
        target: model.target,
        version,
        content,
        content_hash: contentHash,
        metrics: meta.validation ? JSON.stringify(meta.validation) : null,
        window_from: model.window.from,
        window_to: model.window.to,
        window_rows: model.window.rows,
        created_by: createdBy,
        created_at: this.now().toISOString(),
        active: 0,
      };
      await tx.insertInto('model_versions').values(row).execute();
      return summary(row);
    });
  }

  /** Puts a version in force for its target (the previous one is retired) and records who did it. */
  async activate(modelId: string, activatedBy: string, policy: RankingPolicy): Promise<ModelActivation> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('model_versions')
        .select(['id', 'target'])
        .where('id', '=', modelId)
        .where('administration', '=', this.administration)
        .executeTakeFirst();
      if (!row) throw new ModelRegistryError('UNKNOWN_MODEL', `no model version "${modelId}"`);
      await tx
        .updateTable('model_versions')
        .set({ active: 0 })
        .where('administration', '=', this.administration)
        .where('target', '=', row.target)
        .execute();
      await tx.updateTable('model_versions').set({ active: 1 }).where('id', '=', modelId).execute();
      const last = await tx
        .selectFrom('model_activations')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('administration', '=', this.administration)
        .where('target', '=', row.target)
        .executeTakeFirst();
      const activation = {
        id: randomUUID(),
        administration: this.administration,
        target: row.target,
        model_id: modelId,
        seq: Number(last?.seq ?? 0) + 1,
        policy,
        activated_by: activatedBy,
        activated_at: this.now().toISOString(),
      };
      await tx.insertInto('model_activations').values(activation).execute();
      const activated = {
        modelId,
        target: row.target as ModelTarget,
        policy,
        activatedBy,
        activatedAt: activation.activated_at,
      };
      // Which model was in force, from when, and who decided: logged with the activation itself.
      await writeLedgerRecords(tx, [modelActivationRecord(activation.id, this.administration, activated)]);
      return activated;
    });
  }

  /** The version in force for a target, loaded and ready to score, with its ranking policy. */
  async active(
    target: ModelTarget,
  ): Promise<{ summary: ModelVersionSummary; model: RiskModel; meta: ModelFileMeta; policy: RankingPolicy }> {
    const row = await this.db
      .selectFrom('model_versions')
      .selectAll()
      .where('administration', '=', this.administration)
      .where('target', '=', target)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (!row) throw new ModelRegistryError('NO_ACTIVE_MODEL', `no active ${target} model`);
    const last = (await this.history(target)).find((a) => a.modelId === row.id);
    const { model, meta } = modelFromJson(row.content);
    return { summary: summary(row), model, meta, policy: last?.policy ?? 'probability' };
  }

  /** One version, loaded and ready to score, in force or not; undefined when unknown here. */
  async version(modelId: string): Promise<{ summary: ModelVersionSummary; model: RiskModel } | undefined> {
    const row = await this.db
      .selectFrom('model_versions')
      .selectAll()
      .where('administration', '=', this.administration)
      .where('id', '=', modelId)
      .executeTakeFirst();
    return row ? { summary: summary(row), model: modelFromJson(row.content).model } : undefined;
  }

  /** All versions, newest first. */
  async list(target?: ModelTarget): Promise<ModelVersionSummary[]> {
    let q = this.db
      .selectFrom('model_versions')
      .select(SUMMARY_COLUMNS)
      .where('administration', '=', this.administration);
    if (target) q = q.where('target', '=', target);
    const rows = await q.orderBy('target').orderBy('version', 'desc').execute();
    return rows.map(summary);
  }

  /** Activations of a target, newest first. */
  async history(target: ModelTarget): Promise<ModelActivation[]> {
    const rows = await this.db
      .selectFrom('model_activations')
      .selectAll()
      .where('administration', '=', this.administration)
      .where('target', '=', target)
      .orderBy('seq', 'desc')
      .execute();
    return rows.map((r) => ({
      modelId: r.model_id,
      target: r.target as ModelTarget,
      policy: r.policy as RankingPolicy,
      activatedBy: r.activated_by,
      activatedAt: r.activated_at,
    }));
  }
}

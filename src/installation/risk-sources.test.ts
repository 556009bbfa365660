import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDeclaration } from '../../test/support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { testSelectionKey } from '../../test/support/selection-key.ts';
import type { SignalSource } from '../app/assess.ts';
import type { Declaration } from '../core/declaration/declaration.ts';
import { trainRiskModel } from '../core/model/risk-model.ts';
import { syntheticRecords } from '../core/model/test-records.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import { ModelRegistry } from '../driven/model/model-registry.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import { openRiskSources, type RiskSourceOptions } from './risk-sources.ts';
import { defaultSelectionPolicy } from './runtime.ts';

const model = trainRiskModel(syntheticRecords(300, 7), { target: 'fraud', params: { maxTrees: 5 } });
const declaration = testDeclaration('D-1') as unknown as Declaration;

function modelSource(sources: SignalSource[]): SignalSource {
  const source = sources.find((s) => s.kind === 'model');
  if (!source) throw new Error('no model source');
  return source;
}

for (const dialect of DIALECTS) {
  describe(`risk sources on ${dialect}: a missing model is no model, anything else an error`, () => {
    let tdb: TestDatabase;
    let conn: StoreConnection;
    let options: RiskSourceOptions;

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      conn = openDatabase(tdb.url);
      await migrateToLatest(conn);
      await new DeclarationStore(conn).ensureAdministration('NL', 'NL');
      options = { conn, policy: defaultSelectionPolicy(), selectionKey: testSelectionKey('risk-sources') };
    });
    afterEach(async () => {
      await conn.close();
      await tdb.dispose();
    });

    /** Registers the model, puts it in force and returns its id. */
    async function activate(): Promise<string> {
      const registry = new ModelRegistry(conn.db, 'NL');
      const v = await registry.register(model, { createdAt: 'test' }, 'analyst');
      await registry.activate(v.id, 'head of risk', 'probability');
      return v.id;
    }
    /** Stored content that no longer reads as a model (a damaged row, a bad restore). */
    const corrupt = (id: string) =>
      conn.db
        .updateTable('model_versions')
        .set({ content: '{"format":"greenlane-risk' })
        .where('id', '=', id)
        .execute();

    it('without an active model, scores nothing and names no model', async () => {
      const risk = await openRiskSources(options);
      expect(risk.describe).toEqual([]);
      const source = modelSource(risk.sources);
      await source.prepare!('NL');
      expect(source.signals(declaration, 'NL')).toEqual([]);
      expect(source.versions('NL')).toEqual({});
    });

    it('with an active model, scores with it', async () => {
      const id = await activate();
      const risk = await openRiskSources(options);
      expect(risk.describe).toEqual([`model: ${id} for NL`]);
      expect(modelSource(risk.sources).versions('NL')).toEqual({ fraud: id });
    });

    it('fails the start when the active model cannot be read, naming it', async () => {
      const id = await activate();
      await corrupt(id);
      const failure = openRiskSources(options);
      await expect(failure).rejects.toMatchObject({ name: 'RiskSourceError', code: 'MODEL_UNREADABLE' });
      await expect(failure).rejects.toThrow(
        `the active fraud model ${id} of administration "NL" cannot be read`,
      );
    });

    it('fails the batch when a model put in force later cannot be read', async () => {
      const risk = await openRiskSources(options);
      const id = await activate();
      await corrupt(id);
      await expect(modelSource(risk.sources).prepare!('NL')).rejects.toMatchObject({
        code: 'MODEL_UNREADABLE',
        message: expect.stringContaining(id),
      });
    });

    it('fails the start and the batch when the database fails, not "no model"', async () => {
      const risk = await openRiskSources(options);
      await conn.close();
      await expect(modelSource(risk.sources).prepare!('NL')).rejects.toMatchObject({
        code: 'MODEL_REGISTRY_UNAVAILABLE',
        message: expect.stringContaining('reading the model activations of administration "NL"'),
      });
      await expect(openRiskSources(options)).rejects.toMatchObject({ code: 'MODEL_REGISTRY_UNAVAILABLE' });
      conn = openDatabase(tdb.url);
    });
  });
}

describe('risk sources with a model file', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'greenlane-risk-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('fails the start naming the file when it is not a model', async () => {
    const file = join(work, 'model.json');
    writeFileSync(file, 'not json');
    const conn = openDatabase('sqlite::memory:');
    try {
      await expect(
        openRiskSources({
          conn,
          modelFile: file,
          policy: defaultSelectionPolicy(),
          selectionKey: testSelectionKey('risk-sources'),
        }),
      ).rejects.toMatchObject({
        code: 'MODEL_UNREADABLE',
        message: expect.stringContaining(`model file "${file}" cannot be read`),
      });
    } finally {
      await conn.close();
    }
  });
});

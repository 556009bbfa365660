import { describe, expect, it } from 'vitest';
import { testSelectionKey } from '../../../test/support/selection-key.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { trainRiskModel } from '../../core/model/risk-model.ts';
import { syntheticRecords } from '../../core/model/test-records.ts';
import { createModelSignalSource, explorationRate } from './model-signal-source.ts';

const key = testSelectionKey();

const model = trainRiskModel(syntheticRecords(1200, 61), { target: 'fraud', params: { maxTrees: 60 } });

function declaration(id: string, importer: string, unitPrice: number): Declaration {
  return {
    id,
    type: 'import',
    customsOffice: '10',
    lodgedAt: '2021-04-01T09:00:00Z',
    importer: { id: importer },
    dispatchCountry: 'CN',
    transportDocuments: [],
    containers: [],
    route: [],
    currency: 'KRW',
    items: [
      {
        sequence: 1,
        hsCode: '640399',
        hsEdition: '2017',
        originCountry: 'CN',
        netMass: 100,
        customsValue: 100 * unitPrice,
        dutyRate: 8,
        documents: [],
      },
    ],
  };
}

describe('model signal source', () => {
  it('turns a risky declaration into a red model signal with its version', () => {
    const source = createModelSignalSource({
      model,
      version: 'local:fraud:v1',
      policy: 'probability',
      yellowAt: 0.3,
      redAt: 0.6,
    });
    const [s] = source.signals(declaration('D1', 'IMP1', 2));
    expect(s).toMatchObject({ source: 'model', code: 'MODEL_SCORE', minChannel: 'red', items: [1] });
    expect(s!.evidence).toMatchObject({ modelVersion: 'local:fraud:v1', policy: 'probability' });
    expect(source.versions()).toEqual({ fraud: 'local:fraud:v1' });
    expect(source.signals(declaration('D2', 'IMP9', 20))).toEqual([]);
  });

  it('explores the share asked for, reproducibly, with the selection probability logged', () => {
    const rate = explorationRate(0.1, 0.05);
    // 10% of 5% selections explore: 0.005 of all, drawn among the 95.5% not exploited.
    expect(rate).toBeCloseTo(0.005 / 0.955, 12);
    const source = createModelSignalSource({
      model,
      version: 'v1',
      policy: 'probability',
      yellowAt: 0.99,
      redAt: 0.999,
      exploration: { share: 0.5, inspectionRate: 0.2, key },
    });
    const explored = Array.from({ length: 2000 }, (_, i) => source.signals(declaration(`X${i}`, 'IMP9', 20)))
      .map((signals) => signals.find((s) => s.code === 'MODEL_EXPLORE'))
      .filter(Boolean);
    const q = explorationRate(0.5, 0.2);
    expect(Math.abs(explored.length / 2000 - q)).toBeLessThan(0.03);
    expect(explored[0]!.evidence).toMatchObject({ selectionProbability: q });
    const again = source.signals(declaration('X0', 'IMP9', 20));
    expect(again).toEqual(source.signals(declaration('X0', 'IMP9', 20)));
  });
});

import { describe, expect, it } from 'vitest';
import type { Declaration } from '../declaration/declaration.ts';
import { explorationSignal, modelSignals, scoreDeclaration } from './model-signals.ts';
import { createScorer, trainRiskModel } from './risk-model.ts';
import { syntheticRecords } from './test-records.ts';

const policy = {
  policy: 'probability' as const,
  target: 'fraud' as const,
  yellowAt: 0.5,
  redAt: 0.8,
  modelVersion: 'v3',
};
const contributions = [
  {
    feature: 'unit price vs hs6 x origin band',
    value: -6,
    contribution: 1.2,
    reason: 'unit price 8% of the HS 6403.99 x CN median, n=412',
  },
  {
    feature: 'importer fraud rate',
    value: 0.7,
    contribution: 0.9,
    reason: 'importer IMP1: fraud found in 7 of 9 past inspections',
  },
  { feature: 'declared value', value: 10, contribution: -0.3, reason: 'declared value 10' },
];

describe('modelSignals', () => {
  it('asks for red above the red threshold, with reasons that raised the score', () => {
    const [s] = modelSignals(0.91, contributions, { ...policy, itemSequence: 2, dutyAtStake: 400 });
    expect(s).toMatchObject({
      source: 'model',
      code: 'MODEL_SCORE',
      minChannel: 'red',
      score: 91,
      items: [2],
    });
    expect(s!.message).toBe(
      'Risk model: 91% likelihood of fraud — unit price 8% of the HS 6403.99 x CN median, n=412; importer IMP1: fraud found in 7 of 9 past inspections',
    );
    expect(s!.instructions).toMatch(/declared value/);
    expect(s!.evidence).toMatchObject({
      policy: 'probability',
      modelVersion: 'v3',
      dutyAtStake: 400,
      rankingKey: 0.91,
    });
  });

  it('yellow between the thresholds, nothing below', () => {
    expect(modelSignals(0.6, contributions, policy)[0]!.minChannel).toBe('yellow');
    expect(modelSignals(0.2, contributions, policy)).toEqual([]);
    expect(modelSignals(0.9, contributions, { ...policy, target: 'critical' })[0]!.code).toBe(
      'MODEL_CRITICAL',
    );
  });

  it('marks exploration with its selection probability', () => {
    const s = explorationSignal(0.011);
    expect(s).toMatchObject({
      source: 'random',
      code: 'MODEL_EXPLORE',
      evidence: { selectionProbability: 0.011 },
    });
  });
});

describe('scoreDeclaration', () => {
  it('scores every goods item of a Greenlane declaration and keeps the riskiest', () => {
    const model = trainRiskModel(syntheticRecords(1200, 41), { target: 'fraud', params: { maxTrees: 60 } });
    const scorer = createScorer(model);
    const item = (sequence: number, hsCode: string, originCountry: string, customsValue: number) => ({
      sequence,
      hsCode,
      hsEdition: '2017' as const,
      originCountry,
      netMass: 100,
      customsValue,
      dutyRate: 8,
      documents: [],
    });
    const d: Declaration = {
      id: 'D-1',
      type: 'import',
      customsOffice: '10',
      lodgedAt: '2021-04-01T10:00:00Z',
      currency: 'KRW',
      importer: { id: 'IMP7' },
      dispatchCountry: 'CN',
      transportDocuments: [],
      containers: [],
      route: [],
      items: [item(1, '420231', 'CN', 2000), item(2, '640399', 'CN', 200)],
    };
    const s = scoreDeclaration(scorer, d);
    expect(s.declarationId).toBe('D-1');
    // HS 6403.99 from CN at a tenth of the usual unit price is the risky item.
    expect(s.itemSequence).toBe(2);
    expect(s.dutyAtStake).toBe(16);
    expect(s.contributions.length).toBeGreaterThan(0);
  });
});

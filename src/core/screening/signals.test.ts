import { describe, expect, it } from 'vitest';
import type { Declaration } from '../declaration/declaration.ts';
import { buildScreeningIndex } from './candidate-index.ts';
import { addName, newEntity } from './entity.ts';
import { screenDeclarationParties, screeningSignals } from './signals.ts';
import { testNameTables } from './test-tables.ts';

const company = newEntity('uk', 'RUS0001', 'organization');
addName(company, 'Sovfracht JSC', 'primary');
const vessel = newEntity('uk', 'DPR0075', 'vessel');
addName(vessel, 'Ocean Star', 'primary');
vessel.identifiers.push({ type: 'imo', value: '9562233' });
const index = buildScreeningIndex(
  [
    {
      list: 'uk',
      publishedOn: '2026-04-29',
      sha256: 'b'.repeat(64),
      origin: [],
      entities: [company, vessel],
    },
  ],
  testNameTables(),
);

const declaration = {
  id: 'D-1',
  type: 'import',
  customsOffice: 'NLRTM001',
  lodgedAt: '2026-05-01T10:00:00Z',
  importer: { name: 'Harmless Imports BV', country: 'NL' },
  exporter: { name: 'Sovfrakht', country: 'RU' },
  transport: { mode: 'sea', vesselImo: '9562233', vesselName: 'Blue Horizon' },
  transportDocuments: [],
  containers: [],
  route: [],
  currency: 'EUR',
  items: [{ sequence: 1, hsCode: '270900', hsEdition: '2022', originCountry: 'RU', documents: [] }],
} as Declaration;

describe('screening a declaration', () => {
  it('screens every party and the vessel, and turns hits into signals', () => {
    const result = screenDeclarationParties(declaration, index);
    expect(result.parties.map((p) => p.role)).toEqual(['importer', 'exporter', 'vessel']);
    const signals = screeningSignals(result);
    const vesselSignal = signals.find((s) => (s.evidence as { role: string }).role === 'vessel')!;
    expect(vesselSignal).toMatchObject({ source: 'screening', code: 'SANCTIONS_MATCH', minChannel: 'red' });
    expect(vesselSignal.message).toMatch(/UK entry DPR0075 "Ocean Star"/);
    expect(vesselSignal.message).toMatch(/IMO 9562233 equals listed IMO number/);
    const exporter = signals.find((s) => (s.evidence as { role: string }).role === 'exporter')!;
    expect(['SANCTIONS_MATCH', 'SANCTIONS_REVIEW']).toContain(exporter.code);
    expect(exporter.minChannel === 'red' || exporter.minChannel === 'yellow').toBe(true);
    expect(signals.some((s) => (s.evidence as { role: string }).role === 'importer')).toBe(false);
  });

  it('makes a review hit a yellow signal and drops cleared pairs', () => {
    const review = screeningSignals({
      declarationId: 'D-2',
      parties: [
        {
          role: 'consignee',
          query: { name: 'X', type: 'any' },
          hits: [
            {
              list: 'un',
              entityId: 'QDi.1',
              ids: ['un:QDi.1'],
              name: 'Y',
              matchedName: 'Y',
              score: 0.85,
              decision: 'review',
              reasons: ['name'],
              version: 'un:x',
              nameScore: 0.85,
              evidence: [],
            },
          ],
        },
      ],
    });
    expect(review[0]).toMatchObject({ code: 'SANCTIONS_REVIEW', minChannel: 'yellow' });
    const cleared = screenDeclarationParties(declaration, index, {
      isCleared: (_q, h) => h.entityId === 'DPR0075',
    });
    expect(cleared.parties.find((p) => p.role === 'vessel')!.hits).toEqual([]);
  });
});

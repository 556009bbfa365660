import { describe, expect, it } from 'vitest';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { buildScreeningIndex } from '../../core/screening/candidate-index.ts';
import { addName, newEntity } from '../../core/screening/entity.ts';
import { testNameTables } from '../../core/screening/test-tables.ts';
import { screeningSignalSource } from './screening-signal-source.ts';

describe('screening as a signal source', () => {
  it('turns a listed exporter into a red signal and names the list versions', () => {
    const entity = newEntity('ofac', '306', 'organization');
    addName(entity, 'Banco Nacional de Cuba', 'primary');
    const index = buildScreeningIndex(
      [{ list: 'ofac', publishedOn: '2024-05-03', sha256: 'e'.repeat(64), origin: [], entities: [entity] }],
      testNameTables(),
    );
    const source = screeningSignalSource(() => index);
    const declaration = {
      id: 'D-9',
      exporter: { name: 'BANCO NACIONAL DE CUBA' },
      items: [],
    } as unknown as Declaration;
    const [signal] = source.signals(declaration, 'NL');
    expect(signal).toMatchObject({ source: 'screening', code: 'SANCTIONS_MATCH', minChannel: 'red' });
    expect(source.versions('NL')).toEqual({ ofac: 'ofac:2024-05-03:eeeeeeeeeeee' });
  });
});

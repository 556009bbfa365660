import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleDeclaration } from '../../test/support/fixtures.ts';
import { PriceBandTable } from '../core/rules/price-bands.ts';
import { observationsFrom } from './price-bands.ts';

describe('greenlane bands build', () => {
  it('collects unit prices of valid declarations in the chosen currency only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bands-'));
    try {
      const d = sampleDeclaration();
      const lines = [10, 20, 40].map((value, i) =>
        JSON.stringify({ ...d, id: `B${i}`, items: [{ ...d.items[0], invoiceValue: value, netMass: 1 }] }),
      );
      lines.push(
        JSON.stringify({ ...d, id: 'USD', currency: 'USD' }),
        '{broken',
        JSON.stringify({ ...d, id: 'NEG', invoiceTotal: -1 }),
      );
      const file = join(dir, 'h.ndjson');
      writeFileSync(file, lines.join('\n'));
      const { observations, skippedCurrency, invalid } = await observationsFrom(file, 'ndjson', 'EUR');
      expect(observations.map((o) => o.value)).toEqual([10, 20, 40]);
      expect(skippedCurrency).toBe(1);
      expect(invalid).toBe(2);
      const band = PriceBandTable.compute(observations, 'EUR').byOrigin('300241', 'IN')!;
      expect(band.count).toBe(3);
      expect(Math.exp(band.logMedian)).toBeCloseTo(20, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlOf } from '../src/core/environment/permit.ts';
import { figuresOf, quotaQuantity } from '../src/core/environment/substances.ts';
import { environmentReference } from '../src/driven/reference/environment-reference.ts';
import { environmentDir } from '../src/installation/config.ts';

/*
 * docs/ENVIRONMENT.md, "Quota arithmetic": the worked example's figures are the ones the code
 * computes from the reference tables (the checks and the consumption at release both take their
 * tonnes from `quotaQuantity`), so the example cannot drift from the code.
 */
const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'ENVIRONMENT.md'), 'utf8');
// Line breaks of the Markdown source do not matter.
const example = doc.slice(doc.indexOf('## Quota arithmetic'), doc.indexOf('## Reports')).replace(/\s+/g, ' ');
const { catalogue } = environmentReference(environmentDir({}));
const en = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 6 });

function figures(name: string) {
  const found = figuresOf(catalogue, name);
  if (!found) throw new Error(`${name} is not in the reference tables`);
  return found;
}

describe('docs/ENVIRONMENT.md worked example', () => {
  it('R-404A: the components and sums the doc shows, 2,500 kg in tonnes, and the refused release', () => {
    const blend = catalogue.blends.get('R-404A')!;
    const parts = blend.components.map((c) => ({ ...c, gwp: figures(c.substance).gwp! }));
    for (const p of parts) expect(example).toContain(`${p.percent}% ${p.substance} (`);
    const products = parts.map((p) => `${p.percent / 100} × ${en(p.gwp)}`).join(' + ');
    const r404a = figures('R-404A');
    expect(example).toContain(`GWP = ${products} = `);
    expect(example).toContain(`= ${en(r404a.gwp!)}; ODP = ${en(r404a.odp)}.`);
    const take = quotaQuantity(r404a, 2500);
    expect(example).toContain(
      `Releasing 2,500 kg: ${en(take.tonnes)} t, ${en(take.odpTonnes)} ODP t, 2.5 × ${en(r404a.gwp!)} = ${en(take.co2eqTonnes)} CO2-eq t.`,
    );
    expect(controlOf(r404a.annex)).toBe('hfc');
    // 20,000 CO2-eq t of which 12,000 are used: 8,000 left, less than the release takes.
    expect(example).toContain('has 8,000 left: the release is refused');
    expect(12_000 + take.co2eqTonnes).toBeGreaterThan(20_000);
  });

  it('R-502: ODP and GWP as the doc sums them, and 1,000 kg against the ods quota', () => {
    const r502 = figures('R-502');
    const take = quotaQuantity(r502, 1000);
    expect(example).toContain(
      `ODP = 0.02684 + 0.3072 = ${en(r502.odp)}, GWP = 883.28 + 3,773.44 = ${en(r502.gwp!)}`,
    );
    expect(example).toContain(
      `1,000 kg make ${en(take.tonnes)} t, ${en(take.odpTonnes)} ODP t and ${en(take.co2eqTonnes)} CO2-eq t, counted against the \`${controlOf(r502.annex)}\` quota.`,
    );
    const [hcfc22, cfc115] = [figures('HCFC-22'), figures('CFC-115')];
    expect(0.488 * hcfc22.odp + 0.512 * cfc115.odp).toBeCloseTo(r502.odp, 9);
    expect(0.488 * hcfc22.gwp! + 0.512 * cfc115.gwp!).toBeCloseTo(r502.gwp!, 6);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { Declaration } from '../declaration/declaration.ts';
import { instantMs } from '../declaration/validation.ts';
import { compileCriterion, type EvaluationScope, formatNumber } from './compile-criteria.ts';
import { type Criterion, CriterionSchema } from './risk-profile.ts';

const reference = referenceData(dataDir());

/** Leaves over a small vocabulary, so random trees and declarations often meet. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.subarray(['30', '3004', '290341', '4407'], { minLength: 1 }).map((hsPrefix) => ({ hsPrefix })),
  fc.subarray(['CN', 'IN', 'KP'], { minLength: 1 }).map((originCountry) => ({ originCountry })),
  fc.subarray(['CN', 'IN'], { minLength: 1 }).map((dispatchCountry) => ({ dispatchCountry })),
  fc.integer({ min: 0, max: 200 }).map((gt) => ({ unitPrice: { gt } })),
  fc.constant({ regulatoryConcern: { concern: ['hfc_kigali', 'cites'] } }),
  fc.constant({ missingDocument: { types: ['CITES'] } }),
  fc.constant({ routeIncludes: ['IR'] }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('tree').map((not) => ({ not })),
  ),
}));
const item = fc.record({
  hsCode: fc.constantFrom('300490', '290341', '440721', '610910'),
  originCountry: fc.constantFrom('CN', 'IN', 'KP'),
  invoiceValue: fc.integer({ min: 0, max: 20_000 }),
  netMass: fc.integer({ min: 1, max: 500 }),
  documents: fc.constantFrom<Array<{ type: string; reference: string }>>(
    [],
    [{ type: 'CITES', reference: 'X' }],
  ),
});
const declaration = fc
  .record({
    dispatchCountry: fc.constantFrom('CN', 'IN'),
    route: fc.constantFrom<string[]>(['INNSA', 'BEANR'], ['IRBND', 'BEANR']),
    items: fc.array(item, { minLength: 1, maxLength: 4 }),
  })
  .map(({ items, ...top }) => makeDeclaration(top, items));

const scopeOf = (d: Declaration): EvaluationScope => ({
  declaration: d,
  lodgedAt: instantMs(d.lodgedAt),
  priceBands: undefined,
  firstTimeTraders: undefined,
});
const compile = (c: unknown) => compileCriterion(CriterionSchema.parse(c) as Criterion, reference);
const firedItems = (c: unknown, d: Declaration) => {
  const compiled = compile(c);
  const s = scopeOf(d);
  return compiled.perItem
    ? d.items.filter((i) => compiled.test(s, i)).map((i) => i.sequence)
    : compiled.test(s, undefined)
      ? [0]
      : [];
};

describe('compiled criteria (properties)', () => {
  it('explain gives the same answer as test, with at least one fact', () => {
    fc.assert(
      fc.property(tree, declaration, (c, d) => {
        const compiled = compile(c);
        const s = scopeOf(d);
        for (const i of compiled.perItem ? d.items : [undefined]) {
          const out = { declaration: [], item: [] };
          expect(compiled.explain(s, i, out)).toBe(compiled.test(s, i));
          expect(out.declaration.length + out.item.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('follows Boolean algebra per item: double negation and De Morgan', () => {
    fc.assert(
      fc.property(tree, tree, declaration, (a, b, d) => {
        expect(firedItems({ not: { not: a } }, d)).toEqual(firedItems(a, d));
        expect(firedItems({ not: { all: [a, b] } }, d)).toEqual(
          firedItems({ any: [{ not: a }, { not: b }] }, d),
        );
        expect(firedItems({ not: { any: [a, b] } }, d)).toEqual(
          firedItems({ all: [{ not: a }, { not: b }] }, d),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatNumber', () => {
  it('keeps three significant digits below 1000 and rounds above', () => {
    expect([
      formatNumber(0.012345),
      formatNumber(13.14),
      formatNumber(999.4),
      formatNumber(123456.7),
    ]).toEqual(['0.0123', '13.1', '999', '123457']);
  });
});

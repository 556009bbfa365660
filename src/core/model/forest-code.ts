import type { Forest } from './forest.ts';

/** A forest compiled to JavaScript: the raw score of the row at `row[offset..]`. */
export type ForestFunction = (row: Float64Array, offset: number) => number;

/** Nodes per generated function: small enough for V8's optimising compiler to take the function. */
const NODES_PER_FUNCTION = 2000;

/** A number as a JavaScript literal that reads back as the same double (sign of zero included). */
function literal(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * The forest as generated JavaScript: each tree becomes nested `if` statements over numeric
 * literals, so a split costs one comparison and a predicted branch instead of array reads. The
 * source is built only from the forest's typed arrays (integer feature indices, float literals that
 * read back exactly), never from strings in the model file. Leaf values are added in tree order,
 * so the result equals `predictForest` bit for bit. Trees are grouped into functions of about
 * `NODES_PER_FUNCTION` nodes. Returns null where code generation from strings is disallowed
 * (`node --disallow-code-generation-from-strings`, CSP) or a tree is too deep to nest; callers
 * then use `predictForest`.
 */
export function forestFunction(f: Forest): ForestFunction | null {
  const { roots, feature, threshold, right, value } = f;
  const emit = (o: number, out: string[]): void => {
    const j = feature[o]!;
    if (j < 0) {
      out.push(`s += ${literal(value[o]!)};`);
      return;
    }
    out.push(`if (r[b + ${j | 0}] > ${literal(threshold[o]!)}) {`);
    emit(right[o]!, out);
    out.push('} else {');
    emit(o + 1, out);
    out.push('}');
  };
  const parts: Array<(r: Float64Array, b: number, s: number) => number> = [];
  try {
    for (let k = 0; k < roots.length; ) {
      const body: string[] = [];
      const first = roots[k]!;
      do {
        emit(roots[k]!, body);
        k++;
      } while (k < roots.length && roots[k]! - first < NODES_PER_FUNCTION);
      parts.push(new Function('r', 'b', 's', `${body.join('\n')}\nreturn s;`) as (typeof parts)[number]);
    }
  } catch (e) {
    // RangeError: a tree too deep for nested code (only from a hand-made file); walk it instead.
    if (e instanceof EvalError || e instanceof RangeError) return null;
    throw e;
  }
  const baseScore = f.baseScore;
  return (row, offset) => {
    let s = baseScore;
    for (let p = 0; p < parts.length; p++) s = parts[p]!(row, offset, s);
    return s;
  };
}

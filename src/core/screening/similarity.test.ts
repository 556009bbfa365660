import { describe, expect, it } from 'vitest';
import { editDistance, editSimilarity, jaroWinkler } from './similarity.ts';

describe('similarity', () => {
  it('computes Jaro-Winkler like the reference values (Winkler 1990)', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'a')).toBe(0);
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('mohammed', 'mohammde')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editSimilarity('putin', 'pulin')).toBeCloseTo(0.8, 5);
  });
});

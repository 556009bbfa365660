import { describe, expect, it } from 'vitest';
import { compareNames } from './name-compare.ts';
import { type NameKind, normaliseName } from './normalise.ts';
import { testNameTables } from './test-tables.ts';

const tables = testNameTables();
const score = (a: string, b: string, kind: NameKind = 'person') =>
  compareNames(normaliseName(a, tables, kind), normaliseName(b, tables, kind)).score;

describe('name comparison', () => {
  it('scores identical names 1 whatever the token order or case', () => {
    expect(score('Vladimir Putin', 'PUTIN Vladimir')).toBe(1);
    expect(score('Abu Bakr al-Baghdadi', 'al-Baghdadi, Abu Bakr')).toBe(1);
  });

  it('tolerates typos but not different names', () => {
    expect(score('Olaf Scholze', 'Olaf Scholz')).toBeGreaterThan(0.9);
    expect(score('Mohammde Omar', 'Mohammed Omar')).toBeGreaterThan(0.9);
    expect(score('John Smith', 'Peter Jones')).toBe(0);
    expect(score('Friedrich Merz', 'Friedrich Meier')).toBeLessThan(0.8);
  });

  it('joins split tokens and splits joined ones', () => {
    const cmp = compareNames(
      normaliseName('Abdul Rahman Yasin', tables),
      normaliseName('Abdulrahman Yasin', tables),
    );
    expect(cmp.score).toBeGreaterThan(0.9);
    expect(cmp.pairs.some((p) => p.kind === 'joined')).toBe(true);
    expect(score('VladimirPutin', 'Vladimir Putin')).toBeGreaterThan(0.9);
  });

  it('matches initials with a lower similarity than full names', () => {
    const s = score('J. Smith', 'John Smith');
    expect(s).toBeGreaterThan(0.7);
    expect(s).toBeLessThan(1);
  });

  it('matches name-part variants across transliterations', () => {
    expect(score('Mohamed Yousef', 'Muhammad Yusuf')).toBe(1);
    expect(score('Husayn Mahmud', 'Hussein Mahmoud')).toBe(1);
  });

  it('costs little for an omitted middle name, a lot for a substituted one', () => {
    const omitted = score('Vladimir Putin', 'Vladimir Vladimirovich Putin');
    const substituted = score('Vladimir Ivanovich Putin', 'Vladimir Vladimirovich Putin');
    expect(omitted).toBeGreaterThan(0.88);
    expect(substituted).toBeLessThan(omitted);
    // One shared token alone proves little.
    expect(score('John Brown', 'John')).toBeLessThan(0.8);
  });

  it('matches Arabic script against Latin by consonant skeleton, and Cyrillic by transliteration', () => {
    expect(score('محمد علي', 'Mohamed Ali')).toBeGreaterThan(0.85);
    expect(score('عبد الله', 'Abdullah')).toBeGreaterThan(0.85);
    expect(score('Владимир Путин', 'Vladimir Putin')).toBe(1);
  });

  it('ignores a legal form only one side states, and compares them when both do', () => {
    expect(score('Gazprom', 'Gazprom OAO', 'organization')).toBe(1);
    expect(score('OAO Gazprom', 'Open Joint Stock Company Gazprom', 'organization')).toBe(1);
    expect(score('Gazprom LLC', 'Gazprom JSC', 'organization')).toBeLessThan(1);
  });

  it('never fuzzes numbers: sister ships and numbered companies differ', () => {
    expect(score('Snow Storm 1', 'Snow Storm 2', 'vessel')).toBeLessThan(0.8);
  });
});

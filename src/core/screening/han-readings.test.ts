import { describe, expect, it } from 'vitest';
import { buildScreeningIndex } from './candidate-index.ts';
import { addName, type ListVersion, newEntity } from './entity.ts';
import { kanaToRomaji, sinoKorean } from './han-readings.ts';
import { compareNames } from './name-compare.ts';
import { normaliseName } from './normalise.ts';
import { screenParty } from './screen.ts';
import { testNameTables } from './test-tables.ts';

const tables = testNameTables();
const score = (a: string, b: string) =>
  compareNames(normaliseName(a, tables, 'person'), normaliseName(b, tables, 'person')).score;

describe('Sino-Korean reading of Hanja', () => {
  it('reads each character in Hangul, 金 as the surname Kim at the start of a name', () => {
    expect(sinoKorean('金正恩')).toBe('김정은');
    expect(sinoKorean('朴槿惠')).toBe('박근혜');
    // The initial-sound rule: 李 is 리 inside a word, 이 at its start.
    expect(sinoKorean('李明')).toBe('이명');
    expect(sinoKorean('金 正日')).toBe('김 정일');
  });

  it('lets a Hanja name match its Korean romanisation, not only its Mandarin one', () => {
    expect(score('金正恩', 'Kim Jong Un')).toBeGreaterThanOrEqual(0.9);
    expect(score('Kim Jong Un', '金正恩')).toBeGreaterThanOrEqual(0.9);
    expect(score('金正恩', 'Jin Zheng En')).toBeGreaterThanOrEqual(0.9);
    expect(score('金正恩', 'Park Ji Sung')).toBeLessThan(0.5);
    // A reading is a guess at the language: it counts a little less than the Mandarin reading.
    expect(score('金正恩', 'Kim Jong Un')).toBeLessThan(score('金正恩', 'Jin Zheng En'));
  });

  it('compares two Han names by their characters, never through a shared reading', () => {
    const a = normaliseName('金正恩', tables, 'person');
    expect(a.readings?.length).toBe(1);
    expect(score('金正恩', '金正日')).toBeLessThan(0.8);
  });

  it('gives Latin-script names no readings', () => {
    expect(normaliseName('Kim Jong Un', tables, 'person').readings).toBeUndefined();
  });

  it('finds a Latin-listed name from a Hanja query through the candidate index', () => {
    const entity = newEntity('un', 'KPi.033', 'person');
    addName(entity, 'KIM JONG UN', 'primary');
    const other = newEntity('un', 'KPi.001', 'person');
    addName(other, 'PAK TO CHUN', 'primary');
    const version: ListVersion = {
      list: 'un',
      publishedOn: '2026-02-27',
      sha256: 'b'.repeat(64),
      origin: ['test'],
      entities: [entity, other],
    };
    const index = buildScreeningIndex([version], tables);
    const hits = screenParty({ name: '金正恩', type: 'person' }, index);
    expect(hits[0]?.entityId).toBe('KPi.033');
    expect(hits[0]?.decision).toBe('match');
  });
});

describe('kana to Hepburn romaji', () => {
  it('romanises kana as passports write it, long vowels single', () => {
    expect(kanaToRomaji('ヤマダ タロウ')).toBe('yamada taro');
    expect(kanaToRomaji('タナカ ハナコ')).toBe('tanaka hanako');
    expect(kanaToRomaji('サトウ')).toBe('sato');
    expect(kanaToRomaji('オオノ')).toBe('ono');
    expect(kanaToRomaji('ユウコ')).toBe('yuko');
    expect(kanaToRomaji('イノウエ')).toBe('inoue');
  });

  it('joins yoon, doubles consonants after sokuon, combines small vowels', () => {
    expect(kanaToRomaji('キョウコ')).toBe('kyoko');
    expect(kanaToRomaji('シュンイチ')).toBe('shunichi');
    expect(kanaToRomaji('ジョウジ')).toBe('joji');
    expect(kanaToRomaji('ホッカイドウ')).toBe('hokkaido');
    expect(kanaToRomaji('ハッチ')).toBe('hatchi');
    expect(kanaToRomaji('ファン')).toBe('fan');
    expect(kanaToRomaji('やまだ')).toBe('yamada');
  });
});

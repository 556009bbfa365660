import { describe, expect, it } from 'vitest';
import { compareNames } from '../../core/screening/name-compare.ts';
import { normaliseName } from '../../core/screening/normalise.ts';
import { testNameTables } from '../../core/screening/test-tables.ts';
import {
  japaneseReaderLoaded,
  loadJapaneseReader,
  readJapanese,
  releaseJapaneseReader,
} from './japanese-reader.ts';

describe('Japanese reader (kuromoji IPADIC)', () => {
  it('reads kanji names in kana, morpheme by morpheme', async () => {
    const read = await loadJapaneseReader();
    expect(read('山田太郎')).toBe('ヤマダ タロウ');
    expect(read('田中花子')).toBe('タナカ ハナコ');
    // Hiragana come back as the dictionary's katakana reading; both romanise the same.
    expect(read('やまだ タロウ')).toBe('ヤマダ タロウ');
    expect(read('Li 明')).toMatch(/^Li /);
    // Written in two words, each word is one name part, however many morphemes it reads as.
    expect(read('山田 太郎')).toBe('ヤマダ タロウ');
    expect(read('三浦 悠人')).toBe('ミウラ ユウジン');
  });

  it('loads the dictionary synchronously on first use and can drop it until the next Han name', () => {
    releaseJapaneseReader();
    expect(japaneseReaderLoaded()).toBe(false);
    expect(readJapanese('田中')).toBe('タナカ');
    expect(japaneseReaderLoaded()).toBe(true);
    releaseJapaneseReader();
    expect(japaneseReaderLoaded()).toBe(false);
  });

  it('loads the dictionary once per process', async () => {
    expect(await loadJapaneseReader()).toBe(await loadJapaneseReader());
  });

  it('lets a kanji name match its romaji spelling through the screening core', async () => {
    const tables = { ...testNameTables(), readJapanese: await loadJapaneseReader() };
    const score = (a: string, b: string) =>
      compareNames(normaliseName(a, tables, 'person'), normaliseName(b, tables, 'person')).score;
    expect(score('山田太郎', 'Yamada Taro')).toBeGreaterThanOrEqual(0.9);
    expect(score('TANAKA Hanako', '田中花子')).toBeGreaterThanOrEqual(0.9);
    expect(score('山田太郎', 'Tanaka Hanako')).toBeLessThan(0.5);
    // Without the reader there is no Japanese reading: the Mandarin and Korean ones do not match.
    expect(
      compareNames(
        normaliseName('山田太郎', testNameTables(), 'person'),
        normaliseName('Yamada Taro', testNameTables(), 'person'),
      ).score,
    ).toBeLessThan(0.5);
  });
});

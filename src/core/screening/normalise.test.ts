import { describe, expect, it } from 'vitest';
import { foldTokens, normaliseName, skeletonOf, TOKEN_LEGAL_FORM, TOKEN_PARTICLE } from './normalise.ts';
import { testNameTables } from './test-tables.ts';

const tables = testNameTables();

describe('name normalisation', () => {
  it('applies NFKC, folds case and diacritics, drops punctuation', () => {
    expect(foldTokens('Qoussaï  SADDAM-Hussein')).toEqual(['qoussai', 'saddam', 'hussein']);
    expect(foldTokens('ＡＢＣ Ltd.')).toEqual(['abc', 'ltd']);
    expect(foldTokens("O'Brien")).toEqual(['obrien']);
  });

  it('transliterates Cyrillic, Greek and Arabic, and splits Han / Hangul syllables', () => {
    expect(foldTokens('Владимир Путин')).toEqual(['vladimir', 'putin']);
    expect(foldTokens('Νικόλαος')).toEqual(['nikolaos']);
    expect(foldTokens('محمد علي')).toEqual(['mhmd', 'ly']);
    expect(foldTokens('习近平')).toEqual(['xi', 'jin', 'ping']);
    expect(foldTokens('김정은')).toEqual(['gim', 'jeong', 'eun']);
  });

  it('drops leading honorifics of persons, never the whole name', () => {
    expect(normaliseName('Mr. Dr. John Smith', tables, 'person').tokens).toEqual(['john', 'smith']);
    expect(normaliseName('His Excellency Ali', tables, 'person').tokens).toEqual(['ali']);
    expect(normaliseName('Mr', tables, 'person').tokens).toEqual(['mr']);
  });

  it('maps legal forms to one canonical form and marks them', () => {
    const a = normaliseName('OAO Gazprom', tables, 'organization');
    const b = normaliseName('Gazprom Open Joint Stock Company', tables, 'organization');
    expect(a.tokens).toEqual(['jsc', 'gazprom']);
    expect(b.tokens).toEqual(['gazprom', 'jsc']);
    expect(b.roles[1]).toBe(TOKEN_LEGAL_FORM);
    // Person names are not scanned for legal forms.
    expect(normaliseName('Limited Smith', tables, 'person').tokens).toEqual(['limited', 'smith']);
  });

  it('maps name-part variants across transliterations to one form', () => {
    for (const spelling of ['Mohammed', 'Muhammad', 'Mohamed', 'Mohammad']) {
      expect(normaliseName(spelling, tables, 'person').tokens).toEqual(['muhammad']);
    }
    expect(normaliseName('Abdel Rahman', tables).tokens).toEqual(['abd', 'rahman']);
    expect(normaliseName('Abdel Rahman', tables).written).toEqual(['abdel', 'rahman']);
  });

  it('marks particles, reads number words and obfuscating digits', () => {
    const f = normaliseName('Usama bin Laden', tables, 'person');
    expect(f.roles[1]).toBe(TOKEN_PARTICLE);
    expect(normaliseName('Brigade Forty-Four', tables, 'organization').tokens).toEqual(['brigade', '44']);
    expect(normaliseName('1st International Bank', tables, 'organization').tokens[0]).toBe('1');
    expect(normaliseName('First International Bank', tables, 'organization').tokens[0]).toBe('1');
    expect(normaliseName('Ig0r Sech1n', tables, 'person').tokens).toEqual(['igor', 'sechin']);
  });

  it('drops vessel prefixes and flags abjad and syllabic scripts', () => {
    expect(normaliseName('M/V Ocean Star', tables, 'vessel').tokens).toEqual(['ocean', 'star']);
    expect(normaliseName('محمد علي', tables).abjad).toBe(true);
    expect(normaliseName('김정은', tables).syllabic).toBe(true);
    expect(normaliseName('이민호', tables).tokens[0]).toBe('lee');
    expect(skeletonOf('mahmoud')).toBe('mhmd');
    expect(skeletonOf('hassan')).toBe('hsn');
  });
});

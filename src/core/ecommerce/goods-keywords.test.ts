import { describe, expect, it } from 'vitest';
import { categoryOf } from './goods-categories.ts';
import { CONCERN_LANE, GOODS_CONCERNS, GOODS_KEYWORDS, goodsKeywords } from './goods-keywords.ts';
import { foldDescription } from './text-match.ts';

const concernsOf = (description: string) => goodsKeywords(foldDescription(description)).map((k) => k.concern);

describe('prohibited and restricted goods keywords', () => {
  it('finds every term of the table in a description of its own', () => {
    for (const { term, concern } of GOODS_KEYWORDS) {
      expect(concernsOf(`1 x ${term} (gift)`), term).toContain(concern);
    }
  });

  it('covers every concern in at least two languages', () => {
    for (const concern of GOODS_CONCERNS) {
      const languages = new Set(GOODS_KEYWORDS.filter((k) => k.concern === concern).map((k) => k.lang));
      expect(languages.size, concern).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(GOODS_KEYWORDS.map((k) => k.lang))).toEqual(
      new Set(['en', 'de', 'fr', 'es', 'it', 'ru', 'zh']),
    );
  });

  it.each([
    ['Sildenafil Citrate 100mg x 30 tablets', 'counterfeit-medicine'],
    ['Generic VIAGRA', 'counterfeit-medicine'],
    ['Antibiotique amoxicilline', 'medicine'],
    ['Schalldämpfer für Luftgewehr', 'weapon'],
    ['Pistols grips', 'weapon'],
    ['munición 9mm', 'weapon'],
    ['патроны 5.45', 'weapon'],
    ['手枪配件', 'weapon'],
    ['R22 refrigerant 13.6kg', 'ods-refrigerant'],
    ['r 134a can', 'ods-refrigerant'],
    ['Kältemittel R404A', 'ods-refrigerant'],
    ['Ivoire sculpté', 'cites-wildlife'],
    ['精美象牙雕刻', 'cites-wildlife'],
    ['dried shark fins', 'cites-wildlife'],
    ['E-Liquid 20mg nicotine', 'tobacco-nicotine'],
    ['Réplica reloj AAA quality', 'counterfeit'],
    ['fentanyl test strips', 'narcotic'],
  ])('%s -> %s', (description, concern) => {
    expect(concernsOf(description)).toContain(concern);
  });

  it.each([
    'massage gun',
    'glue gun',
    'coral dress',
    'python programming book',
    'water pistol toy',
    'ivory white shirt',
    'cigar box guitar kit',
    'CFC free hairspray',
    'notebook computer',
    'pistachio nuts',
    'armchair cover',
  ])('%s is harmless', (description) => {
    expect(concernsOf(description)).toEqual([]);
  });

  it('sends prohibited goods to inspection and restricted goods to a document check', () => {
    expect(CONCERN_LANE.weapon.lane).toBe('inspect');
    expect(CONCERN_LANE['counterfeit-medicine'].lane).toBe('inspect');
    expect(CONCERN_LANE['cites-wildlife'].lane).toBe('hold');
    expect(CONCERN_LANE['ods-refrigerant'].lane).toBe('hold');
  });
});

describe('goods categories', () => {
  it('reads the kind of goods from the HS code first, else from the words', () => {
    expect(categoryOf(foldDescription('gift'), '851713')?.code).toBe('phone');
    expect(categoryOf(foldDescription('Wireless Kopfhörer'), undefined)?.code).toBe('audio');
    expect(categoryOf(foldDescription('red Smartwatch'), undefined)?.code).toBe('watch');
    expect(categoryOf(foldDescription('notebook computer 15 inch'), undefined)?.code).toBe('laptop');
    expect(categoryOf(foldDescription('assorted parts'), undefined)).toBeUndefined();
  });
});

import anyAscii from 'any-ascii';
import { translate } from 'hanja/lib/translate.js';

/**
 * Readings of names written in Han characters (CJK ideographs). The same characters are read
 * differently in each language that writes them: 金正恩 is Jīn Zhèng'ēn in Mandarin, 김정은
 * Kim Jong Un in Korean, and 山田太郎 is Yamada Tarō in Japanese. any-ascii gives the Mandarin
 * reading; this module gives the Sino-Korean reading (Hanja -> Hangul, then the Hangul
 * romanisation the normaliser already applies) and the Hepburn romanisation of a Japanese kana
 * reading (the kana reading of kanji needs a morphological dictionary, which the adapter loads
 * and passes in as a function: see `NameTables.readJapanese`).
 */

/** CJK Unified Ideographs, Extension A and Compatibility Ideographs. */
export const HAN = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/;

/**
 * Surname characters whose reading as a surname differs from their common Sino-Korean reading:
 * 金 is 금 "gold" in words but 김 (Kim) as a surname, the commonest Korean surname.
 */
const KOREAN_SURNAME_READINGS: ReadonlyMap<string, string> = new Map([['金', '김']]);

/**
 * Sino-Korean reading of a name: every Hanja replaced by its Hangul syllable (the `hanja`
 * package's table of standard readings, with the initial-sound rule 두음법칙 applied at the start),
 * and the first character of each word read as a surname where that reading differs.
 *
 * @example sinoKorean('金正恩') // '김정은'
 */
export function sinoKorean(text: string): string {
  return text
    .split(/(\s+)/)
    .map((word) => {
      const first = String.fromCodePoint(word.codePointAt(0) ?? 0);
      const surname = KOREAN_SURNAME_READINGS.get(first);
      return surname
        ? surname + translate(word.slice(first.length), 'SUBSTITUTION')
        : translate(word, 'SUBSTITUTION');
    })
    .join('');
}

/** Small kana that combine with the preceding syllable (キョ kyo, シャ sha, ファ fa). */
const SMALL_Y = /[ゃゅょャュョ]/;
const SMALL_VOWEL = /[ぁぃぅぇぉァィゥェォ]/;
const SOKUON = /[っッ]/;
const KANA = /[\u3040-\u30FF]/;

/**
 * Kana (hiragana or katakana) to modified Hepburn as passports and sanctions lists write it, without
 * long-vowel marks (Japan's passport practice: 太郎 タロウ Taro, 大野 オオノ Ono, 優子 ユウコ Yuko):
 * yōon (キョ kyo, シャ sha, ジョ jo), sokuon (ッ doubles the next consonant, ッチ tchi), the long
 * vowel mark ー dropped. Other characters pass through.
 *
 * @example kanaToRomaji('ヤマダ タロウ') // 'yamada taro'
 */
export function kanaToRomaji(kana: string): string {
  let out = '';
  let double = false;
  for (const ch of kana) {
    if (SOKUON.test(ch)) {
      double = true;
      continue;
    }
    if (ch === 'ー') continue;
    if (SMALL_Y.test(ch) && /[a-z]i$/.test(out)) {
      const y = anyAscii(ch).toLowerCase();
      // シャ sha, チャ cha, ジャ ja: the i and the y both go; キャ kya keeps the y.
      out = /(sh|ch|j)i$/.test(out) ? out.slice(0, -1) + y.slice(1) : out.slice(0, -1) + y;
      continue;
    }
    if (SMALL_VOWEL.test(ch) && /[a-z][ieu]$/.test(out)) {
      // ファ fa, ティ ti, ジェ je: the small vowel replaces the carrier's vowel.
      out = out.slice(0, -1) + anyAscii(ch).toLowerCase();
      continue;
    }
    let syllable = KANA.test(ch) ? anyAscii(ch).toLowerCase() : ch;
    if (double && /^[a-z]/.test(syllable))
      syllable = (syllable.startsWith('ch') ? 't' : syllable[0]) + syllable;
    double = false;
    out += syllable;
  }
  // Long vowels written ou, oo, uu are one vowel in passport Hepburn, unless a vowel follows
  // (イノウエ Inoue: the u starts a new syllable there).
  return out.replace(/o[ou](?![aeiou])/g, 'o').replace(/uu(?![aeiou])/g, 'u');
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HAN } from '../../core/screening/han-readings.ts';

/** The part of kuromoji's API used here (the package ships no type declarations). */
interface KuromojiToken {
  surface_form: string;
  /** Katakana reading, absent or `*` for unknown words. */
  reading?: string;
}
interface KuromojiTokenizer {
  tokenize(text: string): KuromojiToken[];
}
interface Kuromoji {
  builder(options: { dicPath: string }): {
    build(callback: (err: Error | null, tokenizer: KuromojiTokenizer) => void): void;
  };
}

const require = createRequire(import.meta.url);

/** kuromoji's Node loader: reads and inflates one `*.dat.gz` dictionary file. */
interface NodeDictionaryLoader {
  prototype: {
    loadArrayBuffer(file: string, callback: (err: Error | null, buffer?: ArrayBuffer) => void): void;
  };
}

let tokenizer: KuromojiTokenizer | undefined;
let patched = false;

/**
 * Builds the tokenizer synchronously. kuromoji reads its dictionary asynchronously; its loader is
 * replaced by one that reads and inflates each file synchronously and hands over the inflated
 * bytes without copying them, so `build` completes (and calls back) before it returns, and the
 * dictionary costs one copy in memory instead of two.
 */
function buildTokenizer(): KuromojiTokenizer {
  if (!patched) {
    const loader = require('kuromoji/src/loader/NodeDictionaryLoader.js') as NodeDictionaryLoader;
    loader.prototype.loadArrayBuffer = (file, callback) => {
      let buffer: ArrayBuffer;
      try {
        const bytes = gunzipSync(readFileSync(file));
        buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      } catch (err) {
        callback(err as Error);
        return;
      }
      callback(null, buffer);
    };
    patched = true;
  }
  const kuromoji = require('kuromoji') as Kuromoji;
  const dicPath = join(dirname(require.resolve('kuromoji/package.json')), 'dict');
  let built: KuromojiTokenizer | undefined;
  let failure: Error | null = null;
  kuromoji.builder({ dicPath }).build((err, t) => {
    failure = err;
    built = t;
  });
  const tokenizer: KuromojiTokenizer | undefined = built;
  // kuromoji keeps the callback's closure reachable: clear what it captured, or the dictionary
  // could never be dropped by `releaseJapaneseReader`.
  built = undefined;
  if (failure) throw failure;
  if (!tokenizer) throw new Error('the Japanese dictionary did not load synchronously');
  return tokenizer;
}

/**
 * The reader the screening core takes as `NameTables.readJapanese`: the katakana reading of each
 * morpheme, space-separated (山田太郎 -> ヤマダ タロウ), or undefined when a kanji has no reading in
 * the dictionary. The dictionary (kuromoji's IPADIC, shipped inside the package: nothing is
 * downloaded) is loaded on first use, in about half a second, holds about 250 MB, and is dropped
 * again after ten minutes without a Han-script name; most names on declarations are in Latin script
 * and never need it.
 */
export function readJapanese(text: string): string | undefined {
  tokenizer ??= buildTokenizer();
  const reading = readingOf(tokenizer, text);
  scheduleRelease();
  return reading;
}

/** The dictionary is dropped after this long without a Han-script name to read. */
const IDLE_RELEASE_MS = 10 * 60 * 1000;
let idleTimer: NodeJS.Timeout | undefined;
let lastUse = 0;

function scheduleRelease(): void {
  lastUse = Date.now();
  if (idleTimer) return;
  const check = () => {
    const idle = Date.now() - lastUse;
    if (idle >= IDLE_RELEASE_MS) {
      idleTimer = undefined;
      releaseJapaneseReader();
      return;
    }
    idleTimer = setTimeout(check, IDLE_RELEASE_MS - idle);
    idleTimer.unref();
  };
  idleTimer = setTimeout(check, IDLE_RELEASE_MS);
  // Never keeps a process alive on its own.
  idleTimer.unref();
}

/**
 * Drops the dictionary until a name in Han script needs it again. Index builds call it once the
 * listed names are read, so a process screening Latin-script names does not keep 200 MB for the
 * few Han-script queries it may never see.
 */
export function releaseJapaneseReader(): void {
  tokenizer = undefined;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
}

/** Whether the dictionary is in memory (for tests and diagnostics). */
export function japaneseReaderLoaded(): boolean {
  return tokenizer !== undefined;
}

/** The reader as a promise, for callers written against the earlier asynchronous loader. */
export function loadJapaneseReader(): Promise<(text: string) => string | undefined> {
  return Promise.resolve(readJapanese);
}

/**
 * The reading of each morpheme, space-separated. When the name is written in several words
 * ("三浦 悠人"), each written word is one name part: its morphemes' readings are joined into one
 * ("ミウラ ユウジン"), so a given name read character by character does not become two name parts.
 */
function readingOf(tokenizer: KuromojiTokenizer, text: string): string | undefined {
  const words = text.normalize('NFKC').split(/\s+/).filter(Boolean);
  const parts: string[] = [];
  for (const word of words) {
    const morphemes: string[] = [];
    for (const token of tokenizer.tokenize(word)) {
      const surface = token.surface_form;
      const reading = token.reading && token.reading !== '*' ? token.reading : undefined;
      if (HAN.test(surface)) {
        if (!reading) return undefined;
        morphemes.push(reading);
      } else {
        // Kana take their dictionary reading (or stay as written); Latin letters and digits pass through.
        morphemes.push(reading ?? surface);
      }
    }
    parts.push(morphemes.join(words.length > 1 ? '' : ' '));
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

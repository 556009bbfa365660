import { type InputRecord, syntaxError } from './input-record.ts';

const OPEN_OBJ = 123; // {
const CLOSE_OBJ = 125; // }
const OPEN_ARR = 91; // [
const CLOSE_ARR = 93; // ]
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function parseElement(record: number, text: string): InputRecord {
  try {
    return { record, value: JSON.parse(text) };
  } catch (err) {
    return syntaxError(record, `element is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A JSON document holding one declaration or an array of them, streamed: array elements are cut
 * out one by one by tracking nesting and strings, so a file of any size is read in constant memory
 * and a malformed element is rejected on its own while the others go on. Record N is the Nth
 * array element (or 1 for a single object).
 */
export async function* jsonRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let mode: 'start' | 'array' | 'single' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let record = 0;
  let trailing = false;

  for await (const chunk of text) {
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (mode === 'start') {
        if (isSpace(c)) continue;
        if (c === OPEN_ARR) {
          mode = 'array';
          segStart = i + 1;
          continue;
        }
        mode = 'single';
        segStart = i;
      }
      if (mode === 'done') {
        if (!isSpace(c)) trailing = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || (c === CLOSE_ARR && depth > 0)) depth--;
      else if (mode === 'array' && depth === 0 && (c === COMMA || c === CLOSE_ARR)) {
        parts.push(chunk.slice(segStart, i));
        const element = parts.join('');
        parts = [];
        segStart = i + 1;
        if (element.trim() !== '' || c === COMMA) {
          record++;
          yield element.trim() === ''
            ? syntaxError(record, 'empty array element (two commas in a row?)')
            : parseElement(record, element);
        }
        if (c === CLOSE_ARR) {
          mode = 'done';
        }
      }
    }
    if (mode === 'array' || mode === 'single') parts.push(chunk.slice(segStart));
  }

  // (mode is changed inside the loop, which the compiler's narrowing does not follow)
  const finalMode = mode as typeof mode | 'single' | 'done';
  if (finalMode === 'single') {
    yield parseElement(1, parts.join(''));
  } else if (finalMode === 'array') {
    const rest = parts.join('').trim();
    record++;
    yield syntaxError(
      record,
      rest
        ? 'the JSON array ends in the middle of an element (file truncated?)'
        : 'the JSON array is not closed with ]',
    );
  } else if (trailing) {
    yield syntaxError(record + 1, 'unexpected text after the end of the JSON array');
  }
}

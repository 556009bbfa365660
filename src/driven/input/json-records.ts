import { type InputRecord, MAX_RECORD_CHARS, syntaxError, tooLarge } from './input-record.ts';

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

/** Parses one record's JSON text; `what` names it in messages ("element", "line", "document"). */
export function parseJsonRecord(record: number, text: string, what: string): InputRecord {
  try {
    return { record, value: JSON.parse(text), raw: text };
  } catch (err) {
    return syntaxError(record, `${what} is not valid JSON: ${(err as Error).message}`, text);
  }
}

/** The text of the element being cut out: kept up to the record limit, counted beyond it. */
class ElementText {
  private parts: string[] = [];
  private kept = 0;
  length = 0;

  add(piece: string): void {
    this.length += piece.length;
    if (this.kept >= MAX_RECORD_CHARS) return;
    const room = MAX_RECORD_CHARS - this.kept;
    const part = piece.length > room ? piece.slice(0, room) : piece;
    this.parts.push(part);
    this.kept += part.length;
  }

  take(): { text: string; length: number } {
    const out = { text: this.parts.join(''), length: this.length };
    this.parts = [];
    this.kept = 0;
    this.length = 0;
    return out;
  }
}

function elementRecord(record: number, text: string, length: number, what: string): InputRecord {
  const trimmed = text.trim();
  if (length > MAX_RECORD_CHARS) return tooLarge(record, `the ${what}`, length, trimmed);
  return parseJsonRecord(record, trimmed, `the ${what}`);
}

/**
 * A JSON document holding one declaration or an array of them, streamed: array elements are cut
 * out one by one by tracking nesting and strings, so a file of any size is read in constant memory
 * and a malformed element is rejected on its own while the others go on. Record N is the Nth
 * array element (or 1 for a single object). Elements are told apart by the commas between them,
 * so an element whose quotes or brackets do not balance can take the next ones with it (NDJSON,
 * one record per line, has no such limit).
 */
export async function* jsonRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let mode: 'start' | 'array' | 'single' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const element = new ElementText();
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
      // A stray closing bracket never takes the depth below the element: it stays in the
      // element's text, which then fails to parse, and the next comma still ends the element.
      else if (depth > 0 && (c === CLOSE_OBJ || c === CLOSE_ARR)) depth--;
      else if (mode === 'array' && depth === 0 && (c === COMMA || c === CLOSE_ARR)) {
        element.add(chunk.slice(segStart, i));
        const { text: elementText, length } = element.take();
        segStart = i + 1;
        if (elementText.trim() !== '' || c === COMMA) {
          record++;
          yield elementText.trim() === ''
            ? syntaxError(record, 'empty array element (two commas in a row?)', '')
            : elementRecord(record, elementText, length, 'element');
        }
        if (c === CLOSE_ARR) mode = 'done';
      }
    }
    if (mode === 'array' || mode === 'single') element.add(chunk.slice(segStart));
  }

  // (mode is changed inside the loop, which the compiler's narrowing does not follow)
  const finalMode = mode as typeof mode | 'single' | 'done';
  if (finalMode === 'single') {
    const { text: doc, length } = element.take();
    yield elementRecord(1, doc, length, 'document');
  } else if (finalMode === 'array') {
    const { text: rest } = element.take();
    record++;
    yield syntaxError(
      record,
      rest.trim()
        ? 'the JSON array ends in the middle of an element (file truncated?)'
        : 'the JSON array is not closed with ]',
      rest.trim(),
    );
  } else if (trailing) {
    yield syntaxError(record + 1, 'unexpected text after the end of the JSON array', '');
  }
}

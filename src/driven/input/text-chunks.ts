import { isUtf8 } from 'node:buffer';

/**
 * Decodes UTF-8 like `StringDecoder`, except that each byte that is not part of a valid UTF-8
 * sequence becomes the lone surrogate U+DC80–U+DCFF (U+DC00 + the byte, Python's
 * "surrogateescape") instead of U+FFFD. Valid UTF-8 never decodes to a lone surrogate, so the
 * record that held the bad bytes, and only that record, is rejected by validation, which refuses
 * lone surrogates; a silent U+FFFD would instead be stored as if it had been sent.
 */
export class Utf8Decoder {
  private carry: Buffer | undefined;

  write(chunk: Buffer): string {
    let bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const end = completeEnd(bytes);
    if (end < bytes.length) {
      this.carry = Buffer.from(bytes.subarray(end));
      bytes = bytes.subarray(0, end);
    }
    return isUtf8(bytes) ? bytes.toString('utf8') : decodeEscaping(bytes);
  }

  /** What is left at the end of the input: a truncated sequence is invalid, so escaped. */
  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest ? decodeEscaping(rest) : '';
  }
}

/** Decodes a whole buffer as {@link Utf8Decoder} does, without a leading BOM. */
export function decodeUtf8(bytes: Buffer): string {
  const decoder = new Utf8Decoder();
  const text = decoder.write(bytes) + decoder.end();
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Where the last, possibly incomplete, multi-byte sequence starts (or the length if it is complete). */
function completeEnd(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 3; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return bytes.length;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return i + need > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

const cont = (b: number | undefined, lo = 0x80, hi = 0xbf) => b !== undefined && b >= lo && b <= hi;

/** Length of the valid UTF-8 sequence at `i` (Unicode 15 Table 3-7), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  if (b >= 0xc2 && b <= 0xdf) return cont(bytes[i + 1]) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return cont(bytes[i + 1], lo, hi) && cont(bytes[i + 2]) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(bytes[i + 1], lo, hi) && cont(bytes[i + 2]) && cont(bytes[i + 3]) ? 4 : 0;
  }
  return 0;
}

function decodeEscaping(bytes: Buffer): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += bytes.toString('utf8', start, i) + String.fromCharCode(0xdc00 + bytes[i]!);
    i++;
    start = i;
  }
  return out + bytes.toString('utf8', start, bytes.length);
}

/** Decodes a byte stream to text chunks (see {@link Utf8Decoder}); a leading BOM is dropped. */
export async function* textChunks(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<string> {
  const decoder = new Utf8Decoder();
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** One line of text; a line longer than the limit keeps only its first `maxChars` characters. */
export interface TextLine {
  text: string;
  /** The line's full length when it was longer than the limit, else undefined. */
  overLength?: number;
}

/**
 * Splits text chunks into lines at LF or CRLF (and a lone CR too with `loneCr`), holding at most
 * `maxChars` characters of a line in memory whatever the input.
 */
export async function* lines(
  source: AsyncIterable<string>,
  maxChars: number,
  loneCr = false,
): AsyncGenerator<TextLine> {
  let carry = '';
  let length = 0;
  let afterCr = false;
  // The next CR of the chunk is remembered: searching it again for every line would scan a chunk
  // without CRs to its end once per line.
  let cr = -1;
  const breakAt = (text: string, from: number): number => {
    const nl = text.indexOf('\n', from);
    if (!loneCr) return nl;
    if (cr !== -2 && cr < from) cr = text.indexOf('\r', from);
    if (cr === -1) cr = -2;
    return cr >= 0 && (nl < 0 || cr < nl) ? cr : nl;
  };
  const take = (piece: string) => {
    length += piece.length;
    if (carry.length < maxChars) carry += piece.length > maxChars ? piece.slice(0, maxChars) : piece;
  };
  const line = (): TextLine => {
    let text = carry.length > maxChars ? carry.slice(0, maxChars) : carry;
    let full = length;
    if (!loneCr && text.endsWith('\r') && full <= maxChars) {
      text = text.slice(0, -1);
      full--;
    }
    carry = '';
    length = 0;
    return full > maxChars ? { text, overLength: full } : { text };
  };

  for await (const chunk of source) {
    let start = 0;
    cr = -1;
    if (afterCr && chunk.charCodeAt(0) === 10) start = 1;
    afterCr = false;
    for (let end = breakAt(chunk, start); end >= 0; end = breakAt(chunk, start)) {
      take(chunk.slice(start, end));
      yield line();
      start = end + 1;
      if (chunk.charCodeAt(end) === 13) {
        if (start === chunk.length) afterCr = true;
        else if (chunk.charCodeAt(start) === 10) start++;
      }
    }
    take(chunk.slice(start));
  }
  if (length > 0) yield line();
}
